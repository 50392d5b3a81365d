package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/provider"
	"gaff/send"
	"gaff/storage"
)

func withDispatcher(t *testing.T, h *harness) *send.Dispatcher {
	d := send.NewDispatcher(h.db, send.DispatcherOptions{TemplateDir: t.TempDir()})
	ctx, cancel := context.WithCancel(context.Background())
	d.Start(ctx)
	t.Cleanup(func() { cancel(); d.Stop() })
	h.app.common.deps.Dispatcher = d
	return d
}

// settle lets the dispatcher's commit reach the screen, as the live feed
// would.
func (h *harness) settle() { h.send(dbChangedMsg{}) }

func TestSubscriptionsCreateFireAndSeeAttempts(t *testing.T) {
	h := newHarness(t, 120, 40)
	withDispatcher(t, h)
	tg := newTarget(t, 200)
	h.keys("s")
	h.contains("subscriptions", "No subscriptions yet")

	// n: a new subscription, signed Standard Webhooks with a generated secret.
	h.keys("n")
	h.contains("new subscription", "Target URL", "standard-webhooks")
	typeText(h, "local")
	h.keys("tab")
	typeText(h, strings.Repeat("\b", 40)+tg.URL+"/webhooks")
	h.keys("tab", "tab")
	h.send(tea.KeyPressMsg{Code: 'g', Mod: tea.ModCtrl})
	secret := topOf[*form](h).field("secret").value()
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("generated secret %q", secret)
	}
	h.lacks(secret)
	h.send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	h.contains("created local", "local", tg.URL+"/webhooks")

	// f: pick a template, preview, fire.
	h.keys("f")
	h.contains("fire at local: pick an event", "github.push", "stripe.payment_intent.succeeded")
	for !strings.HasPrefix(topOf[*picker](h).items[topOf[*picker](h).cursor].key, "stripe.payment_intent") {
		h.keys("j")
	}
	h.keys("enter")
	h.contains("fire stripe.payment_intent.succeeded", `"object": "payment_intent"`)
	h.send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	tg.Next(t)
	got, body := tg.Last()
	v := provider.Verify(provider.StandardWebhooks, secret, &provider.Request{Method: got.Method, Header: got.Header, Body: body}, time.Now())
	if v.Result != provider.Valid || !strings.Contains(string(body), "payment_intent.succeeded") {
		t.Fatalf("delivered event: %+v %s", v, body)
	}
	// The event shows as delivered once its commit lands.
	h.waitScreen(t, "delivered")
	h.contains("1 attempt", "→200")
	// tab to the events, enter: the attempt with the target's answer.
	h.keys("tab", "enter")
	h.contains("attempts of event", "<-- [200] POST "+tg.URL+"/webhooks", `{"handled":true}`)
	h.keys("esc", "tab")
	h.checkSize()

	// space disables; d deletes after asking.
	h.keys("space")
	h.contains("disabled local", "off")
	h.keys("d")
	h.contains("delete subscription local and its events (y/n)")
	h.keys("y")
	h.contains("deleted local", "No subscriptions yet")
	h.keys("esc")
	h.contains("Waiting for the first webhook")
}

func TestSubscriptionFailureShowsRetryAndManualRetry(t *testing.T) {
	h := newHarness(t, 100, 30)
	d := withDispatcher(t, h)
	tg := newTarget(t, 500)
	sub := h.app.subs
	h.keys("s", "n")
	typeText(h, "flaky")
	h.keys("tab")
	typeText(h, strings.Repeat("\b", 40)+tg.URL)
	h.keys("tab")
	for topOf[*form](h).field("scheme").value() != "none" {
		h.keys("right")
	}
	if got := topOf[*form](h).field("retry").value(); got != send.RetrySvix {
		t.Fatalf("default retry profile %q, want svix", got)
	}
	// An invalid timeout is refused in the form.
	h.keys("tab", "tab", "tab")
	typeText(h, "\b\b\bsoon")
	h.send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	h.contains(`timeout "soon"`)
	typeText(h, "\b\b\b\b2s")
	h.send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	h.contains("created flaky")
	_ = d
	h.keys("f", "enter")
	h.send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	tg.Next(t)
	h.waitScreen(t, "→500")
	h.contains("pending", "next ")
	// Fix the target and retry now.
	tg.Status(200)
	h.keys("tab", "r")
	h.contains("<-- [200]")
	if len(sub.events) == 0 || sub.events[0].State != "delivered" {
		t.Fatalf("after the manual retry: %+v", sub.events)
	}
}

// waitScreen lets the dispatcher's commits reach the screen until want
// shows (a hang guard, not a timing check).
func (h *harness) waitScreen(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(h.screen(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("never showed %q:\n%s", want, h.screen())
		}
		time.Sleep(20 * time.Millisecond)
		h.settle()
	}
}

// A subscription URL with a password shows where it points, not the
// password.
func TestSubscriptionsScreenMasksURLPasswords(t *testing.T) {
	h := newHarness(t, 120, 30)
	withDispatcher(t, h)
	s := &storage.Subscription{Name: "local", URL: "http://u:hunter2@127.0.0.1:1/x", Enabled: true}
	if err := send.CreateSubscription(context.Background(), h.db, s); err != nil {
		t.Fatal(err)
	}
	h.keys("s")
	h.contains("local", "http://u:xxxxx@127.0.0.1:1/x")
	h.lacks("hunter2")
}

// x on a pending event stops its retries; the event shows as cancelled.
func TestCancelStopsAnEventsRetries(t *testing.T) {
	h := newHarness(t, 120, 30)
	d := withDispatcher(t, h)
	tg := newTarget(t, 500)
	s := &storage.Subscription{Name: "flaky", URL: tg.URL, Scheme: "none", Retry: send.RetryStandard, Enabled: true, Timeout: 5 * time.Second}
	if err := send.CreateSubscription(context.Background(), h.db, s); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Fire(context.Background(), s.ID, send.Payload{Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	h.keys("s")
	tg.Next(t)
	h.waitScreen(t, "→500")
	h.contains("pending")
	h.keys("tab", "x")
	h.waitScreen(t, "cancelled: no more retries")
	h.settle()
	if ev := h.app.subs.events; len(ev) != 1 || ev[0].State != storage.EventCancelled {
		t.Fatalf("after x: %+v", ev)
	}
}

// topOf is the top layer, which the test expects to be a T.
func topOf[T layer](h *harness) T {
	h.t.Helper()
	l, ok := h.app.layers.top().(T)
	if !ok {
		h.t.Fatalf("the top layer is %T", h.app.layers.top())
	}
	return l
}
