package send_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gaff/internal/testkit"
	"gaff/provider"
	"gaff/send"
	"gaff/storage"
)

func verdict(r *storage.Request, providerID, secret string, now time.Time) provider.Verdict {
	pr := &provider.Request{Method: r.Method, URL: r.SenderURL(), Header: r.Headers.HTTP(), Body: r.Body}
	return provider.Verify(providerID, secret, pr, now)
}

// signedCapture is a capture signed an hour ago, as a provider signs it.
func signedCapture(t *testing.T, db *storage.DB, providerID, secret string, extra storage.Headers) *storage.Request {
	t.Helper()
	body := []byte(`{"id":"evt_1","type":"ping","note":"it's \u00e9"}`)
	signedAt := time.Now().Add(-time.Hour)
	pairs, err := provider.Sign(provider.DefaultScheme(providerID), provider.SignInput{Body: body, Secret: secret, Now: signedAt, ID: "msg_original"})
	if err != nil {
		t.Fatal(err)
	}
	h := storage.Headers{{Name: "Content-Type", Value: "application/json"}}
	for _, p := range pairs {
		h = append(h, storage.Header{Name: p.Name, Value: p.Value})
	}
	h = append(h, extra...)
	return testkit.Store(t, db, &storage.Request{
		Summary: storage.Summary{Time: signedAt, Method: "POST", Target: "/hooks/" + providerID, Provider: providerID},
		Headers: h, Body: body,
	})
}

// A replay re-signed with a fresh timestamp passes the handler's check at
// the moment it arrives, though the capture is older than any tolerance.
func TestResignedReplayVerifies(t *testing.T) {
	secrets := map[string]string{
		provider.GitHub:           "gh-secret",
		provider.Stripe:           "whsec_test_stripe_secret",
		provider.Slack:            "slack-signing-secret",
		provider.Shopify:          "shopify-secret",
		provider.StandardWebhooks: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	}
	for id, secret := range secrets {
		t.Run(id, func(t *testing.T) {
			db := testkit.DB(t)
			base, target := testkit.CaptureServer(t)
			r := signedCapture(t, db, id, secret, nil)
			s := newSender(db, 0)
			s.Secret = func(p string) (string, bool) { v, ok := secrets[p]; return v, ok }
			d, err := s.Replay(context.Background(), r.ID, base, true)
			if err != nil || d.Status != 200 {
				t.Fatalf("%v %+v", err, d)
			}
			got := testkit.Newest(t, target)
			later := time.Now().Add(time.Minute)
			if v := verdict(got, id, secret, later); v.Result != provider.Valid {
				t.Fatalf("re-signed replay: %s (%s)\n%v", v.Result, v.Reason, got.Headers)
			}
			for _, name := range provider.SignatureHeaders(provider.DefaultScheme(id)) {
				if n := len(got.Headers.Values(name)); n > 1 {
					t.Errorf("%s sent %d times: a stale signature rode along", name, n)
				}
			}
			if id == provider.StandardWebhooks && got.Headers.Get("webhook-id") != "msg_original" {
				t.Errorf("message id %q, want the original's", got.Headers.Get("webhook-id"))
			}
			if id == provider.Stripe || id == provider.StandardWebhooks || id == provider.Slack {
				// Without re-signing the same bytes are too old: the point of it.
				d, _ := s.Replay(context.Background(), r.ID, base, false)
				if v := verdict(testkit.Newest(t, target), id, secret, later); d.Status != 200 || v.Result != provider.Invalid {
					t.Errorf("plain replay of an old capture: %s", v.Result)
				}
			}
		})
	}
}

// A capture in Svix's svix-* spelling gets its fresh signature in the same
// spelling, for receivers built on the Svix library.
func TestResignKeepsSvixHeaders(t *testing.T) {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	out := send.Outbound{Method: "POST", Body: []byte(`{"a":1}`), Headers: storage.Headers{
		{Name: "svix-id", Value: "msg_svix"}, {Name: "svix-timestamp", Value: "1"}, {Name: "svix-signature", Value: "v1,stale"},
		{Name: "Content-Type", Value: "application/json"},
	}}
	now := time.Now()
	if err := send.Resign(&out, provider.StandardWebhooks, secret, now); err != nil {
		t.Fatal(err)
	}
	if out.Headers.Get("webhook-signature") != "" || out.Headers[0].Name != "svix-id" || out.Headers[0].Value != "msg_svix" || len(out.Headers) != 4 {
		t.Fatalf("headers %v", out.Headers)
	}
	r := &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/"}, Headers: out.Headers, Body: out.Body}
	if v := verdict(r, provider.StandardWebhooks, secret, now); v.Result != provider.Valid {
		t.Fatalf("%s %s", v.Result, v.Reason)
	}
}

func TestResignRefusalsAreClear(t *testing.T) {
	db := testkit.DB(t)
	base, _ := testkit.CaptureServer(t)
	s := newSender(db, 0)
	gh := signedCapture(t, db, provider.GitHub, "x", nil)
	if _, err := s.Replay(context.Background(), gh.ID, base, true); err == nil || !strings.Contains(err.Error(), "no GitHub secret") {
		t.Fatalf("without a secret: %v", err)
	}
	twilio := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/t", Provider: provider.Twilio}})
	s.Secret = func(string) (string, bool) { return "s", true }
	if _, err := s.Replay(context.Background(), twilio.ID, base, true); err == nil || !strings.Contains(err.Error(), "cannot sign like Twilio") {
		t.Fatalf("unsignable provider: %v", err)
	}
	unknown := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/u"}})
	if _, err := s.Replay(context.Background(), unknown.ID, base, true); err == nil || !strings.Contains(err.Error(), "does not know which provider") {
		t.Fatalf("unknown provider: %v", err)
	}
	if rows, _ := db.ListDeliveries(context.Background(), storage.DeliveryFilter{}); len(rows) != 0 {
		t.Fatalf("a refused re-sign stored %d attempts", len(rows))
	}
}

// A Shopify Events delivery (shopify-* headers, no X-) is re-signed in
// its own spelling, the one its receiver reads.
func TestResignKeepsShopifyEventsHeader(t *testing.T) {
	out := send.Outbound{Method: "POST", Body: []byte(`{"id":1}`), Headers: storage.Headers{
		{Name: "shopify-topic", Value: "orders/create"}, {Name: "shopify-hmac-sha256", Value: "c3RhbGU="},
	}}
	now := time.Now()
	if err := send.Resign(&out, provider.Shopify, "shpss_events", now); err != nil {
		t.Fatal(err)
	}
	if len(out.Headers) != 2 || out.Headers[1].Name != "shopify-hmac-sha256" || out.Headers.Get("X-Shopify-Hmac-Sha256") != "" {
		t.Fatalf("headers %v", out.Headers)
	}
	r := &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/"}, Headers: out.Headers, Body: out.Body}
	if v := verdict(r, provider.Shopify, "shpss_events", now); v.Result != provider.Valid {
		t.Fatalf("%s %s", v.Result, v.Reason)
	}
}
