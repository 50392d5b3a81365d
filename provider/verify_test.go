package provider

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

const slackVectorBody = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"

// Vectors published by providers (docs/providers.md, each provider's
// section) or, where none is published, computed independently with
// Python's hmac module.
func TestVerifyVectors(t *testing.T) {
	tests := []struct {
		name, provider, secret string
		r                      *Request
		now                    time.Time
	}{
		{"github docs", GitHub, "It's a Secret to Everybody",
			req("POST", "/", "Hello, World!", "X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"), time.Now()},
		{"standard webhooks library", StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			req("POST", "/", `{"test": 2432232314}`, "webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp", "1614265330",
				"webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), unix(1614265330)},
		{"svix headers", StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			req("POST", "/", `{"test": 2432232314}`, "svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "svix-timestamp", "1614265330",
				"svix-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), unix(1614265330)},
		{"slack docs", Slack, "8f742231b10e8888abcd99yyyzzz85a5",
			req("POST", "/slack/commands", slackVectorBody, "X-Slack-Request-Timestamp", "1531420618",
				"X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"), unix(1531420618)},
		{"twilio library form", Twilio, "12345",
			req("POST", "https://mycompany.com/myapp.php?foo=1&bar=2",
				"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212",
				"Content-Type", "application/x-www-form-urlencoded", "X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), time.Now()},
		{"twilio form params in another order", Twilio, "12345",
			req("POST", "https://mycompany.com/myapp.php?foo=1&bar=2",
				"To=%2B18005551212&From=%2B14158675309&Digits=1234&Caller=%2B14158675309&CallSid=CA1234567890ABCDE",
				"Content-Type", "application/x-www-form-urlencoded; charset=utf-8", "X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), time.Now()},
		{"twilio signed with :443, captured without", Twilio, "12345",
			req("POST", "https://mycompany.com/myapp.php?foo=1&bar=2",
				"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212",
				"Content-Type", "application/x-www-form-urlencoded", "X-Twilio-Signature", "kvajT1Ptam85bY51eRf/AJRuM3w="), time.Now()},
		{"twilio signed without port, captured with :443", Twilio, "12345",
			req("POST", "https://mycompany.com:443/myapp.php?foo=1&bar=2",
				"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212",
				"Content-Type", "application/x-www-form-urlencoded", "X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), time.Now()},
		{"twilio path-only URL rebuilt from Host", Twilio, "12345",
			req("POST", "/myapp.php?foo=1&bar=2",
				"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212",
				"Host", "mycompany.com", "Content-Type", "application/x-www-form-urlencoded", "X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), time.Now()},
		{"twilio JSON body with bodySHA256", Twilio, "12345",
			req("POST", "https://example.com/myapp?bodySHA256=5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9",
				`{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}`,
				"Content-Type", "application/json", "X-Twilio-Signature", "hPXmLwIy3Fgqv1i9KPmH/HhQ6zo="), time.Now()},
		{"stripe", Stripe, "whsec_test_secret",
			req("POST", "/", `{"id":"evt_1"}`, "Stripe-Signature", "t=1700000000,v1=248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a"), unix(1700000000)},
		{"stripe one of several v1 and a v0", Stripe, "whsec_test_secret",
			req("POST", "/", `{"id":"evt_1"}`, "Stripe-Signature", "t=1700000000,v1=00ff,v1=248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a,v0=abcd"), unix(1700000000)},
		{"shopify", Shopify, "hush",
			req("POST", "/", `{"id":1}`, "X-Shopify-Hmac-Sha256", "VnKUjZsLuN5iZWjn5EntcBVCF9kMN43LglzCE1/GSeY="), time.Now()},
		{"zoom", Zoom, "zoomsecret",
			req("POST", "/", `{"event":"meeting.started"}`, "x-zm-request-timestamp", "1700000000",
				"x-zm-signature", "v0=37fabdea8e4d1e7734f676bedeb9a0c18dee9af13e5cf9b95606a452c0b52749"), time.Now()},
		{"twitch", Twitch, "twitchsecret",
			req("POST", "/", `{"a":1}`, "Twitch-Eventsub-Message-Id", "e76c6bd4-55c9-4987-8304-da1588d8988b",
				"Twitch-Eventsub-Message-Timestamp", "2019-11-16T10:11:12.634234626Z",
				"Twitch-Eventsub-Message-Signature", "sha256=6bd3ad2a807c1b1df19ede0c77fb8b189af7274b05eeb3c2cc3beccc4d1d9f28"),
			time.Date(2019, 11, 16, 10, 15, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v := Verify(tt.provider, tt.secret, tt.r, tt.now); v.Result != Valid {
				t.Fatalf("Verify = %+v, want valid", v)
			}
		})
	}
}

// Sign then Verify for every scheme, and the ways a signature goes wrong.
func TestVerifyRoundTrip(t *testing.T) {
	now := time.Now()
	body := `{"event":"order.created","id":"ord_1"}`
	for _, scheme := range Schemes() {
		if scheme == SchemeNone {
			continue
		}
		t.Run(scheme, func(t *testing.T) {
			secret, err := GenerateSecret(scheme)
			if err != nil {
				t.Fatal(err)
			}
			hs, err := Sign(scheme, SignInput{Body: []byte(body), Secret: secret, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			signed := withHeaders(req("POST", "https://example.com/hook", body), hs)
			// A WebSub signature alone is shared by several senders, so
			// GitHub's is detected only together with X-GitHub-Event.
			wantDetect := scheme
			if scheme == SchemeGitHub {
				wantDetect = ""
			}
			if got := Detect(signed); got != wantDetect {
				t.Errorf("Detect = %q, want %q", got, wantDetect)
			}
			if v := Verify(scheme, secret, signed, now); v.Result != Valid {
				t.Fatalf("good: %+v, want valid", v)
			}
			tampered := *signed
			tampered.Body = []byte(strings.Replace(body, "ord_1", "ord_2", 1))
			if v := Verify(scheme, secret, &tampered, now); v.Result != Invalid || v.Fault != FaultSignature || v.Reason != "signature does not match" {
				t.Errorf("tampered body: %+v, want invalid/signature", v)
			}
			other, _ := GenerateSecret(scheme)
			if v := Verify(scheme, other, signed, now); v.Result != Invalid || v.Fault != FaultSignature {
				t.Errorf("wrong secret: %+v, want invalid/signature", v)
			}
			if v := Verify(scheme, "", signed, now); v.Result != NoSecret {
				t.Errorf("no secret: %+v, want no-secret", v)
			}
			if v := Verify(scheme, secret, req("POST", "/", body), now); v.Result != Unsigned {
				t.Errorf("no headers: %+v, want unsigned", v)
			}
		})
	}
}

func TestVerifyTimestampTolerance(t *testing.T) {
	const ts = 1700000000
	body := []byte(`{"ok":true}`)
	signed := func(scheme string) (*Request, string) {
		secret, _ := GenerateSecret(scheme)
		hs, err := Sign(scheme, SignInput{Body: body, Secret: secret, Now: unix(ts)})
		if err != nil {
			t.Fatal(err)
		}
		return withHeaders(req("POST", "/", string(body)), hs), secret
	}
	tests := []struct {
		name   string
		delta  int64 // receipt time minus signed time, seconds
		want   string
		in     string // substring of Reason
		stripe string // when Stripe's libraries decide otherwise
	}{
		{"just now", 0, Valid, "", ""},
		{"at the tolerance", 300, Valid, "", ""},
		{"at the tolerance, clock ahead", -300, Valid, "", ""},
		{"expired", 612, Invalid, "timestamp 612 s old, outside 300 s tolerance", ""},
		// stripe-node and stripe-go check only the age; Slack's Python SDK
		// and slack-go, and the Standard Webhooks libraries, both ways.
		{"from the future", -612, Invalid, "timestamp 612 s in the future, outside 300 s tolerance", Valid},
	}
	for _, scheme := range []string{SchemeStripe, SchemeSlack, SchemeStandardWebhooks} {
		r, secret := signed(scheme)
		for _, tt := range tests {
			t.Run(scheme+"/"+tt.name, func(t *testing.T) {
				v := Verify(scheme, secret, r, unix(ts+tt.delta))
				if scheme == SchemeStripe && tt.stripe != "" {
					tt.want, tt.in = tt.stripe, ""
				}
				if v.Result != tt.want || !strings.Contains(v.Reason, tt.in) {
					t.Fatalf("%+v, want %s with reason containing %q", v, tt.want, tt.in)
				}
				if tt.want == Invalid && v.Fault != FaultTimestamp {
					t.Fatalf("fault %q, want timestamp", v.Fault)
				}
			})
		}
	}
}

func TestVerifyTwitchAge(t *testing.T) {
	secret := "twitchsecret"
	r := req("POST", "/", `{"a":1}`, "Twitch-Eventsub-Message-Id", "e76c6bd4-55c9-4987-8304-da1588d8988b",
		"Twitch-Eventsub-Message-Timestamp", "2019-11-16T10:11:12.634234626Z",
		"Twitch-Eventsub-Message-Signature", "sha256=6bd3ad2a807c1b1df19ede0c77fb8b189af7274b05eeb3c2cc3beccc4d1d9f28")
	sent := time.Date(2019, 11, 16, 10, 11, 12, 0, time.UTC)
	if v := Verify(Twitch, secret, r, sent.Add(11*time.Minute)); v.Result != Invalid || v.Fault != FaultTimestamp {
		t.Errorf("11 min old: %+v, want invalid/timestamp", v)
	}
	// Twitch documents only a maximum age; a sender clock ahead is not flagged.
	if v := Verify(Twitch, secret, r, sent.Add(-time.Hour)); v.Result != Valid {
		t.Errorf("from the future: %+v, want valid", v)
	}
}

func TestVerifyMalformedHeaders(t *testing.T) {
	now := unix(1700000000)
	tests := []struct {
		name, provider, secret string
		r                      *Request
		in                     string // substring of Reason
	}{
		{"github no method", GitHub, "s", req("POST", "/", "x", "X-Hub-Signature-256", "757107ea"), "not method=hexdigest"},
		{"github not hex", GitHub, "s", req("POST", "/", "x", "X-Hub-Signature-256", "sha256=zz"), "not hex"},
		{"github md5", GitHub, "s", req("POST", "/", "x", "X-Hub-Signature", "md5=00"), "unknown method"},
		{"github sha1 in the 256 header", GitHub, "s", req("POST", "/", "x", "X-Hub-Signature-256", "sha1=00"), "unknown method"},
		{"stripe no t", Stripe, "s", req("POST", "/", "x", "Stripe-Signature", "v1=00"), "no t= timestamp"},
		{"stripe no v1", Stripe, "s", req("POST", "/", "x", "Stripe-Signature", "t=1700000000,v0=00"), "no v1= signature"},
		{"stripe t not a number", Stripe, "s", req("POST", "/", "x", "Stripe-Signature", "t=soon,v1=00"), "not a Unix time"},
		{"stripe t in ms", Stripe, "s", req("POST", "/", "x", "Stripe-Signature", "t=1700000000000,v1=00"), "not a Unix time"},
		{"stripe v1 not hex", Stripe, "s", req("POST", "/", "x", "Stripe-Signature", "t=1700000000,v1=xyz"), "not hex"},
		{"stripe empty", Stripe, "s", req("POST", "/", "x", "Stripe-Signature", ""), "no t= timestamp"},
		{"slack no v0", Slack, "s", req("POST", "/", "x", "X-Slack-Signature", "v1=00", "X-Slack-Request-Timestamp", "1700000000"), "does not start with v0="},
		{"slack no timestamp", Slack, "s", req("POST", "/", "x", "X-Slack-Signature", "v0=00"), "without X-Slack-Request-Timestamp"},
		{"slack bad timestamp", Slack, "s", req("POST", "/", "x", "X-Slack-Signature", "v0=00", "X-Slack-Request-Timestamp", "-5"), "not a Unix time"},
		{"std entry without comma", StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			req("POST", "/", "x", "webhook-id", "m", "webhook-timestamp", "1700000000", "webhook-signature", "v1"), "not version,signature"},
		{"std no id", StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			req("POST", "/", "x", "webhook-timestamp", "1700000000", "webhook-signature", "v1,AAAA"), "without webhook-id"},
		{"std bad timestamp", StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			req("POST", "/", "x", "webhook-id", "m", "webhook-timestamp", "1e9", "webhook-signature", "v1,AAAA"), "not a Unix time"},
		{"std not base64", StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			req("POST", "/", "x", "webhook-id", "m", "webhook-timestamp", "1700000000", "webhook-signature", "v1,***"), "not base64"},
		{"std empty list", StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			req("POST", "/", "x", "webhook-id", "m", "webhook-timestamp", "1700000000", "webhook-signature", "  "), "empty"},
		{"twilio not base64", Twilio, "s", req("POST", "https://a.example/", "", "X-Twilio-Signature", "!!"), "not a base64 HMAC-SHA1"},
		{"twilio no URL", Twilio, "s", req("POST", "/x", "", "X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), "cannot rebuild the URL"},
		{"zoom no v0", Zoom, "s", req("POST", "/", "x", "x-zm-signature", "00", "x-zm-request-timestamp", "1"), "does not start with v0="},
		{"zoom no timestamp", Zoom, "s", req("POST", "/", "x", "x-zm-signature", "v0=00"), "without x-zm-request-timestamp"},
		{"twitch no id", Twitch, "s", req("POST", "/", "x", "Twitch-Eventsub-Message-Signature", "sha256=00"), "without Twitch-Eventsub-Message-Id"},
		{"twitch bad time", Twitch, "s", req("POST", "/", "x", "Twitch-Eventsub-Message-Signature", "sha256=00",
			"Twitch-Eventsub-Message-Id", "i", "Twitch-Eventsub-Message-Timestamp", "yesterday"), "not RFC 3339"},
		{"discord short signature", Discord, strings.Repeat("ab", 32), req("POST", "/", "x", "X-Signature-Ed25519", "abcd", "X-Signature-Timestamp", "1"), "not 128 hex"},
		{"discord no timestamp", Discord, strings.Repeat("ab", 32), req("POST", "/", "x", "X-Signature-Ed25519", "abcd"), "without X-Signature-Timestamp"},
		{"x no prefix", X, "s", req("POST", "/", "x", "X-Twitter-Webhooks-Signature", "AAAA"), "does not start with"},
		{"linear not hex", Linear, "s", req("POST", "/", "x", "Linear-Signature", "nothex"), "not an encoded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Verify(tt.provider, tt.secret, tt.r, now)
			if v.Result != Invalid || v.Fault != FaultMalformed || !strings.Contains(v.Reason, tt.in) {
				t.Fatalf("%+v, want invalid/malformed with reason containing %q", v, tt.in)
			}
		})
	}
}

func TestVerifyBadSecret(t *testing.T) {
	r := req("POST", "/", "x", "webhook-id", "m", "webhook-timestamp", "1700000000", "webhook-signature", "v1,AAAA")
	v := Verify(StandardWebhooks, "whsec_%%%", r, unix(1700000000))
	if v.Result != NoSecret || v.Fault != FaultSecret || !strings.HasPrefix(v.Reason, "unusable secret:") {
		t.Fatalf("%+v, want no-secret/secret", v)
	}
}

func TestVerifyStandardWebhooksIgnoresV1a(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	base := []string{"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp", "1614265330"}
	mixed := req("POST", "/", `{"test": 2432232314}`, append(base, "webhook-signature",
		"v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg== v1,bm9ub3NlbnNl v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")...)
	if v := Verify(StandardWebhooks, secret, mixed, unix(1614265330)); v.Result != Valid {
		t.Fatalf("mixed list: %+v, want valid", v)
	}
	onlyV1a := req("POST", "/", `{"test": 2432232314}`, append(base, "webhook-signature",
		"v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==")...)
	if v := Verify(StandardWebhooks, secret, onlyV1a, unix(1614265330)); v.Result != NoSecret || !strings.Contains(v.Reason, "v1 HMAC") {
		t.Fatalf("only v1a: %+v, want no-secret explaining v1a is not checked", v)
	}
}

func hmacHex(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func TestVerifyBodyHMACProviders(t *testing.T) {
	body := `{"type":"Issue","action":"create"}`
	sum := hmac.New(sha256.New, []byte("s3"))
	sum.Write([]byte(body))
	b64 := base64.StdEncoding.EncodeToString(sum.Sum(nil))
	legacy := hmac.New(sha1.New, []byte("s3"))
	legacy.Write([]byte(body))
	tests := []struct {
		name, provider string
		kv             []string
		want           string
	}{
		{"linear", Linear, []string{"Linear-Signature", hmacHex("s3", body)}, Valid},
		{"dropbox", Dropbox, []string{"X-Dropbox-Signature", hmacHex("s3", body)}, Valid},
		{"x", X, []string{"X-Twitter-Webhooks-Signature", "sha256=" + b64}, Valid},
		{"meta", Meta, []string{"X-Hub-Signature-256", "sha256=" + hmacHex("s3", body)}, Valid},
		{"jira websub", Jira, []string{"X-Hub-Signature", "sha256=" + hmacHex("s3", body)}, Valid},
		{"github legacy sha1 only", GitHub, []string{"X-Hub-Signature", "sha1=" + hex.EncodeToString(legacy.Sum(nil))}, Valid},
		{"github upper-case hex", GitHub, []string{"X-Hub-Signature-256", "sha256=" + strings.ToUpper(hmacHex("s3", body))}, Valid},
		{"github sha256 wrong, sha1 right: sha256 decides", GitHub, []string{
			"X-Hub-Signature-256", "sha256=" + hmacHex("other", body),
			"X-Hub-Signature", "sha1=" + hex.EncodeToString(legacy.Sum(nil))}, Invalid},
		{"linear wrong", Linear, []string{"Linear-Signature", hmacHex("other", body)}, Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v := Verify(tt.provider, "s3", req("POST", "/", body, tt.kv...), time.Now()); v.Result != tt.want {
				t.Fatalf("%+v, want %s", v, tt.want)
			}
		})
	}
}

func TestVerifyTwilioJSONBodyTampered(t *testing.T) {
	r := req("POST", "https://example.com/myapp?bodySHA256=5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9",
		`{"CallSid":"CA1234567890ABCDE","Caller":"+10000000000"}`,
		"Content-Type", "application/json", "X-Twilio-Signature", "hPXmLwIy3Fgqv1i9KPmH/HhQ6zo=")
	v := Verify(Twilio, "12345", r, time.Now())
	if v.Result != Invalid || v.Fault != FaultSignature || !strings.Contains(v.Reason, "bodySHA256") {
		t.Fatalf("%+v, want invalid/signature naming bodySHA256", v)
	}
	// A changed form parameter breaks the signature itself.
	form := req("POST", "https://mycompany.com/myapp.php?foo=1&bar=2",
		"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=9999&From=%2B14158675309&To=%2B18005551212",
		"Content-Type", "application/x-www-form-urlencoded", "X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
	if v := Verify(Twilio, "12345", form, time.Now()); v.Result != Invalid || v.Fault != FaultSignature {
		t.Fatalf("tampered form: %+v, want invalid/signature", v)
	}
}

func TestVerifyUnknownProviderAndMSGraph(t *testing.T) {
	r := req("POST", "/", "{}", "X-Hub-Signature-256", "sha256=00")
	for _, id := range []string{"", "acme", MSGraph} {
		if v := Verify(id, "s", r, time.Now()); v.Result != Unsigned {
			t.Errorf("%q: %+v, want unsigned", id, v)
		}
	}
	if v := Verify(GitHub, "s", nil, time.Now()); v.Result != Unsigned {
		t.Errorf("nil request: %+v", v)
	}
	for _, id := range VerifiedProviders() {
		if v := Verify(id, "s", req("POST", "/", "{}"), time.Now()); v.Result != Unsigned {
			t.Errorf("%s with no headers: %+v, want unsigned", id, v)
		}
	}
}

// Behind a tunnel the capture sees http://public-host/…, Twilio signed https.
func TestVerifyTwilioTunnelScheme(t *testing.T) {
	r := req("POST", "http://mycompany.com/myapp.php?foo=1&bar=2",
		"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212",
		"Content-Type", "application/x-www-form-urlencoded", "X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
	if v := Verify(Twilio, "12345", r, time.Now()); v.Result != Valid {
		t.Fatalf("%+v, want valid", v)
	}
}
