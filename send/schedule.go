package send

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gaff/storage"
)

// MaxRetryAfter caps how far a target's Retry-After can push the next
// attempt: a day, longer than all but Stripe's last steps, but short enough
// that a typo (Retry-After: 9999999) does not park an event for months.
const MaxRetryAfter = 24 * time.Hour

// outcome decides what attempt number attempt (1-based) of an event did,
// from its record d, under policy, at now (when the attempt ended):
//
//   - 2xx: delivered.
//   - 410 Gone, under a profile where it disables (Svix's and gaff's own):
//     the target asked for no more; the event is gone and the subscription
//     switched off. Under the others it is one more failure.
//   - anything else, 3xx included (a webhook sender does not follow
//     redirects; Shopify counts them as failures), or no response: the
//     next step of the schedule, or failed when it has run out.
//
// Retry-After (seconds or an HTTP date) on a failed response is honoured as
// the least wait: the next attempt comes at the later of the schedule's
// step and Retry-After, the latter capped at MaxRetryAfter. It never adds
// attempts, and never brings one sooner than the schedule would.
func outcome(policy string, attempt int, sub *storage.Subscription, d *storage.Delivery, now time.Time) storage.AttemptResult {
	prof, _ := Profile(policy)
	switch {
	case d.Status >= 200 && d.Status < 300:
		return storage.AttemptResult{State: storage.EventDelivered}
	case d.Status == http.StatusGone && prof.GoneDisables:
		why := fmt.Sprintf("the target answered 410 Gone at %s, asking for no more events; enable the subscription to send again",
			now.Format("2006-01-02 15:04:05"))
		return storage.AttemptResult{State: storage.EventGone, Error: "410 Gone: the target asked for no more events; subscription disabled",
			DisableSubscription: why}
	}
	res := storage.AttemptResult{State: storage.EventFailed, Error: failure(d, sub)}
	steps := prof.Steps
	if attempt >= len(steps) {
		return res
	}
	wait := steps[attempt]
	if ra, ok := retryAfter(d.RespHeaders.Get("Retry-After"), now); ok && ra > wait {
		wait = min(ra, max(MaxRetryAfter, wait))
	}
	res.State, res.NextAttempt = storage.EventPending, now.Add(wait)
	return res
}

// failure says why an attempt did not deliver, in words.
func failure(d *storage.Delivery, sub *storage.Subscription) string {
	switch {
	case d.Status == 0 && d.Error != "":
		return d.Error
	case d.Status == 0:
		return "no response"
	case d.Status >= 300 && d.Status < 400:
		where := d.RespHeaders.Get("Location")
		if where == "" {
			where = "elsewhere"
		}
		return fmt.Sprintf("answered %d, a redirect to %s: webhook senders do not follow redirects, so it counts as a failure; point %s at the final URL",
			d.Status, clipText(where, 200), sub.Name)
	}
	return fmt.Sprintf("answered %d %s", d.Status, http.StatusText(d.Status))
}

// retryAfter parses a Retry-After value (RFC 9110 §10.2.3): delay-seconds
// or an HTTP date, taken relative to now. A date in the past is a wait of
// zero; a value that parses as neither is ignored.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Beyond the cap anyway; also keeps secs*time.Second from overflowing.
		if secs > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter + time.Second, true
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(0, at.Sub(now)), true
}

// clipText keeps a value from the network to n bytes for a message.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
