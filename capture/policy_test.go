package capture

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"gaff/policy"
	"gaff/provider"
	"gaff/storage"
)

type exchange struct {
	status  int
	ctype   string
	body    string
	chunked bool
	header  http.Header
}

func do(t *testing.T, method, url string, h map[string]string, body string) exchange {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return exchange{resp.StatusCode, resp.Header.Get("Content-Type"), string(b), len(resp.TransferEncoding) > 0, resp.Header}
}

func policyRig(t *testing.T, p *policy.Policy) *rig {
	rg := newRig(t, Config{}, storage.Options{})
	rg.h.SetPolicy(p)
	return rg
}

func TestHandshakesAnsweredOverHTTP(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	p := &policy.Policy{Secrets: map[string]string{
		provider.Zoom: "zoomsecret", provider.X: "xsecret", provider.Discord: hex.EncodeToString(pub),
		policy.MetaVerifyTokenKey: "meta-token",
	}}
	rg := policyRig(t, p)
	hmacHex := func(key, msg string) string {
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte(msg))
		return hex.EncodeToString(m.Sum(nil))
	}
	xm := hmac.New(sha256.New, []byte("xsecret"))
	xm.Write([]byte("crc123"))
	ts := "1700000000"
	pingBody := `{"type":1,"id":"1","application_id":"2"}`
	sig := hex.EncodeToString(ed25519.Sign(priv, []byte(ts+pingBody)))

	cases := []struct {
		name, method, path string
		h                  map[string]string
		body               string
		want               exchange
		label              string
	}{
		{"slack", "POST", "/slack/events", map[string]string{"Content-Type": "application/json"},
			`{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`,
			exchange{status: 200, ctype: "text/plain; charset=utf-8", body: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}, "Slack"},
		{"slack ssl_check", "POST", "/slack/commands", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			"ssl_check=1&token=abc", exchange{status: 200, body: ""}, "SSL"},
		{"graph", "POST", "/graph?validationToken=Validation%3A+Testing+client+application+reachability+for+subscription+Request-Id%3A+abc",
			map[string]string{"Content-Type": "text/plain; charset=utf-8"}, "",
			exchange{status: 200, ctype: "text/plain; charset=utf-8", body: "Validation: Testing client application reachability for subscription Request-Id: abc"}, "Graph"},
		{"meta", "GET", "/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meta-token", nil, "",
			exchange{status: 200, body: "1158201444"}, "Meta"},
		{"meta wrong token", "GET", "/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=nope", nil, "",
			exchange{status: 400}, "Meta"},
		{"zoom", "POST", "/zoom", map[string]string{"Content-Type": "application/json"},
			`{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}`,
			exchange{status: 200, ctype: "application/json", body: `{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"` + hmacHex("zoomsecret", "qgg8vlvZRS6UYooatFL8Aw") + `"}`}, "Zoom"},
		{"dropbox", "GET", "/dropbox?challenge=abc123", nil, "",
			exchange{status: 200, ctype: "text/plain; charset=utf-8", body: "abc123"}, "Dropbox"},
		{"x crc", "GET", "/x?crc_token=crc123", nil, "",
			exchange{status: 200, ctype: "application/json", body: `{"response_token":"sha256=` + base64.StdEncoding.EncodeToString(xm.Sum(nil)) + `"}`}, "CRC"},
		{"twitch", "POST", "/twitch", map[string]string{"Content-Type": "application/json", "Twitch-Eventsub-Message-Type": "webhook_callback_verification",
			"Twitch-Eventsub-Message-Id": "e76c6bd4-55c9-4987-8304-da1588d8988b"},
			`{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","type":"channel.follow"}}`,
			exchange{status: 200, body: "pogchamp-kappa-360noscope-vohiyo"}, "Twitch"},
		{"discord ping", "POST", "/discord", map[string]string{"Content-Type": "application/json", "X-Signature-Ed25519": sig, "X-Signature-Timestamp": ts},
			pingBody, exchange{status: 200, ctype: "application/json", body: `{"type":1}`}, "Discord"},
		{"discord bad signature", "POST", "/discord", map[string]string{"Content-Type": "application/json", "X-Signature-Ed25519": strings.Repeat("0", 128), "X-Signature-Timestamp": ts},
			pingBody, exchange{status: 401}, "Discord"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := do(t, c.method, rg.url+c.path, c.h, c.body)
			if got.status != c.want.status || (c.want.ctype != "" && got.ctype != c.want.ctype) || (c.want.status == 200 && got.body != c.want.body) {
				t.Fatalf("answer %d %q %q, want %d %q %q", got.status, got.ctype, got.body, c.want.status, c.want.ctype, c.want.body)
			}
			if got.chunked || got.header.Get("Content-Length") == "" {
				t.Fatal("a handshake answer must carry Content-Length, not chunking")
			}
			if c.name == "dropbox" && got.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatal("Dropbox answer lacks nosniff")
			}
			stored := rg.last(t)
			if !strings.Contains(stored.Handshake, c.label) || stored.Status != c.want.status {
				t.Fatalf("stored handshake %q status %d", stored.Handshake, stored.Status)
			}
		})
	}
}

