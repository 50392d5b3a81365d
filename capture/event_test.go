package capture

import (
	"testing"
	"time"

	"gaff/policy"
	"gaff/provider"
)

// The event a capture carries is named from its bytes as it is stored, and
// the verdict is unaffected.
func TestCapturesAreStoredWithTheirEvent(t *testing.T) {
	const ghSecret, stripeSecret = "It's a Secret to Everybody", "whsec_test_secret"
	rg := policyRig(t, &policy.Policy{Secrets: map[string]string{provider.GitHub: ghSecret, provider.Stripe: stripeSecret}})

	pr := `{"action":"opened","number":1,"pull_request":{"title":"Fix"}}`
	h := signedGitHub(t, ghSecret, pr)
	h["X-GitHub-Event"] = "pull_request"
	do(t, "POST", rg.url+"/github", h, pr)
	if s := rg.last(t); s.Provider != provider.GitHub || s.Signature != provider.Valid || s.Event != "pull_request.opened" {
		t.Fatalf("github pull_request: provider %q verdict %q event %q, want github valid pull_request.opened", s.Provider, s.Signature, s.Event)
	}

	evt := `{"id":"evt_1","object":"event","type":"payment_intent.succeeded"}`
	hs, err := provider.Sign(provider.SchemeStripe, provider.SignInput{Body: []byte(evt), Secret: stripeSecret, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	do(t, "POST", rg.url+"/stripe", map[string]string{hs[0].Name: hs[0].Value, "Content-Type": "application/json"}, evt)
	if s := rg.last(t); s.Provider != provider.Stripe || s.Signature != provider.Valid || s.Event != "payment_intent.succeeded" {
		t.Fatalf("stripe: provider %q verdict %q event %q, want stripe valid payment_intent.succeeded", s.Provider, s.Signature, s.Event)
	}

	do(t, "POST", rg.url+"/plain", nil, `{"type":"not.a.provider"}`)
	if s := rg.last(t); s.Event != "" {
		t.Fatalf("plain request: event %q, want none (no provider names it)", s.Event)
	}
}
