package send

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gaff/storage"
)

func sum(steps []time.Duration) time.Duration {
	var total time.Duration
	for _, s := range steps {
		total += s
	}
	return total
}

// Each profile keeps to what its provider documents (docs/providers.md,
// "Retry profiles"): attempts, the time until the last one, the timeout
// the receiver gets, and whether 410 switches the subscription off.
func TestRetryProfilesFollowTheProviders(t *testing.T) {
	for _, c := range []struct {
		policy   string
		attempts int
		span     time.Duration // from the first attempt to the last
		timeout  time.Duration
		gone     bool
	}{
		{RetryGitHub, 1, 0, 10 * time.Second, false},
		{RetryStripe, 13, 4095 * time.Minute, 15 * time.Second, false},
		{RetryShopify, 9, 4 * time.Hour, 5 * time.Second, false},
		{RetrySlack, 4, 6 * time.Minute, 3 * time.Second, false},
		{RetrySvix, 8, 27*time.Hour + 35*time.Minute + 5*time.Second, 15 * time.Second, true},
		{RetryStandard, 8, 27*time.Hour + 35*time.Minute + 5*time.Second, 15 * time.Second, true},
		{RetryZoom, 4, 85 * time.Minute, 3 * time.Second, false},
		{RetryNone, 1, 0, 15 * time.Second, true},
	} {
		steps := Schedule(c.policy)
		p, ok := Profile(c.policy)
		if !ok || len(steps) != c.attempts || MaxAttempts(c.policy) != c.attempts || sum(steps) != c.span || steps[0] != 0 ||
			p.Timeout != c.timeout || p.GoneDisables != c.gone {
			t.Errorf("%s: %d attempts %v over %s, timeout %s, 410 disables %v", c.policy, len(steps), steps, sum(steps), p.Timeout, p.GoneDisables)
		}
	}
	// Stripe: "up to three days"; the backoff grows at every step.
	s := Schedule(RetryStripe)
	for i := 2; i < len(s); i++ {
		if s[i] != 2*s[i-1] {
			t.Errorf("stripe step %d is %s after %s: not exponential", i, s[i], s[i-1])
		}
	}
	if sum(s) > 72*time.Hour {
		t.Errorf("stripe retries past three days: %s", sum(s))
	}
	if !strings.Contains(strings.Join(RetryPolicies(), ","), "github,stripe,shopify,slack,svix,zoom,testing,none") {
		t.Errorf("picker order %v", RetryPolicies())
	}
}

// A subscription takes its profile's timeout unless it sets one; standard
// is stored as svix; an unknown profile is refused with the list.
func TestSubscriptionTakesItsProfile(t *testing.T) {
	for policy, want := range map[string]time.Duration{RetryGitHub: 10 * time.Second, RetryShopify: 5 * time.Second,
		RetrySlack: 3 * time.Second, RetryZoom: 3 * time.Second, RetryStandard: 15 * time.Second} {
		s := storage.Subscription{Name: "x", URL: "http://localhost:3000/h", Retry: policy}
		if err := CheckSubscription(&s); err != nil || s.Timeout != want {
			t.Errorf("%s: timeout %s, err %v", policy, s.Timeout, err)
		}
		if policy == RetryStandard && s.Retry != RetrySvix {
			t.Errorf("standard stored as %q", s.Retry)
		}
	}
	s := storage.Subscription{Name: "x", URL: "http://localhost:3000/h", Retry: RetrySlack, Timeout: time.Second}
	if err := CheckSubscription(&s); err != nil || s.Timeout != time.Second {
		t.Errorf("a timeout given is kept: %s %v", s.Timeout, err)
	}
	s = storage.Subscription{Name: "x", URL: "http://localhost:3000/h", Retry: "paypal"}
	err := CheckSubscription(&s)
	if err == nil || !strings.Contains(err.Error(), `unknown retry profile "paypal"; use one of github, stripe, shopify, slack, svix, zoom, testing, none`) {
		t.Errorf("unknown profile: %v", err)
	}
}

