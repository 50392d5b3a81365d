package send

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gaff/provider"
	"gaff/storage"
)

func TestRetriesUntilDelivered(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	secret, _ := provider.GenerateSecret(provider.SchemeStandardWebhooks)
	tg := newTarget(t, h.clock, provider.SchemeStandardWebhooks, secret, script(500, 502))
	sub := h.subscribe(storage.Subscription{URL: tg.URL + "/hook", Scheme: provider.SchemeStandardWebhooks, Secret: secret})
	id := h.fire(sub.ID, "standard-webhooks.invoice.paid")

	want := []struct {
		status int
		at     time.Time
		next   time.Time
	}{
		{500, t0, t0.Add(5 * time.Second)},
		{502, t0.Add(5 * time.Second), t0.Add(5*time.Second + 5*time.Minute)},
		{200, t0.Add(5*time.Second + 5*time.Minute), time.Time{}},
	}
	var msgIDs []string
	for i, w := range want {
		if i > 0 {
			h.clock.advanceTo(t, w.at)
		}
		x := h.next()
		got := tg.next(t)
		msgIDs = append(msgIDs, got.header.Get("webhook-id"))
		if got.verdict.Result != provider.Valid {
			t.Fatalf("attempt %d: signature %s (%s)", i+1, got.verdict.Result, got.verdict.Reason)
		}
		if got.header.Get("webhook-timestamp") != fmt.Sprint(w.at.Unix()) {
			t.Errorf("attempt %d signed at %s, want a fresh timestamp %d", i+1, got.header.Get("webhook-timestamp"), w.at.Unix())
		}
		if x.Attempt != i+1 || x.Status != w.status || !x.Time.Equal(w.at) || x.EventID != id || x.Kind != storage.KindSubscription {
			t.Fatalf("attempt %d recorded as %+v", i+1, x)
		}
		ev := h.event(id)
		if ev.Attempts != i+1 || !ev.NextAttempt.Equal(w.next) || ev.LastStatus != w.status {
			t.Fatalf("after attempt %d the event is %+v, want next at %v", i+1, ev, w.next)
		}
	}
	ev := h.event(id)
	if ev.State != storage.EventDelivered || ev.LastError != "" {
		t.Fatalf("final event %+v", ev)
	}
	if msgIDs[0] != ev.MsgID || msgIDs[1] != ev.MsgID || msgIDs[2] != ev.MsgID || !strings.HasPrefix(ev.MsgID, "msg_") {
		t.Fatalf("webhook-id must stay the event's msg id across retries: %v vs %s", msgIDs, ev.MsgID)
	}
	all, _ := h.db.ListDeliveries(context.Background(), storage.DeliveryFilter{EventID: id})
	if len(all) != 3 || all[2].Status != 500 || string(all[2].RespBody) != "Internal Server Error" ||
		all[2].Headers.Get("webhook-signature") == "" || all[0].Status != 200 {
		t.Fatalf("stored attempts: %+v", all)
	}
}

