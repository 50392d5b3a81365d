package provider

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Published vectors (docs/providers.md, each provider's section), checked
// through Sign.
func TestSignPublishedVectors(t *testing.T) {
	slackBody := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	tests := []struct {
		name, scheme string
		in           SignInput
		header, want string
	}{
		{"github docs", SchemeGitHub, SignInput{Body: []byte("Hello, World!"), Secret: "It's a Secret to Everybody"},
			"X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"},
		{"standard webhooks library", SchemeStandardWebhooks, SignInput{Body: []byte(`{"test": 2432232314}`), Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ID: "msg_p5jXN8AQM9LWM0D4loKWxJek", Now: unix(1614265330)},
			"webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
		{"standard webhooks secret without prefix", SchemeStandardWebhooks, SignInput{Body: []byte(`{"test": 2432232314}`), Secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ID: "msg_p5jXN8AQM9LWM0D4loKWxJek", Now: unix(1614265330)},
			"webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
		{"slack docs", SchemeSlack, SignInput{Body: []byte(slackBody), Secret: "8f742231b10e8888abcd99yyyzzz85a5", Now: unix(1531420618)},
			"X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"},
		{"slack timestamp", SchemeSlack, SignInput{Body: []byte(slackBody), Secret: "8f742231b10e8888abcd99yyyzzz85a5", Now: unix(1531420618)},
			"X-Slack-Request-Timestamp", "1531420618"},
		// Computed independently with Python's hmac module; Stripe publishes no vector.
		{"stripe whole whsec key", SchemeStripe, SignInput{Body: []byte(`{"id":"evt_1"}`), Secret: "whsec_test_secret", Now: unix(1700000000)},
			"Stripe-Signature", "t=1700000000,v1=248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a"},
		{"shopify base64", SchemeShopify, SignInput{Body: []byte(`{"id":1}`), Secret: "hush"},
			"X-Shopify-Hmac-Sha256", "VnKUjZsLuN5iZWjn5EntcBVCF9kMN43LglzCE1/GSeY="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, err := Sign(tt.scheme, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, h := range hs {
				if strings.EqualFold(h.Name, tt.header) {
					got = h.Value
				}
			}
			if got != tt.want {
				t.Errorf("%s = %q, want %q (all: %v)", tt.header, got, tt.want, hs)
			}
		})
	}
}

func TestSignGitHubAlsoSendsLegacySHA1(t *testing.T) {
	hs, err := Sign(SchemeGitHub, SignInput{Body: []byte("Hello, World!"), Secret: "It's a Secret to Everybody"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 2 || hs[0].Name != "X-Hub-Signature-256" || hs[1].Name != "X-Hub-Signature" || !strings.HasPrefix(hs[1].Value, "sha1=") || len(hs[1].Value) != len("sha1=")+40 {
		t.Fatalf("headers = %v, want X-Hub-Signature-256 then X-Hub-Signature: sha1=<40 hex>", hs)
	}
}

func TestSignErrors(t *testing.T) {
	tests := []struct {
		name, scheme, secret, wantInErr string
	}{
		{"unknown scheme", "acme", "s", "unknown signing scheme"},
		{"empty secret", SchemeGitHub, "", "needs a secret"},
		{"standard webhooks secret not base64", SchemeStandardWebhooks, "whsec_not*base64!", "not whsec_ followed by base64"},
		{"standard webhooks empty key", SchemeStandardWebhooks, "whsec_", "empty key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Sign(tt.scheme, SignInput{Body: []byte("x"), Secret: tt.secret, Now: time.Now()})
			if err == nil || !strings.Contains(err.Error(), tt.wantInErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.wantInErr)
			}
		})
	}
	if hs, err := Sign(SchemeNone, SignInput{Body: []byte("x")}); err != nil || hs != nil {
		t.Fatalf("none: %v, %v; want no headers and no error", hs, err)
	}
}

func TestSignStandardWebhooksFreshID(t *testing.T) {
	secret, _ := GenerateSecret(SchemeStandardWebhooks)
	a, err := Sign(SchemeStandardWebhooks, SignInput{Body: []byte("{}"), Secret: secret, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Sign(SchemeStandardWebhooks, SignInput{Body: []byte("{}"), Secret: secret, Now: time.Now()})
	if a[0].Name != "webhook-id" || !strings.HasPrefix(a[0].Value, "msg_") || a[0].Value == b[0].Value {
		t.Fatalf("ids %q and %q: want two different msg_ ids", a[0].Value, b[0].Value)
	}
}

// SignatureHeaders must name every header Sign sets, or a re-signer leaves
// a stale copy next to the fresh one.
func TestSignatureHeadersCoverSign(t *testing.T) {
	for _, scheme := range Schemes() {
		secret, err := GenerateSecret(scheme)
		if err != nil {
			t.Fatal(err)
		}
		hs, err := Sign(scheme, SignInput{Body: []byte("{}"), Secret: secret, Now: time.Now()})
		if err != nil {
			t.Fatalf("%s: %v", scheme, err)
		}
		names := map[string]bool{}
		for _, n := range SignatureHeaders(scheme) {
			names[http.CanonicalHeaderKey(n)] = true
		}
		for _, h := range hs {
			if !names[http.CanonicalHeaderKey(h.Name)] {
				t.Errorf("%s: Sign sets %s but SignatureHeaders does not list it", scheme, h.Name)
			}
		}
	}
}

func TestGenerateSecretFormats(t *testing.T) {
	tests := []struct {
		scheme string
		re     string
	}{
		{SchemeStandardWebhooks, `^whsec_[A-Za-z0-9+/]{32}$`},
		{SchemeStripe, `^whsec_[A-Za-z0-9]{32}$`},
		{SchemeSlack, `^[0-9a-f]{32}$`},
		{SchemeGitHub, `^[0-9a-f]{40}$`},
		{SchemeShopify, `^[0-9a-f]{64}$`},
		{SchemeNone, `^$`},
	}
	for _, tt := range tests {
		t.Run(tt.scheme, func(t *testing.T) {
			a, err := GenerateSecret(tt.scheme)
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(tt.re).MatchString(a) {
				t.Fatalf("secret %q does not match %s", a, tt.re)
			}
			if tt.scheme == SchemeStandardWebhooks {
				key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "whsec_"))
				if err != nil || len(key) != 24 {
					t.Fatalf("key: %d bytes, %v; want 24", len(key), err)
				}
			}
			if b, _ := GenerateSecret(tt.scheme); a == b && tt.scheme != SchemeNone {
				t.Fatalf("two secrets are both %q", a)
			}
		})
	}
	if _, err := GenerateSecret("acme"); err == nil {
		t.Fatal("unknown scheme: want an error")
	}
}
