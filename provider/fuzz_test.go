package provider

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// These fuzz targets run their seeds as ordinary tests; run one for real
// with: go test -run='^$' -fuzz=FuzzStripeSignature -fuzztime=20s ./provider/

func checkVerdict(t *testing.T, v Verdict) {
	t.Helper()
	switch v.Result {
	case Valid:
		if v.Fault != "" {
			t.Fatalf("valid with fault %q", v.Fault)
		}
	case Invalid:
		if v.Fault == "" || v.Reason == "" {
			t.Fatalf("invalid without fault or reason: %+v", v)
		}
	case Unsigned, NoSecret:
	default:
		t.Fatalf("unknown result %q", v.Result)
	}
}

var fuzzNow = unix(1700000000)

func FuzzStripeSignature(f *testing.F) {
	f.Add("t=1700000000,v1=248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a", `{"id":"evt_1"}`)
	f.Add("t=1700000000, v1=00ff, v1=248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a, v0=abcd", `{"id":"evt_1"}`)
	f.Add("", "")
	f.Add("t=,v1=", "x")
	f.Add("t=-1,v1=00", "x")
	f.Add("t=99999999999999999999,v1=00", "x")
	f.Add(",,,=,==,t==1,v1===", "x")
	f.Add(strings.Repeat("v1=00,", 100)+"t=1", "x")
	f.Fuzz(func(t *testing.T, header, body string) {
		if s, err := parseStripeSignature(header); err == nil && (s.t < 0 || len(s.v1) == 0) {
			t.Fatalf("accepted %q as %+v", header, s)
		}
		v := Verify(Stripe, "whsec_test_secret", req("POST", "/", body, "Stripe-Signature", header), fuzzNow)
		checkVerdict(t, v)
		if v.Result == Unsigned {
			t.Fatal("a present Stripe-Signature reads as unsigned")
		}
	})
}