func TestHandshakesCanBeSwitchedOff(t *testing.T) {
	rg := policyRig(t, &policy.Policy{NoHandshakes: map[string]bool{provider.KindSlackURLVerification: true}})
	got := do(t, "POST", rg.url+"/slack", map[string]string{"Content-Type": "application/json"}, `{"type":"url_verification","challenge":"c"}`)
	if got.body == "c" || rg.last(t).Handshake != "" {
		t.Fatalf("switched-off handshake answered: %q", got.body)
	}
	rg.h.SetPolicy(&policy.Policy{NoHandshakes: map[string]bool{"all": true}})
	got = do(t, "GET", rg.url+"/dropbox?challenge=abc", nil, "")
	if got.body == "abc" {
		t.Fatal("all handshakes off, yet Dropbox was answered")
	}
}

func TestZoomWithoutSecretIsNotedNotAnswered(t *testing.T) {
	rg := policyRig(t, &policy.Policy{})
	got := do(t, "POST", rg.url+"/zoom", map[string]string{"Content-Type": "application/json"},
		`{"payload":{"plainToken":"abc"},"event_ts":1,"event":"endpoint.url_validation"}`)
	if got.status != 200 || strings.Contains(got.body, "encryptedToken") {
		t.Fatalf("answered without a secret: %q", got.body)
	}
	if s := rg.last(t); s.Handshake != "" || !strings.Contains(s.Note, "zoom") && !strings.Contains(s.Note, "Zoom") {
		t.Fatalf("note %q handshake %q", s.Note, s.Handshake)
	}
}