// What counts as a failure differs: only Svix's profile (and gaff's own)
// treat 410 as "stop and disable"; for Shopify a redirect fails like a 500.
func TestFailureRulesByProfile(t *testing.T) {
	sub := &storage.Subscription{Name: "shop"}
	gone := &storage.Delivery{Status: 410}
	if r := outcome(RetrySvix, 1, sub, gone, t0); r.State != storage.EventGone || r.DisableSubscription == "" {
		t.Errorf("svix 410: %+v", r)
	}
	if r := outcome(RetryStripe, 1, sub, gone, t0); r.State != storage.EventPending || r.DisableSubscription != "" ||
		!r.NextAttempt.Equal(t0.Add(time.Minute)) || r.Error != "answered 410 Gone" {
		t.Errorf("stripe 410 is a failure to retry: %+v", r)
	}
	moved := &storage.Delivery{Status: 302, RespHeaders: storage.Headers{{Name: "Location", Value: "/new"}}}
	if r := outcome(RetryShopify, 1, sub, moved, t0); r.State != storage.EventPending || !r.NextAttempt.Equal(t0.Add(time.Minute)) ||
		!strings.Contains(r.Error, "redirect to /new") {
		t.Errorf("shopify 302: %+v", r)
	}
	if r := outcome(RetryGitHub, 1, sub, &storage.Delivery{Status: 500}, t0); r.State != storage.EventFailed {
		t.Errorf("github does not retry: %+v", r)
	}
}

// Each profile runs its whole schedule on the fake clock against a target
// that always fails: the attempts come at the profile's times, then the
// event fails.
func TestProfilesRunTheirSchedules(t *testing.T) {
	for _, policy := range []string{RetryGitHub, RetryShopify, RetrySlack, RetryZoom, RetryStripe} {
		t.Run(policy, func(t *testing.T) {
			h := newHarness(t, DispatcherOptions{})
			tg := newTarget(t, h.clock, "", "", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) })
			sub := h.subscribe(storage.Subscription{URL: tg.URL, Retry: policy})
			id := h.fire(sub.ID, "generic.event")
			h.runSchedule(policy)
			if ev := h.event(id); ev.State != storage.EventFailed || ev.Attempts != MaxAttempts(policy) {
				t.Fatalf("after the schedule: %+v", ev)
			}
		})
	}
}

// The slack profile adds Slack's retry headers whatever the signing, with
// the reason the last attempt failed: an error status, then a timeout.
func TestSlackProfileSaysWhyItRetries(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	var n atomic.Int32
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	tg := newTarget(t, h.clock, "", "", func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.WriteHeader(500)
		case 2:
			hang(release)(w, r)
		}
	})
	sub := h.subscribe(storage.Subscription{URL: tg.URL, Retry: RetrySlack, Timeout: 200 * time.Millisecond})
	h.fire(sub.ID, "generic.event")
	want := []struct{ num, reason string }{{"", ""}, {"1", "http_error"}, {"2", "http_timeout"}}
	at := t0
	for i, w := range want {
		at = at.Add(Schedule(RetrySlack)[i])
		if at.After(h.clock.Now()) {
			h.clock.advanceTo(t, at)
		}
		got := tg.next(t)
		if got.header.Get("X-Slack-Retry-Num") != w.num || got.header.Get("X-Slack-Retry-Reason") != w.reason {
			t.Fatalf("attempt %d: retry headers %q %q, want %q %q", i+1, got.header.Get("X-Slack-Retry-Num"),
				got.header.Get("X-Slack-Retry-Reason"), w.num, w.reason)
		}
		h.next()
	}
}

// runSchedule lets the event fired at t0 take every step of policy's
// schedule, checking that each attempt comes at its time.
func (h *harness) runSchedule(policy string) {
	h.t.Helper()
	at := t0
	for i, step := range Schedule(policy) {
		at = at.Add(step)
		if step > 0 {
			h.clock.advanceTo(h.t, at)
		}
		if x := h.next(); x.Attempt != i+1 || !x.Time.Equal(at) {
			h.t.Fatalf("attempt %d: %+v, want at %s", i+1, x, at)
		}
	}
}

// A subscription that sets no timeout gets its profile's on the wire: Zoom
// gives a silent target 3 s.
func TestProfileTimeoutCutsASilentTarget(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	tg := newTarget(t, h.clock, "", "", hang(release))
	sub := h.subscribe(storage.Subscription{URL: tg.URL, Retry: RetryZoom})
	id := h.fire(sub.ID, "generic.event")
	if x := h.next(); x.Status != 0 || x.Error != "timed out: no response within 3s" {
		t.Fatalf("attempt %+v", x)
	}
	if ev := h.event(id); ev.State != storage.EventPending || !ev.NextAttempt.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("a timeout is a failure to retry at +5 min: %+v", ev)
	}
}
