package ui

import (
	"context"
	"strings"
	"testing"

	"gaff/internal/testkit"
	"gaff/send"
	"gaff/storage"
)

// openFireForm makes a subscription to tg named local and opens the fire
// form on the first event the picker offers; the focus is on Copies.
func openFireForm(t *testing.T, h *harness, tg *testkit.Recorder, retry string) *storage.Subscription {
	t.Helper()
	sub := &storage.Subscription{Name: "local", URL: tg.URL, Scheme: "standard-webhooks", Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		Retry: retry, Enabled: true}
	if err := send.CreateSubscription(context.Background(), h.db, sub); err != nil {
		t.Fatal(err)
	}
	h.keys("s", "f", "enter")
	h.contains("Copies", "ctrl+s fire")
	h.keys("tab", "tab")
	if f := topOf[*form](h); f.fields[f.focus].key != "copies" {
		t.Fatalf("focus on %q, want copies", f.fields[f.focus].key)
	}
	return sub
}

// The copies field takes 1 to 100; anything else keeps the form open with
// a message saying what to write, and nothing is sent.
func TestFireFormRefusesBadCopies(t *testing.T) {
	h := newHarness(t, 120, 40)
	withDispatcher(t, h)
	tg := newTarget(t, 200)
	openFireForm(t, h, tg, send.RetryNone)
	for _, c := range []struct{ typed, want string }{
		{"0", "copies 0: deliver the event from 1 to 100 times"},
		{"101", "copies 101: deliver the event from 1 to 100 times"},
		{"two", `copies "two": write how many times to deliver the event, a whole number from 1 to 100`},
		{"", `copies "": write how many times`},
	} {
		typeText(h, "\b\b\b\b"+c.typed)
		h.send(ctrlS)
		h.contains(c.want)
		topOf[*form](h)
	}
	if n := tg.Count(); n != 0 {
		t.Fatalf("a refused form sent %d requests", n)
	}
}

// Concurrent means nothing for one copy: it is offered, drawn and reached
// with tab only once copies is 2 or more.
func TestFireFormOffersConcurrentForCopiesOnly(t *testing.T) {
	h := newHarness(t, 120, 40)
	withDispatcher(t, h)
	openFireForm(t, h, newTarget(t, 200), send.RetryNone)
	f := topOf[*form](h)
	h.lacks("Concurrent")
	h.keys("tab")
	if got := f.fields[f.focus].key; got != "headers" {
		t.Fatalf("tab from copies 1 went to %q, want headers", got)
	}
	h.keys("shift+tab")
	typeText(h, "\b3")
	h.contains("Concurrent", "[ ]")
	h.keys("tab")
	h.contains("the copies leave at the same moment")
	h.keys("space")
	if v := f.values()["concurrent"]; v == "" {
		t.Fatal("space did not switch concurrent on")
	}
	// Back to one copy: the switch, though on, is neither shown nor sent.
	h.keys("shift+tab")
	typeText(h, "\b1")
	h.lacks("Concurrent")
	if v := f.values()["concurrent"]; v != "" {
		t.Fatalf("concurrent reads %q for one copy", v)
	}
}

// Two copies at a real receiver: two requests with one id and signature,
// two attempts of one event, and a flash naming each copy's answer.
func TestFireTwoCopiesRecordsTwoAttempts(t *testing.T) {
	h := newHarness(t, 160, 40)
	withDispatcher(t, h)
	tg := newTarget(t, 200)
	sub := openFireForm(t, h, tg, send.RetryNone)
	typeText(h, "\b2")
	h.keys("tab", "space")
	h.send(ctrlS)
	h.contains("×2 at once to local → 200, 200 (event #")
	a, _ := tg.Next(t)
	b, _ := tg.Next(t)
	if id := a.Header.Get("webhook-id"); id == "" || id != b.Header.Get("webhook-id") || a.Header.Get("webhook-signature") != b.Header.Get("webhook-signature") {
		t.Fatalf("copies differ: %q and %q", a.Header, b.Header)
	}
	events, err := h.db.ListEvents(context.Background(), storage.EventFilter{SubscriptionID: sub.ID})
	if err != nil || len(events) != 1 || events[0].State != storage.EventDelivered {
		t.Fatalf("events %+v, %v", events, err)
	}
	xs, err := h.db.ListDeliveries(context.Background(), storage.DeliveryFilter{EventID: events[0].ID})
	if err != nil || len(xs) != 2 {
		t.Fatalf("attempts %+v, %v", xs, err)
	}
	for _, x := range xs {
		if x.EventID != events[0].ID || x.Status != 200 {
			t.Fatalf("attempt %+v", x)
		}
	}

	// One after another at a failing receiver: the flash is an error that
	// still names both answers.
	tg.Status(500)
	h.keys("f", "enter", "tab", "tab")
	typeText(h, "\b2")
	h.send(ctrlS)
	h.contains("×2 to local → 500, 500 (event #", "no copy was delivered")
	if !strings.Contains(h.screen(), "no copy") || !h.app.subs.statusErr {
		t.Fatal("a fire no copy survived is not shown as an error")
	}
}

// Copies can take up to the subscription's timeout to answer: the screen
// says they are on their way before the answers are in.
func TestFireCopiesSayTheyAreOnTheirWay(t *testing.T) {
	seq, ok := sequence(fireCopies(nil, 1, "shop", send.Payload{Type: "payment_intent.succeeded"}, 3, true)())
	if !ok || len(seq) != 2 {
		t.Fatalf("fireCopies is not a status then the fire: %v", seq)
	}
	if m, _ := seq[0]().(subsDoneMsg); m.status != "firing payment_intent.succeeded ×3 at once to shop…" || m.err != nil {
		t.Fatalf("first message %+v", m)
	}
}
