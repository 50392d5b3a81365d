package send

import (
	"bytes"
	"context"
	"testing"
	"time"

	"gaff/provider"
	"gaff/storage"
)

// Every scheme, end to end: a delivered event verifies on the receiving
// side with provider.Verify, which checks what the providers' SDKs check
// (the clock runs at real time: Verify's tolerance is against now).
func TestEverySchemeVerifiesAtTheReceiver(t *testing.T) {
	clock := newFakeClock(time.Now())
	h := newHarness(t, DispatcherOptions{Clock: clock})
	for _, c := range []struct{ scheme, template, idHeader string }{
		{provider.SchemeGitHub, "github.push", "X-GitHub-Delivery"},
		{provider.SchemeStripe, "stripe.customer.created", ""},
		{provider.SchemeSlack, "slack.message", ""},
		{provider.SchemeStandardWebhooks, "standard-webhooks.invoice.paid", "webhook-id"},
		{provider.SchemeShopify, "shopify.orders/create", "X-Shopify-Webhook-Id"},
		// A template of another provider, signed as the subscription says.
		{provider.SchemeGitHub, "generic.event", "X-GitHub-Delivery"},
	} {
		t.Run(c.scheme+"/"+c.template, func(t *testing.T) {
			secret, err := provider.GenerateSecret(c.scheme)
			if err != nil {
				t.Fatal(err)
			}
			tg := newTarget(t, clock, c.scheme, secret, script())
			sub := h.subscribe(storage.Subscription{Name: c.scheme + c.template, URL: tg.URL + "/hooks?x=1", Scheme: c.scheme, Secret: secret,
				Headers: storage.Headers{{Name: "X-Env", Value: "test"}}})
			id := h.fire(sub.ID, c.template)
			got := tg.next(t)
			if got.verdict.Result != provider.Valid {
				t.Fatalf("%s: %s (%s)", c.scheme, got.verdict.Result, got.verdict.Reason)
			}
			if x := h.next(); x.Status != 200 {
				t.Fatalf("attempt %+v", x)
			}
			ev := h.event(id)
			if c.idHeader != "" && got.header.Get(c.idHeader) != ev.MsgID {
				t.Errorf("%s = %q, want the event's msg id %q", c.idHeader, got.header.Get(c.idHeader), ev.MsgID)
			}
			if got.header.Get("X-Env") != "test" || !bytes.Equal(got.body, ev.Body) {
				t.Errorf("extra header or body lost: %v", got.header)
			}
		})
	}
}

func TestSendOnceSignsAndNames(t *testing.T) {
	secret, _ := provider.GenerateSecret(provider.SchemeStripe)
	tg := newTarget(t, realClock{}, provider.SchemeStripe, secret, script(201))
	body := []byte(`{"id":"evt_123","type":"customer.created"}`)
	x := SendOnce(context.Background(), NewClient(time.Second), tg.URL, "", storage.Headers{{Name: "X-A", Value: "1"}}, body, provider.SchemeStripe, secret)
	got := tg.next(t)
	if x.Kind != storage.KindSend || x.Status != 201 || x.Method != "POST" || got.verdict.Result != provider.Valid ||
		got.header.Get("Content-Type") != "application/json" || got.header.Get("X-A") != "1" {
		t.Fatalf("delivery %+v, verdict %+v, headers %v", x, got.verdict, got.header)
	}
	bad := SendOnce(context.Background(), NewClient(time.Second), tg.URL, "POST", nil, body, provider.SchemeStandardWebhooks, "not base64!")
	if bad.Status != 0 || bad.Error == "" || len(tg.got) != 0 {
		t.Fatalf("a secret that cannot sign must stop the send: %+v", bad)
	}
}

func TestFireCaptureResignsWithoutStaleHeaders(t *testing.T) {
	clock := newFakeClock(time.Now())
	h := newHarness(t, DispatcherOptions{Clock: clock})
	r := &storage.Request{Summary: storage.Summary{Method: "PUT", Target: "/in", Provider: provider.GitHub},
		Host: "abc.ngrok.app", Headers: storage.Headers{
			{Name: "Host", Value: "abc.ngrok.app"}, {Name: "X-GitHub-Event", Value: "push"}, {Name: "X-GitHub-Delivery", Value: "d-1"},
			{Name: "X-Hub-Signature-256", Value: "sha256=00"}, {Name: "X-Forwarded-For", Value: "1.2.3.4"},
			{Name: "Content-Type", Value: "application/json"}, {Name: "Connection", Value: "close"}},
		Body: []byte(`{"ref":"refs/heads/main"}`)}
	if err := h.db.InsertRequest(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	tg := newTarget(t, clock, provider.SchemeGitHub, "s", script())
	sub := h.subscribe(storage.Subscription{URL: tg.URL, Scheme: provider.SchemeGitHub, Secret: "s"})
	id, err := h.disp.FireCapture(context.Background(), sub.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := tg.next(t)
	h.next()
	ev := h.event(id)
	if got.verdict.Result != provider.Valid || got.header.Get("X-Forwarded-For") != "" || got.header.Get("X-GitHub-Delivery") != "d-1" ||
		ev.Method != "PUT" || ev.RequestID != r.ID || ev.Type != "github.push" || ev.MsgID != "d-1" {
		t.Fatalf("verdict %+v headers %v event %+v", got.verdict, got.header, ev)
	}
	for _, x := range ev.Headers {
		if x.Name == "X-Hub-Signature-256" || x.Name == "Host" || x.Name == "Connection" {
			t.Errorf("stale header %s stored in the event", x.Name)
		}
	}
}

func TestSlackRetriesSayWhy(t *testing.T) {
	h := newHarness(t, DispatcherOptions{})
	tg := newTarget(t, h.clock, "", "", script(500))
	sub := h.subscribe(storage.Subscription{URL: tg.URL, Scheme: provider.SchemeSlack, Secret: "x"})
	h.fire(sub.ID, "slack.message")
	if first := tg.next(t); first.header.Get("X-Slack-Retry-Num") != "" {
		t.Fatalf("a first attempt is no retry: %v", first.header)
	}
	h.next()
	h.clock.advanceTo(t, t0.Add(5*time.Second))
	got := tg.next(t)
	if got.header.Get("X-Slack-Retry-Num") != "1" || got.header.Get("X-Slack-Retry-Reason") != "http_error" {
		t.Fatalf("retry headers: %v", got.header)
	}
	h.next()
}
