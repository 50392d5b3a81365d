package send

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gaff/provider"
	"gaff/storage"
)

// --duplicate 2: the receiver gets the same event twice, same id, same
// timestamp, same signature, both valid; both attempts are recorded.
func TestDuplicateDeliversTheSameEventTwice(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	secret, _ := provider.GenerateSecret(provider.SchemeStandardWebhooks)
	tg := newTarget(t, h.clock, provider.SchemeStandardWebhooks, secret, script(200, 200))
	sub := h.subscribe(storage.Subscription{URL: tg.URL, Scheme: provider.SchemeStandardWebhooks, Secret: secret})
	p, err := h.disp.TemplatePayload("standard-webhooks.invoice.paid")
	if err != nil {
		t.Fatal(err)
	}
	ev, xs, err := h.disp.FireCopies(context.Background(), sub.ID, p, 2, false)
	if err != nil || len(xs) != 2 || xs[0].Status != 200 || xs[1].Status != 200 {
		t.Fatalf("fire: %v %+v", err, xs)
	}
	a, b := tg.next(t), tg.next(t)
	for _, name := range []string{"webhook-id", "webhook-timestamp", "webhook-signature"} {
		if a.header.Get(name) == "" || a.header.Get(name) != b.header.Get(name) {
			t.Errorf("%s differs between the copies: %q, %q", name, a.header.Get(name), b.header.Get(name))
		}
	}
	if a.verdict.Result != provider.Valid || b.verdict.Result != provider.Valid || string(a.body) != string(b.body) {
		t.Fatalf("copies: %+v %+v", a.verdict, b.verdict)
	}
	if ev.State != storage.EventDelivered || ev.Attempts != 2 || a.header.Get("webhook-id") != ev.MsgID {
		t.Fatalf("event %+v", ev)
	}
	all, _ := h.db.ListDeliveries(context.Background(), storage.DeliveryFilter{EventID: ev.ID})
	if len(all) != 2 || all[0].Attempt+all[1].Attempt != 3 || !all[0].Time.Equal(t0) || !all[1].Time.Equal(t0) {
		t.Fatalf("recorded attempts: %+v", all)
	}
}

// A failed copy and a delivered one leave the event delivered, whichever
// came first; two failures take the schedule's first step, not its second.
func TestCopiesShareOneStep(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	tg := newTarget(t, h.clock, "", "", script(500, 200, 500, 503))
	sub := h.subscribe(storage.Subscription{URL: tg.URL})
	ev, _, err := h.disp.FireCopies(context.Background(), sub.ID, Payload{Body: []byte(`{}`)}, 2, false)
	if err != nil || ev.State != storage.EventDelivered {
		t.Fatalf("500 then 200: %v %+v", err, ev)
	}
	ev, _, err = h.disp.FireCopies(context.Background(), sub.ID, Payload{Body: []byte(`{}`)}, 2, false)
	if err != nil || ev.State != storage.EventPending || ev.Attempts != 2 || !ev.NextAttempt.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("two failures: %v %+v", err, ev)
	}
}

// --concurrent: both copies are in flight before either is answered. The
// target holds each request until it has seen two (a barrier, not a
// timer); sent one after the other, the first would wait for a second
// that never comes and get a 500.
func TestConcurrentCopiesArriveTogether(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	var mu sync.Mutex
	arrived, both := 0, make(chan struct{})
	tg := newTarget(t, h.clock, "", "", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if arrived++; arrived == 2 {
			close(both)
		}
		mu.Unlock()
		select {
		case <-both:
			w.WriteHeader(200)
		case <-time.After(10 * time.Second): // only a broken sender gets here
			w.WriteHeader(500)
		}
	})
	sub := h.subscribe(storage.Subscription{URL: tg.URL, Timeout: time.Minute})
	ev, xs, err := h.disp.FireCopies(context.Background(), sub.ID, Payload{Body: []byte(`{"id":"evt_1"}`)}, 2, true)
	if err != nil || len(xs) != 2 || xs[0].Status != 200 || xs[1].Status != 200 || ev.Attempts != 2 {
		t.Fatalf("concurrent copies: %v %+v %+v", err, xs, ev)
	}
}

func TestCopiesAreBounded(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	sub := h.subscribe(storage.Subscription{URL: "http://127.0.0.1:9/x"})
	for _, n := range []int{0, -1, MaxCopies + 1} {
		_, _, err := h.disp.FireCopies(context.Background(), sub.ID, Payload{}, n, false)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("--duplicate %d: give how many times", n)) {
			t.Errorf("%d copies: %v", n, err)
		}
	}
	if evs, _ := h.db.ListEvents(context.Background(), storage.EventFilter{SubscriptionID: sub.ID, Limit: 5}); len(evs) != 0 {
		t.Fatalf("a refused fire stored events: %+v", evs)
	}
}

// --shuffle --seed N repeats: the same seed, the same order, today and in
// later versions (the order is pinned).
func TestShuffleIsFixedBySeed(t *testing.T) {
	got := Shuffle(6, 42)
	if !slices.Equal(got, Shuffle(6, 42)) {
		t.Fatal("the same seed gave two orders")
	}
	sorted := slices.Clone(got)
	slices.Sort(sorted)
	if !slices.Equal(sorted, []int{0, 1, 2, 3, 4, 5}) {
		t.Fatalf("not a permutation: %v", got)
	}
	if want := []int{0, 5, 4, 2, 1, 3}; !slices.Equal(got, want) {
		t.Fatalf("seed 42 orders 6 events as %v, want %v", got, want)
	}
	if slices.Equal(Shuffle(6, 42), Shuffle(6, 43)) && slices.Equal(Shuffle(6, 42), Shuffle(6, 44)) {
		t.Fatal("the seed does not change the order")
	}
}