func TestScheduleRunsOut(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	tg := newTarget(t, h.clock, "", "", script(500, 500, 500, 500, 500, 500))
	sub := h.subscribe(storage.Subscription{URL: tg.URL, Retry: RetryTesting})
	id := h.fire(sub.ID, "generic.event")
	h.runSchedule(RetryTesting)
	ev := h.event(id)
	if ev.State != storage.EventFailed || ev.Attempts != 5 || !ev.NextAttempt.IsZero() || ev.LastError != "answered 500 Internal Server Error" {
		t.Fatalf("after the last step: %+v", ev)
	}

	// A manual retry is one more attempt.
	if err := h.disp.Retry(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if x := h.next(); x.Attempt != 6 || x.Status != 500 {
		t.Fatalf("manual retry: %+v", x)
	}
	if ev := h.event(id); ev.State != storage.EventFailed {
		t.Fatalf("a failed manual retry leaves the event failed: %+v", ev)
	}
}

func TestRestartResumesTheSchedule(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	tg := newTarget(t, h.clock, "", "", script(503))
	sub := h.subscribe(storage.Subscription{URL: tg.URL})
	id := h.fire(sub.ID, "generic.event")
	if x := h.next(); x.Status != 503 {
		t.Fatalf("first attempt %+v", x)
	}

	h.restart()
	h.clock.advanceTo(t, t0.Add(5*time.Second))
	if x := h.next(); x.Status != 200 || x.Attempt != 2 {
		t.Fatalf("after restart: %+v", x)
	}
	if ev := h.event(id); ev.State != storage.EventDelivered {
		t.Fatalf("event %+v", ev)
	}
}

func TestAttemptCutByStopIsSentAgainAfterRestart(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	release := make(chan struct{})
	var answered atomic.Bool
	tg := newTarget(t, h.clock, "", "", func(w http.ResponseWriter, r *http.Request) {
		if !answered.Swap(true) {
			hang(release)(w, r)
			return
		}
		w.WriteHeader(204)
	})
	t.Cleanup(func() { close(release) })
	sub := h.subscribe(storage.Subscription{URL: tg.URL})
	id := h.fire(sub.ID, "generic.event")
	tg.next(t) // in flight now

	h.restart()
	tg.next(t)
	if x := h.next(); x.Status != 204 || x.Attempt != 1 {
		t.Fatalf("the cut attempt was recorded, or the resend was not: %+v", x)
	}
	if ev := h.event(id); ev.State != storage.EventDelivered || ev.Attempts != 1 {
		t.Fatalf("event %+v", ev)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	step := 0
	tg := newTarget(t, h.clock, "", "", func(w http.ResponseWriter, r *http.Request) {
		step++
		switch step {
		case 1:
			w.Header().Set("Retry-After", "120") // longer than the schedule's 1 s
			w.WriteHeader(503)
		case 2:
			w.Header().Set("Retry-After", h.clock.Now().Add(10*time.Minute).Format(http.TimeFormat))
			w.WriteHeader(429)
		case 3:
			w.Header().Set("Retry-After", "1") // shorter than the schedule's 15 s: the schedule wins
			w.WriteHeader(503)
		case 4:
			w.Header().Set("Retry-After", "999999999") // capped
			w.WriteHeader(503)
		default:
			w.WriteHeader(200)
		}
	})
	sub := h.subscribe(storage.Subscription{URL: tg.URL, Retry: RetryTesting})
	id := h.fire(sub.ID, "generic.event")
	at := t0
	for i, wait := range []time.Duration{120 * time.Second, 10 * time.Minute, 15 * time.Second, MaxRetryAfter} {
		h.next()
		ev := h.event(id)
		if want := at.Add(wait); !ev.NextAttempt.Equal(want) {
			t.Fatalf("after attempt %d next is %v, want %v", i+1, ev.NextAttempt, want)
		}
		at = at.Add(wait)
		h.clock.advanceTo(t, at)
	}
	if x := h.next(); x.Status != 200 || x.Attempt != 5 {
		t.Fatalf("last attempt %+v", x)
	}
}

func TestGoneStopsAndDisables(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	tg := newTarget(t, h.clock, "", "", script(410))
	sub := h.subscribe(storage.Subscription{URL: tg.URL, Name: "shop"})
	// Both events are queued before the first attempt can answer 410: the
	// running dispatcher is paused while they are fired.
	h.disp.Stop()
	paused := NewDispatcher(h.db, h.opt)
	var ids []int64
	for range 2 {
		id, err := paused.FireTemplate(context.Background(), sub.ID, "generic.event")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	first, second := ids[0], ids[1]
	h.disp = NewDispatcher(h.db, h.opt)
	h.disp.Start(context.Background())
	if x := h.next(); x.Status != 410 || x.EventID != first {
		t.Fatalf("first attempt %+v", x)
	}
	ev := h.event(first)
	if ev.State != storage.EventGone || !ev.NextAttempt.IsZero() || !strings.Contains(ev.LastError, "410 Gone") {
		t.Fatalf("event after 410: %+v", ev)
	}
	s, _ := h.db.GetSubscription(context.Background(), sub.ID)
	if s.Enabled || !strings.Contains(s.DisabledReason, "410 Gone") {
		t.Fatalf("subscription after 410: %+v", s)
	}
	// Held, not sent, while the subscription is off; refused new events.
	if _, ok, _ := h.db.NextDue(context.Background()); ok {
		t.Fatal("an event of a disabled subscription is due")
	}
	if _, err := h.disp.FireTemplate(context.Background(), sub.ID, "generic.event"); err == nil || !strings.Contains(err.Error(), "shop is disabled (the target answered 410 Gone") {
		t.Fatalf("fire at a disabled subscription: %v", err)
	}
	if err := h.disp.Retry(context.Background(), first); err == nil {
		t.Fatal("retry at a disabled subscription should say it is disabled")
	}

	if err := h.disp.SetEnabled(context.Background(), sub.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if x := h.next(); x.EventID != second || x.Status != 200 {
		t.Fatalf("held event after enabling: %+v", x)
	}
}

func TestSilentTargetIsCutAtTheTimeout(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	release := make(chan struct{})
	tg := newTarget(t, h.clock, "", "", hang(release))
	t.Cleanup(func() { close(release) })
	sub := h.subscribe(storage.Subscription{URL: tg.URL, Timeout: 200 * time.Millisecond, Retry: RetryNone})
	id := h.fire(sub.ID, "generic.event")
	x := h.next()
	if x.Status != 0 || x.Error != "timed out: no response within 200ms" {
		t.Fatalf("attempt %+v", x)
	}
	if ev := h.event(id); ev.State != storage.EventFailed || ev.LastError != x.Error {
		t.Fatalf("event %+v", ev)
	}
}

func TestHangingTargetDoesNotHoldUpOthers(t *testing.T) {
	h := newHarness(t, DispatcherOptions{Workers: 2})
	release := make(chan struct{})
	slow := newTarget(t, h.clock, "", "", hang(release))
	t.Cleanup(func() { close(release) })
	fast := newTarget(t, h.clock, "", "", script())
	a := h.subscribe(storage.Subscription{URL: slow.URL, Name: "slow", Timeout: time.Minute})
	b := h.subscribe(storage.Subscription{URL: fast.URL, Name: "fast"})
	for range 3 {
		h.fire(a.ID, "generic.event")
		h.fire(b.ID, "generic.event")
	}
	slow.next(t)
	for range 3 {
		if x := h.next(); x.SubscriptionID != b.ID || x.Status != 200 {
			t.Fatalf("while slow hangs: %+v", x)
		}
	}
	h.disp.mu.Lock()
	busy := h.disp.busy[a.ID]
	h.disp.mu.Unlock()
	if busy != 1 || len(slow.got) != 0 {
		t.Fatalf("the slow target has %d attempts in flight and %d more arrived; want one at a time", busy, len(slow.got))
	}
}

func TestWorkersBoundTheAttemptsInFlight(t *testing.T) {
	h := newHarness(t, DispatcherOptions{Workers: 2})
	release := make(chan struct{})
	var targets []*target
	for i := range 3 {
		tg := newTarget(t, h.clock, "", "", hang(release))
		targets = append(targets, tg)
		h.fire(h.subscribe(storage.Subscription{URL: tg.URL, Name: fmt.Sprint("s", i), Timeout: time.Minute}).ID, "generic.event")
	}
	for range 2 {
		select {
		case <-targets[0].got:
		case <-targets[1].got:
		case <-targets[2].got:
		case <-time.After(10 * time.Second):
			t.Fatal("two attempts never started")
		}
	}
	// Another look at what is due starts nothing while both workers are out.
	h.disp.dispatchDue(context.Background())
	h.disp.mu.Lock()
	inflight := len(h.disp.inflight)
	h.disp.mu.Unlock()
	if inflight != 2 {
		t.Fatalf("%d attempts in flight with 2 workers", inflight)
	}
	close(release)
	for range 3 {
		if x := h.next(); x.Status != 200 {
			t.Fatalf("after release: %+v", x)
		}
	}
}

// A due event read while its previous attempt was in flight must not be
// sent again once that attempt is recorded: the dispatcher re-reads it
// under its claim.
func TestStaleReadIsNotSentTwice(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	tg := newTarget(t, h.clock, "", "", script())
	sub := h.subscribe(storage.Subscription{URL: tg.URL})
	id := h.fire(sub.ID, "generic.event")
	tg.next(t)
	h.next()

	stale := &storage.Event{ID: id, SubscriptionID: sub.ID, State: storage.EventPending}
	if !h.disp.claim(stale, false) {
		t.Fatal("claim")
	}
	x, err := h.disp.attempt(context.Background(), stale)
	h.disp.release(stale)
	if x != nil || err == nil || len(tg.got) != 0 {
		t.Fatalf("a stale read was sent again: %+v %v", x, err)
	}
	if ev := h.event(id); ev.Attempts != 1 || ev.State != storage.EventDelivered {
		t.Fatalf("event %+v", ev)
	}
}