func FuzzStandardWebhooksSignatureList(f *testing.F) {
	f.Add("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", `{"test": 2432232314}`)
	f.Add("v1a,hnO3f9T8 v1,bm9ub3NlbnNl v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", `{"test": 2432232314}`)
	f.Add("", "", "", "")
	f.Add("v1", "m", "1", "")
	f.Add(",,, v1,, ,v1", "m", "0", "")
	f.Add("v1,===", "m", "99999999999999999999", "")
	f.Add("\tv1,AAAA\u00a0v1,BBBB", "m", "+1614265330", "")
	f.Fuzz(func(t *testing.T, sigs, id, ts, body string) {
		if v1, other, err := parseSignatureList(sigs); err == nil && len(v1)+other == 0 {
			t.Fatalf("accepted an empty list %q", sigs)
		}
		r := req("POST", "/", body, "webhook-id", id, "webhook-timestamp", ts, "webhook-signature", sigs)
		v := Verify(StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", r, unix(1614265330))
		checkVerdict(t, v)
	})
}

func FuzzSlackSignature(f *testing.F) {
	f.Add("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", "1531420618", slackVectorBody)
	f.Add("v0=", "", "")
	f.Add("v0", "1531420618", "")
	f.Add("v0=zz", "-1", "x")
	f.Add("v0=00", "1e10", "x")
	f.Add("v0=00", " 1531420618 ", "x")
	f.Add("V0=00", "9223372036854775807", "x")
	f.Fuzz(func(t *testing.T, sig, ts, body string) {
		r := req("POST", "/", body, "X-Slack-Signature", sig, "X-Slack-Request-Timestamp", ts)
		v := Verify(Slack, "8f742231b10e8888abcd99yyyzzz85a5", r, unix(1531420618))
		checkVerdict(t, v)
		if v.Result == Valid && body != slackVectorBody {
			t.Fatalf("valid for a body other than the vector's: %q", body)
		}
	})
}

func FuzzTwilio(f *testing.F) {
	form := "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212"
	f.Add("https://mycompany.com/myapp.php?foo=1&bar=2", "", "application/x-www-form-urlencoded", form, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
	f.Add("/myapp.php?foo=1&bar=2", "mycompany.com", "application/x-www-form-urlencoded", form, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
	f.Add("https://example.com/myapp?bodySHA256=5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9", "", "application/json",
		`{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}`, "hPXmLwIy3Fgqv1i9KPmH/HhQ6zo=")
	f.Add("", "", "", "", "")
	f.Add("://", "[::1", "application/x-www-form-urlencoded", "%zz=1&;=;&a=%", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	f.Add("https://user:pw@[::1]:8443?bodySHA256=", "", "", "", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	f.Add("http://a:b:c@/?#", "h:80", "application/x-www-form-urlencoded", "a=1&a=1&a=0", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	f.Fuzz(func(t *testing.T, url, host, ctype, body, sig string) {
		r := req("POST", url, body, "Content-Type", ctype, "X-Twilio-Signature", sig)
		if host != "" {
			r.Header.Set("Host", host)
		}
		// 2 schemes × 3 port spellings × 2 paths, each also in twilio-node's 2 forms.
		if urls, err := twilioURLs(r); err == nil && (len(urls) == 0 || len(urls) > 36) {
			t.Fatalf("%d candidate URLs for %q", len(urls), url)
		}
		checkVerdict(t, Verify(Twilio, "12345", r, fuzzNow))
	})
}

func FuzzHubSignature(f *testing.F) {
	f.Add("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "Hello, World!")
	f.Add("X-Hub-Signature", "sha1=", "")
	f.Add("X-Hub-Signature", "SHA512=00", "")
	f.Add("X-Hub-Signature-256", "=", "")
	f.Add("X-Hub-Signature-256", "sha256==", "")
	f.Fuzz(func(t *testing.T, name, value, body string) {
		if name != "X-Hub-Signature-256" && name != "X-Hub-Signature" {
			name = "X-Hub-Signature"
		}
		for _, id := range []string{GitHub, Meta, Jira} {
			checkVerdict(t, Verify(id, "It's a Secret to Everybody", req("POST", "/", body, name, value), fuzzNow))
		}
	})
}

// FuzzVerifyAny throws one hostile header at every provider's verifier.
func FuzzVerifyAny(f *testing.F) {
	f.Add("X-Signature-Ed25519", "00", "X-Signature-Timestamp", "1", "{}", strings.Repeat("ab", 32))
	f.Add("Twitch-Eventsub-Message-Signature", "sha256=00", "Twitch-Eventsub-Message-Timestamp", "0001-01-01T00:00:00Z", "", "s")
	f.Add("Twitch-Eventsub-Message-Signature", "sha256=00", "Twitch-Eventsub-Message-Timestamp", "9999-12-31T23:59:59.999999999Z", "", "s")
	f.Add("x-zm-signature", "v0=", "x-zm-request-timestamp", "", "", "s")
	f.Add("Linear-Signature", "", "", "", "", "s")
	f.Add("X-Twitter-Webhooks-Signature", "sha256=", "", "", "", "s")
	f.Add("X-Shopify-Hmac-Sha256", "====", "", "", "", "s")
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2, body, secret string) {
		r := req("POST", "https://example.com/", body, n1, v1, n2, v2,
			"Twitch-Eventsub-Message-Id", "i")
		for _, id := range IDs() {
			checkVerdict(t, Verify(id, secret, r, fuzzNow))
		}
	})
}

func FuzzHandshake(f *testing.F) {
	f.Add("POST", "/slack", `{"token":"t","challenge":"c","type":"url_verification"}`, "", "", "")
	f.Add("POST", "/slack", "ssl_check=1&token=t", "", "", "")
	f.Add("POST", "/graph?validationToken=a+b%3a", "", "", "", "")
	f.Add("GET", "/meta?hub.mode=subscribe&hub.challenge=1&hub.verify_token=v", "", "", "", "")
	f.Add("POST", "/zoom", `{"payload":{"plainToken":"p"},"event":"endpoint.url_validation"}`, "", "", "")
	f.Add("GET", "/d?challenge=c", "", "", "", "")
	f.Add("GET", "/x?crc_token=t", "", "", "", "")
	f.Add("POST", "/t", `{"challenge":"c"}`, "webhook_callback_verification", "", "")
	f.Add("POST", "/i", `{"type":1}`, "", "00", "1")
	f.Add("POST", "/i", `{"type":1.0e0}`, "", strings.Repeat("0", 128), "1")
	f.Add("GET", "?%zz&challenge=%", `{"type":"url_verification","challenge":{}}`, "", "", "")
	f.Add("post", "/s", `{"type":"url_verification","challenge":"\u0000\ud800"}`, "", "", "")
	f.Fuzz(func(t *testing.T, method, url, body, twitchType, discordSig, discordTS string) {
		r := req(method, url, body)
		if twitchType != "" {
			r.Header.Set("Twitch-Eventsub-Message-Type", twitchType)
		}
		if discordSig != "" {
			r.Header.Set("X-Signature-Ed25519", discordSig)
			r.Header.Set("X-Signature-Timestamp", discordTS)
		}
		for _, cfg := range []HandshakeConfig{{}, {ZoomSecretToken: "z", XConsumerSecret: "x", MetaVerifyToken: "v", DiscordPublicKey: strings.Repeat("ab", 32)}} {
			a, ok := Handshake(r, cfg)
			if a == nil {
				if ok {
					t.Fatal("ok without an answer")
				}
				continue
			}
			if !slices.Contains(HandshakeKinds(), a.Kind) || a.Label == "" {
				t.Fatalf("answer %+v has an unknown kind or no label", a)
			}
			if ok != (a.Status != 0) {
				t.Fatalf("ok %v with status %d", ok, a.Status)
			}
			if ok && header(a, "Content-Type") == "" {
				t.Fatalf("answer without Content-Type: %+v", a)
			}
			if ok && strings.HasPrefix(header(a, "Content-Type"), appJSON) && !json.Valid(a.Body) {
				t.Fatalf("JSON answer is not JSON: %q", a.Body)
			}
		}
	})
}

func FuzzDetect(f *testing.F) {
	f.Add("POST", "/", `{"hello":"world"}`, "User-Agent", "curl/8.5.0")
	f.Add("POST", "/", `{"type":"url_verification","challenge":"c"}`, "", "")
	f.Add("GET", "/?hub.mode=subscribe", "", "", "")
	f.Add("GET", "?challenge", "", "", "")
	f.Add("POST", "/", "ssl_check=1", "X-Hub-Signature", "sha256=00")
	f.Add("POST", "%", `{"object":"page","entry":[]}`, "X-Hub-Signature-256", "")
	f.Add("", "??#?", "\x00{", "webhook-id", "\xff")
	f.Fuzz(func(t *testing.T, method, url, body, name, value string) {
		got := Detect(req(method, url, body, name, value))
		if got != "" && !slices.Contains(IDs(), got) {
			t.Fatalf("Detect = %q, not a provider ID", got)
		}
	})
}

// FuzzTemplate: whatever a user writes, a template that loads renders to
// valid JSON when its body is JSON.
func FuzzTemplate(f *testing.F) {
	f.Add(`{"name":"t","body":{"a":"{{unix}}","b":"x{{uuid}}y","c":["{{digits:3@n}}","{{digits:3@n}}"]}}`)
	f.Add(`{"name":"t","body":"raw {{hex:4}} text"}`)
	f.Add(`{"name":"t","body":{"a":"\"{{unix}}\"","b":"\\{{unix}}","c":"{{open}}"}}`)
	f.Add(`{"name":"t","body":{"{{unix}}":"{{unix}}"}}`)
	f.Add(`{"name":"t","headers":[["A","{{time:2006}}"]],"body":[1,"{{unix_ms}}",null]}`)
	f.Add(`{"name":"t","body":{"a":"{{time:\"}}"}}`)
	f.Fuzz(func(t *testing.T, file string) {
		tpl, err := ParseTemplate([]byte(file), "fuzz.json")
		if err != nil {
			return
		}
		_, _, body := Render(tpl, fuzzNow)
		if tpl.BodyJSON && !json.Valid(body) {
			t.Fatalf("template %q renders to invalid JSON %q", file, body)
		}
	})
}