func signedGitHub(t *testing.T, secret, body string) map[string]string {
	hs, err := provider.Sign(provider.SchemeGitHub, provider.SignInput{Body: []byte(body), Secret: secret, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{"Content-Type": "application/json", "X-GitHub-Event": "push", "User-Agent": "GitHub-Hookshot/abc"}
	for _, x := range hs {
		h[x.Name] = x.Value
	}
	return h
}

func TestSignatureVerdictsAreStored(t *testing.T) {
	rg := policyRig(t, &policy.Policy{Secrets: map[string]string{provider.GitHub: "It's a Secret to Everybody"}})
	body := `{"zen":"Design for failure."}`
	do(t, "POST", rg.url+"/gh", signedGitHub(t, "It's a Secret to Everybody", body), body)
	if s := rg.last(t); s.Provider != "github" || s.Signature != "valid" {
		t.Fatalf("valid: %+v", s.Summary)
	}
	do(t, "POST", rg.url+"/gh", signedGitHub(t, "wrong", body), body)
	if s := rg.last(t); s.Signature != "invalid" || !strings.Contains(s.SigReason, "does not match") {
		t.Fatalf("invalid: %+v", s.Summary)
	}
	do(t, "POST", rg.url+"/gh", map[string]string{"X-GitHub-Event": "push", "User-Agent": "GitHub-Hookshot/abc"}, body)
	if s := rg.last(t); s.Signature != "unsigned" {
		t.Fatalf("unsigned: %+v", s.Summary)
	}
	rg.h.SetPolicy(&policy.Policy{})
	do(t, "POST", rg.url+"/gh", signedGitHub(t, "x", body), body)
	if s := rg.last(t); s.Signature != "no-secret" {
		t.Fatalf("no-secret: %+v", s.Summary)
	}
	// A plain request names no provider and carries no signature: unsigned,
	// one of the four verdicts like every other capture.
	do(t, "POST", rg.url+"/plain", nil, "x")
	if s := rg.last(t); s.Provider != "" || s.Signature != provider.Unsigned {
		t.Fatalf("plain: %+v", s.Summary)
	}
}

func TestStripeTimestampOutsideTolerance(t *testing.T) {
	secret := "whsec_test_secret"
	rg := policyRig(t, &policy.Policy{Secrets: map[string]string{provider.Stripe: secret}})
	body := `{"id":"evt_1","object":"event","type":"customer.created"}`
	hs, _ := provider.Sign(provider.SchemeStripe, provider.SignInput{Body: []byte(body), Secret: secret, Now: time.Now().Add(-10 * time.Minute)})
	do(t, "POST", rg.url+"/stripe", map[string]string{"Stripe-Signature": hs[0].Value, "Content-Type": "application/json"}, body)
	s := rg.last(t)
	if s.Signature != "invalid" || !strings.Contains(s.SigReason, "tolerance") {
		t.Fatalf("expired stripe: %+v", s.Summary)
	}
}

func TestRejectInvalid(t *testing.T) {
	rg := policyRig(t, &policy.Policy{Secrets: map[string]string{provider.GitHub: "s"}, RejectInvalid: true})
	body := `{}`
	got := do(t, "POST", rg.url+"/gh", signedGitHub(t, "other", body), body)
	if got.status != 401 || !strings.Contains(got.body, "does not match") {
		t.Fatalf("got %d %q", got.status, got.body)
	}
	if s := rg.last(t); s.Status != 401 || s.Signature != "invalid" {
		t.Fatalf("stored %+v", s.Summary)
	}
	got = do(t, "POST", rg.url+"/gh", signedGitHub(t, "s", body), body)
	if got.status != 200 {
		t.Fatalf("valid request refused: %d", got.status)
	}
}

func TestCustomResponsesByPrefix(t *testing.T) {
	global, _ := policy.ParseResponseRule(`202 body=accepted`)
	stripe, _ := policy.ParseResponseRule(`/stripe 500 header='Retry-After: 30' body='{"error":"down"}'`)
	deeper, _ := policy.ParseResponseRule(`/stripe/ok 204`)
	slow, _ := policy.ParseResponseRule(`/slow 200 delay=150ms`)
	rg := policyRig(t, &policy.Policy{Responses: []policy.ResponseRule{global, stripe, deeper, slow}})
	got := do(t, "POST", rg.url+"/stripe/events", nil, "x")
	if got.status != 500 || got.body != `{"error":"down"}` || got.header.Get("Retry-After") != "30" {
		t.Fatalf("stripe rule: %+v", got)
	}
	if rg.last(t).Status != 500 {
		t.Fatal("stored status differs from the answer")
	}
	if got := do(t, "POST", rg.url+"/stripe/ok/1", nil, ""); got.status != 204 {
		t.Fatalf("longest prefix did not win: %d", got.status)
	}
	if got := do(t, "POST", rg.url+"/other", nil, ""); got.status != 202 || got.body != "accepted" {
		t.Fatalf("global rule: %+v", got)
	}
	start := time.Now()
	if got := do(t, "POST", rg.url+"/slow", nil, ""); got.status != 200 || time.Since(start) < 150*time.Millisecond {
		t.Fatalf("delay rule answered %d after %s", got.status, time.Since(start))
	}
	// The request was stored before the delay: a provider that times out
	// has still been captured.
	if rg.last(t).Target != "/slow" {
		t.Fatal("delayed request not stored")
	}
}

// Discord checks a Webhook Events URL with a signed PING of type 0 and
// wants 204 and nothing else: no body, and no Content-Length, which a 204
// must not carry (RFC 9110 §8.6).
func TestDiscordWebhookEventsPingGets204(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	rg := policyRig(t, &policy.Policy{Secrets: map[string]string{provider.Discord: hex.EncodeToString(pub)}})
	body := `{"version":1,"application_id":"1234560123453231555","type":0}`
	ts := "1700000000"
	sig := hex.EncodeToString(ed25519.Sign(priv, []byte(ts+body)))
	wire := "POST /discord/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Signature-Ed25519: " + sig +
		"\r\nX-Signature-Timestamp: " + ts + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	resp := rawExchange(t, rg.url, wire, 1)[0]
	if resp.StatusCode != 204 || resp.ContentLength > 0 || len(resp.Header.Values("Content-Length")) != 0 || resp.Header.Get("Content-Type") != "" {
		t.Fatalf("answer %d, headers %v; want a bare 204", resp.StatusCode, resp.Header)
	}
	if s := rg.last(t); s.Provider != provider.Discord || !strings.Contains(s.Handshake, "Webhook Events PING") {
		t.Fatalf("stored %+v", s.Summary)
	}
}

// With the Slack signing secret set, a forged url_verification is refused
// 401 and its challenge not echoed; a genuine one is answered.
func TestForgedSlackChallengeIsRefused(t *testing.T) {
	rg := policyRig(t, &policy.Policy{Secrets: map[string]string{provider.Slack: "slack-secret"}})
	body := `{"token":"t","challenge":"c-3eZbrw1aBm2rZgRNFdxV","type":"url_verification"}`
	signed := func(secret string) map[string]string {
		hs, _ := provider.Sign(provider.SchemeSlack, provider.SignInput{Body: []byte(body), Secret: secret, Now: time.Now()})
		return map[string]string{"Content-Type": "application/json", hs[0].Name: hs[0].Value, hs[1].Name: hs[1].Value}
	}
	if got := do(t, "POST", rg.url+"/slack", signed("guess"), body); got.status != 401 || strings.Contains(got.body, "c-3eZbrw1aBm2rZgRNFdxV") {
		t.Fatalf("forged: %d %q, want 401 without the challenge", got.status, got.body)
	}
	if s := rg.last(t); s.Status != 401 || !strings.Contains(s.Handshake, "refused") || s.Signature != provider.Invalid {
		t.Fatalf("stored %+v", s.Summary)
	}
	if got := do(t, "POST", rg.url+"/slack", signed("slack-secret"), body); got.status != 200 || got.body != "c-3eZbrw1aBm2rZgRNFdxV" {
		t.Fatalf("genuine: %d %q", got.status, got.body)
	}
}
