package send

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gaff/provider"
	"gaff/storage"
)

// attempt makes one attempt of ev (claimed by the caller) and records it
// with the event's next step. It returns the stored attempt, or nil when
// none was recorded: the event moved on since ev was read, the
// subscription is gone or off, or ctx ended first (shutdown: the event
// stays due for the next start).
func (d *Dispatcher) attempt(ctx context.Context, ev *storage.Event) (*storage.Delivery, error) {
	ev, sub, err := d.ready(ctx, ev)
	if err != nil {
		return nil, err
	}
	x := d.deliver(ctx, sub, ev)
	if x.Status == 0 && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return x, d.record(ctx, sub, ev, x)
}

// ready reads ev again under its claim, with its subscription, and says
// why it cannot be sent if it cannot.
func (d *Dispatcher) ready(ctx context.Context, ev *storage.Event) (*storage.Event, *storage.Subscription, error) {
	// ev may have been read while an earlier attempt of it was in flight,
	// which has since been recorded and released its claim: sending on that
	// stale read would send the event twice. Read it again under the claim.
	fresh, err := d.db.GetEvent(ctx, ev.ID)
	if err != nil {
		return nil, nil, err
	}
	if fresh.State != storage.EventPending || fresh.Attempts != ev.Attempts {
		return nil, nil, fmt.Errorf("event %d changed while it was being picked up (now %s after %d attempts)", ev.ID, fresh.State, fresh.Attempts)
	}
	sub, err := d.db.GetSubscription(ctx, fresh.SubscriptionID)
	if err != nil {
		return nil, nil, err // removed meanwhile: its events went with it
	}
	if !sub.Enabled {
		return nil, nil, disabledError(sub)
	}
	return fresh, sub, nil
}

// record stores x, an attempt of ev as read before it was sent, with the
// step of sub's schedule that follows it.
func (d *Dispatcher) record(ctx context.Context, sub *storage.Subscription, ev *storage.Event, x *storage.Delivery) error {
	res := outcome(sub.Retry, ev.Attempts+1, sub, x, d.opt.Clock.Now())
	// The attempt happened: record it even if the caller stops waiting now.
	if err := d.db.RecordAttempt(context.WithoutCancel(ctx), x, res); err != nil {
		d.opt.Log.Warn("subscriptions: attempt made but not recorded", "subscription", sub.Name, "event", ev.ID, "err", err)
		return err
	}
	d.opt.Log.Info("subscriptions: attempt", "subscription", sub.Name, "event", ev.ID, "attempt", x.Attempt,
		"status", x.Status, "error", x.Error, "state", res.State, "next", res.NextAttempt)
	if d.opt.OnAttempt != nil {
		d.opt.OnAttempt(x, res)
	}
	return nil
}

// deliver signs ev for sub at the clock's now and sends it within sub's
// timeout.
func (d *Dispatcher) deliver(ctx context.Context, sub *storage.Subscription, ev *storage.Event) *storage.Delivery {
	now := d.opt.Clock.Now()
	out, x := d.sign(sub, ev, now)
	if x == nil {
		x = d.send(ctx, sub, out)
	}
	return stamp(x, sub, ev, now)
}

// sign makes the request for ev as sub signs it at now. A signing failure
// comes back as the attempt (nothing is sent), so the user sees it in the
// log of attempts and can fix the secret.
func (d *Dispatcher) sign(sub *storage.Subscription, ev *storage.Event, now time.Time) (Outbound, *storage.Delivery) {
	extra := append(storage.Headers(nil), sub.Headers...)
	// A Slack-signed subscription has always carried them; the slack
	// profile adds them whatever the signing.
	if prof, _ := Profile(sub.Retry); (prof.RetryHeaders || sub.Scheme == provider.SchemeSlack) && ev.Attempts > 0 {
		extra = append(extra, slackRetryHeaders(ev)...)
	}
	p := Payload{Method: ev.Method, Headers: ev.Headers, Body: ev.Body}
	out, err := signed(sub.URL, p, extra, sub.Scheme, sub.Secret, ev.MsgID, now)
	if err != nil {
		return out, &storage.Delivery{Method: out.Method, URL: sub.URL, Headers: out.Headers, Body: ev.Body, Error: "not sent: " + err.Error()}
	}
	return out, nil
}

// send sends out within sub's timeout.
func (d *Dispatcher) send(ctx context.Context, sub *storage.Subscription, out Outbound) *storage.Delivery {
	c := *d.opt.Client // shares the connection pool; only the timeout differs
	c.Timeout = sub.Timeout
	return c.Do(ctx, out)
}

// stamp marks x as an attempt of ev, at the clock's time now, so the
// attempt log and the schedule agree.
func stamp(x *storage.Delivery, sub *storage.Subscription, ev *storage.Event, now time.Time) *storage.Delivery {
	x.Time, x.Kind, x.SubscriptionID, x.EventID = now, storage.KindSubscription, sub.ID, ev.ID
	return x
}

// slackRetryHeaders are what Slack adds to a retry, which Bolt apps read
// (and some use to skip retries). The reason is Slack's word for how the
// last attempt failed (docs/providers.md, "Retry profiles").
func slackRetryHeaders(ev *storage.Event) storage.Headers {
	reason := "http_error"
	switch {
	case ev.LastStatus != 0:
	case strings.HasPrefix(ev.LastError, "timed out"):
		reason = "http_timeout"
	case strings.HasPrefix(ev.LastError, "TLS:"):
		reason = "ssl_error"
	default:
		reason = "connection_failed"
	}
	return storage.Headers{
		{Name: "X-Slack-Retry-Num", Value: strconv.Itoa(ev.Attempts)},
		{Name: "X-Slack-Retry-Reason", Value: reason},
	}
}
