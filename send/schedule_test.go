package send

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"gaff/storage"
)

func TestOutcome(t *testing.T) {
	sub := &storage.Subscription{Name: "local"}
	resp := func(status int, hdr ...string) *storage.Delivery {
		x := &storage.Delivery{Status: status}
		for i := 0; i+1 < len(hdr); i += 2 {
			x.RespHeaders = append(x.RespHeaders, storage.Header{Name: hdr[i], Value: hdr[i+1]})
		}
		return x
	}
	for _, c := range []struct {
		name    string
		policy  string
		attempt int
		d       *storage.Delivery
		state   string
		wait    time.Duration
		err     string
	}{
		{"2xx delivers", RetryStandard, 1, resp(204), storage.EventDelivered, 0, ""},
		{"5xx retries on the schedule", RetryStandard, 1, resp(500), storage.EventPending, 5 * time.Second, "answered 500 Internal Server Error"},
		{"third step", RetryStandard, 3, resp(500), storage.EventPending, 30 * time.Minute, ""},
		{"schedule runs out", RetryStandard, 8, resp(500), storage.EventFailed, 0, ""},
		{"none: one attempt", RetryNone, 1, resp(500), storage.EventFailed, 0, ""},
		{"3xx is a failure", RetryTesting, 1, resp(301, "Location", "https://x/new"), storage.EventPending, time.Second, "redirect to https://x/new"},
		{"no response", RetryTesting, 2, &storage.Delivery{Error: "connection refused"}, storage.EventPending, 5 * time.Second, "connection refused"},
		{"410 is gone", RetryStandard, 1, resp(410), storage.EventGone, 0, "410 Gone"},
		{"Retry-After seconds", RetryStandard, 1, resp(503, "Retry-After", "60"), storage.EventPending, time.Minute, ""},
		{"Retry-After date", RetryStandard, 1, resp(429, "Retry-After", t0.Add(time.Hour).Format(http.TimeFormat)), storage.EventPending, time.Hour, ""},
		{"Retry-After past date", RetryStandard, 1, resp(429, "Retry-After", t0.Add(-time.Hour).Format(http.TimeFormat)), storage.EventPending, 5 * time.Second, ""},
		{"Retry-After below the schedule", RetryStandard, 2, resp(503, "Retry-After", "1"), storage.EventPending, 5 * time.Minute, ""},
		{"Retry-After capped", RetryStandard, 1, resp(503, "Retry-After", "99999999999999999"), storage.EventPending, MaxRetryAfter, ""},
		{"Retry-After junk", RetryStandard, 1, resp(503, "Retry-After", "soon"), storage.EventPending, 5 * time.Second, ""},
		{"Retry-After adds no attempts", RetryNone, 1, resp(503, "Retry-After", "5"), storage.EventFailed, 0, ""},
	} {
		r := outcome(c.policy, c.attempt, sub, c.d, t0)
		var wantNext time.Time
		if c.state == storage.EventPending {
			wantNext = t0.Add(c.wait)
		}
		if r.State != c.state || !r.NextAttempt.Equal(wantNext) || !strings.Contains(r.Error, c.err) {
			t.Errorf("%s: got %+v, want %s next %v error ~%q", c.name, r, c.state, wantNext, c.err)
		}
		if (r.DisableSubscription != "") != (c.d.Status == 410) {
			t.Errorf("%s: disable %q", c.name, r.DisableSubscription)
		}
	}
}

func TestSchedulesAreSvixAndShort(t *testing.T) {
	if got := Schedule(RetryStandard); len(got) != 8 || got[7] != 10*time.Hour || got[0] != 0 {
		t.Fatalf("standard %v", got)
	}
	s := Schedule(RetryTesting)
	var total time.Duration
	for _, d := range s {
		total += d
	}
	if total > time.Minute || MaxAttempts(RetryNone) != 1 || Schedule("nope") != nil {
		t.Fatalf("testing %v (total %s)", s, total)
	}
	s[1] = time.Hour // a copy: callers cannot change the policy
	if Schedule(RetryTesting)[1] != time.Second {
		t.Fatal("Schedule returned the shared slice")
	}
}
