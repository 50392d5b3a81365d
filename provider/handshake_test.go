package provider

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

func header(a *Answer, name string) string {
	for _, h := range a.Header {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// Request shapes as the providers' documentation shows them.
func TestHandshakeAnswers(t *testing.T) {
	cfg := HandshakeConfig{ZoomSecretToken: "zoomsecret", XConsumerSecret: "consumer"}
	tests := []struct {
		name     string
		r        *Request
		cfg      HandshakeConfig
		kind     string
		status   int
		ctype    string
		body     string
		nosniff  bool
		labelHas string
	}{
		{"slack url_verification",
			req("POST", "/slack/events", `{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`,
				"Content-Type", "application/json", "X-Slack-Request-Timestamp", "1700000000", "X-Slack-Signature", "v0=00"),
			cfg, KindSlackURLVerification, 200, textPlain, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", false, "Slack challenge"},
		{"slack ssl_check",
			req("POST", "/slack/commands", "ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO", "Content-Type", "application/x-www-form-urlencoded"),
			cfg, KindSlackSSLCheck, 200, textPlain, "", false, "SSL check"},
		{"microsoft graph validationToken",
			req("POST", "https://gaff.example/graph?validationToken=Validation%3a+Testing+client+application+reachability+for+subscription+Request-Id%3a+6b9c2b8e-3c1f-4f4b-9f5e-1c2d3e4f5a6b", "",
				"Content-Type", "text/plain; charset=utf-8"),
			cfg, KindMSGraphValidation, 200, textPlain, "Validation: Testing client application reachability for subscription Request-Id: 6b9c2b8e-3c1f-4f4b-9f5e-1c2d3e4f5a6b", false, "Microsoft Graph"},
		{"meta subscribe, no token configured",
			req("GET", "/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock", "", "User-Agent", "facebookplatform/1.0 (+http://developers.facebook.com)"),
			cfg, KindMetaVerification, 200, textPlain, "1158201444", false, "Meta challenge"},
		{"meta subscribe, matching token",
			req("GET", "/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock", ""),
			HandshakeConfig{MetaVerifyToken: "meatyhamhock"}, KindMetaVerification, 200, textPlain, "1158201444", false, "Meta challenge"},
		{"meta subscribe, wrong token",
			req("GET", "/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess", ""),
			HandshakeConfig{MetaVerifyToken: "meatyhamhock"}, KindMetaVerification, 400, textPlain, "hub.verify_token does not match the verify token configured in gaff\n", false, "refused"},
		{"zoom endpoint.url_validation",
			req("POST", "/zoom", `{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}`,
				"Content-Type", "application/json; charset=utf-8", "User-Agent", "Zoom Marketplace/1.0a"),
			cfg, KindZoomURLValidation, 200, appJSON, `{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"83b2a60d4bbe49dc93763ed9e727a9a7690cbe4c1f8bb0adc0ffccd09ecb1384"}`, false, "Zoom"},
		{"dropbox challenge",
			req("GET", "/dropbox?challenge=KZN8QmbrHHhpJ9vDi8wOP9p8Ar0", ""),
			cfg, KindDropboxChallenge, 200, textPlain, "KZN8QmbrHHhpJ9vDi8wOP9p8Ar0", true, "Dropbox"},
		{"x crc",
			req("GET", "/x?crc_token=challenge_string&nonce=MTU0NjA1NjUwMzI5OA", ""),
			cfg, KindXCRC, 200, appJSON, `{"response_token":"sha256=eVCiy88Y5uz+6uBjQU3UFAARMBRB4rhPoSudtGlt0mE="}`, false, "X CRC"},
		{"twitch webhook_callback_verification",
			req("POST", "/twitch", `{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"webhook_callback_verification_pending","type":"channel.follow","version":"2","cost":1,"condition":{"broadcaster_user_id":"12826","moderator_user_id":"12826"},"transport":{"method":"webhook","callback":"https://example.com/webhooks/callback"},"created_at":"2019-11-16T10:11:12.634234626Z"}}`,
				"Content-Type", "application/json", "Twitch-Eventsub-Message-Id", "e76c6bd4-55c9-4987-8304-da1588d8988b",
				"Twitch-Eventsub-Message-Retry", "0", "Twitch-Eventsub-Message-Type", "webhook_callback_verification",
				"Twitch-Eventsub-Message-Signature", "sha256=00", "Twitch-Eventsub-Message-Timestamp", "2019-11-16T10:11:12.634234626Z",
				"Twitch-Eventsub-Subscription-Type", "channel.follow", "Twitch-Eventsub-Subscription-Version", "2"),
			cfg, KindTwitchVerification, 200, textPlain, "pogchamp-kappa-360noscope-vohiyo", false, "Twitch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := Handshake(tt.r, tt.cfg)
			if !ok || a == nil {
				t.Fatalf("Handshake = %+v, %v; want an answer", a, ok)
			}
			if a.Kind != tt.kind || a.Status != tt.status || string(a.Body) != tt.body {
				t.Fatalf("got kind %q status %d body %q; want %q %d %q", a.Kind, a.Status, a.Body, tt.kind, tt.status, tt.body)
			}
			if got := header(a, "Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if got := header(a, "X-Content-Type-Options"); (got == "nosniff") != tt.nosniff {
				t.Errorf("X-Content-Type-Options %q, want nosniff: %v", got, tt.nosniff)
			}
			if !strings.Contains(a.Label, tt.labelHas) {
				t.Errorf("Label %q does not mention %q", a.Label, tt.labelHas)
			}
		})
	}
}

// Zoom and X need a secret to answer; without one the handshake is
// recognised, labelled, and left to the default response.
func TestHandshakeNeedsSecret(t *testing.T) {
	tests := []struct {
		name, kind, labelHas string
		r                    *Request
	}{
		{"zoom", KindZoomURLValidation, "--secret zoom=",
			req("POST", "/zoom", `{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}`)},
		{"x", KindXCRC, "--secret x=", req("GET", "/x?crc_token=abc", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := Handshake(tt.r, HandshakeConfig{})
			if ok || a == nil || a.Kind != tt.kind || a.Status != 0 || !strings.Contains(a.Label, tt.labelHas) {
				t.Fatalf("Handshake = %+v, %v; want unanswered %s whose label names %q", a, ok, tt.kind, tt.labelHas)
			}
		})
	}
}

func TestHandshakeDiscord(t *testing.T) {
	ping := `{"app_permissions":"562949953601536","application_id":"1210987654321098765","authorizing_integration_owners":{},"entitlements":[],"id":"1210987654321098766","token":"aW50ZXJhY3Rpb246MTIxMDk4NzY1NDMyMTA5ODc2Ng","type":1,"user":{"id":"80351110224678912","username":"nelly"},"version":1}`
	pub, priv, signed := discordSigned(t, ping)
	bad := withHeaders(signed, []HeaderPair{{"X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, []byte("1700000001"+ping)))}})

	t.Run("good signature", func(t *testing.T) {
		a, ok := Handshake(signed, HandshakeConfig{DiscordPublicKey: pub})
		if !ok || a.Kind != KindDiscordPing || a.Status != 200 || string(a.Body) != `{"type":1}` || header(a, "Content-Type") != appJSON {
			t.Fatalf("%+v, %v; want 200 {\"type\":1} JSON", a, ok)
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		a, ok := Handshake(bad, HandshakeConfig{DiscordPublicKey: pub})
		if !ok || a.Status != 401 || header(a, "Content-Type") != textPlain || !strings.Contains(a.Label, "401") {
			t.Fatalf("%+v, %v; want 401", a, ok)
		}
	})
	t.Run("badly signed non-PING is refused too", func(t *testing.T) {
		r := *bad
		r.Body = []byte(`{"type":2}`)
		if a, ok := Handshake(&r, HandshakeConfig{DiscordPublicKey: pub}); !ok || a.Status != 401 {
			t.Fatalf("%+v, %v; want 401", a, ok)
		}
	})
	t.Run("well signed non-PING is not a handshake", func(t *testing.T) {
		cmd := *signed
		cmd.Body = []byte(`{"type":2}`)
		cmd.Header = signed.Header.Clone()
		cmd.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, []byte("1700000000"+`{"type":2}`))))
		if a, ok := Handshake(&cmd, HandshakeConfig{DiscordPublicKey: pub}); ok {
			t.Fatalf("%+v; want no answer", a)
		}
	})
	t.Run("no key", func(t *testing.T) {
		a, ok := Handshake(signed, HandshakeConfig{})
		if ok || a == nil || a.Kind != KindDiscordPing || !strings.Contains(a.Label, "--secret discord=") {
			t.Fatalf("%+v, %v; want unanswered with a label naming the flag", a, ok)
		}
	})
	t.Run("bad key hex", func(t *testing.T) {
		a, ok := Handshake(signed, HandshakeConfig{DiscordPublicKey: "zz"})
		if ok || a == nil || !strings.Contains(a.Label, "64 hex characters") {
			t.Fatalf("%+v, %v; want unanswered, label explaining the key", a, ok)
		}
	})
}

func TestHandshakeNotHandshakes(t *testing.T) {
	tests := []struct {
		name string
		r    *Request
	}{
		{"plain curl POST", req("POST", "/hook", `{"hello":"world"}`, "Content-Type", "application/x-www-form-urlencoded", "User-Agent", "curl/8.5.0")},
		{"github ping", req("POST", "/gh", `{"zen":"Keep it logically awesome.","hook_id":1}`, "X-GitHub-Event", "ping")},
		{"slack event_callback", req("POST", "/slack", `{"type":"event_callback","challenge":"not-a-handshake"}`)},
		{"url_verification without challenge", req("POST", "/slack", `{"type":"url_verification"}`)},
		{"url_verification over GET", req("GET", "/slack", `{"type":"url_verification","challenge":"c"}`)},
		{"meta without subscribe", req("GET", "/meta?hub.mode=unsubscribe&hub.challenge=1", "")},
		{"meta over POST", req("POST", "/meta?hub.mode=subscribe&hub.challenge=1", "")},
		{"challenge query on a POST", req("POST", "/x?challenge=abc", "")},
		{"challenge query from Stripe", req("GET", "/x?challenge=abc", "", "Stripe-Signature", "t=1,v1=00")},
		{"twitch notification", req("POST", "/t", `{"challenge":"c"}`, "Twitch-Eventsub-Message-Type", "notification")},
		{"ssl_check=0", req("POST", "/s", "ssl_check=0")},
		{"zoom other event", req("POST", "/z", `{"event":"meeting.started","payload":{"plainToken":"p"},"note":"endpoint.url_validation"}`)},
		{"json array", req("POST", "/s", `[{"type":"url_verification","challenge":"c"}]`)},
		{"huge body mentioning url_verification", req("POST", "/s", `{"type":"url_verification","challenge":"c","pad":"`+strings.Repeat("x", handshakeBodyLimit)+`"}`)},
		{"empty", &Request{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if a, ok := Handshake(tt.r, HandshakeConfig{ZoomSecretToken: "z", XConsumerSecret: "x"}); ok || a != nil {
				t.Fatalf("Handshake = %+v, %v; want nothing", a, ok)
			}
		})
	}
	if a, ok := Handshake(nil, HandshakeConfig{}); ok || a != nil {
		t.Fatal("nil request answered")
	}
}

func TestHandshakeDisabled(t *testing.T) {
	r := req("POST", "/slack", `{"token":"t","challenge":"c","type":"url_verification"}`)
	if _, ok := Handshake(r, HandshakeConfig{}); !ok {
		t.Fatal("enabled: want an answer")
	}
	if a, ok := Handshake(r, HandshakeConfig{Disabled: map[string]bool{KindSlackURLVerification: true}}); ok || a != nil {
		t.Fatalf("disabled: %+v, %v; want nothing", a, ok)
	}
	kinds := map[string]bool{}
	for _, k := range HandshakeKinds() {
		kinds[k] = true
	}
	for _, h := range handshakes {
		if !kinds[h.kind] {
			t.Errorf("kind %s is tried but not listed by HandshakeKinds", h.kind)
		}
	}
	if len(kinds) != len(handshakes) {
		t.Errorf("HandshakeKinds lists %d kinds, Handshake tries %d", len(kinds), len(handshakes))
	}
}

// Discord's Webhook Events check their URL with a signed PING of type 0
// and require 204 with no body; an interaction or event with no signature
// headers is refused 401, as discord-interactions' middleware refuses it,
// key or no key.
func TestHandshakeDiscordWebhookEventsAndUnsigned(t *testing.T) {
	ping := `{"version":1,"application_id":"1234560123453231555","type":0}`
	pub, priv, signed := discordSigned(t, ping)
	bad := withHeaders(signed, []HeaderPair{{"X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, []byte("1700000001"+ping)))}})
	interactionPing := `{"application_id":"1210987654321098765","id":"1210987654321098766","token":"aW50","type":1,"version":1}`
	unsigned := req("POST", "/interactions", interactionPing, "Content-Type", "application/json", "User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")

	t.Run("webhook events PING", func(t *testing.T) {
		a, ok := Handshake(signed, HandshakeConfig{DiscordPublicKey: pub})
		if !ok || a.Kind != KindDiscordPing || a.Status != 204 || len(a.Body) != 0 || len(a.Header) != 0 {
			t.Fatalf("%+v, %v; want 204 with no body", a, ok)
		}
	})
	t.Run("webhook events PING, bad signature", func(t *testing.T) {
		if a, ok := Handshake(bad, HandshakeConfig{DiscordPublicKey: pub}); !ok || a.Status != 401 {
			t.Fatalf("%+v, %v; want 401", a, ok)
		}
	})
	t.Run("webhook events PING, no key", func(t *testing.T) {
		a, ok := Handshake(signed, HandshakeConfig{})
		if ok || a == nil || !strings.Contains(a.Label, "--secret discord=") {
			t.Fatalf("%+v, %v; want unanswered with a label naming the flag", a, ok)
		}
	})
	for _, cfg := range []HandshakeConfig{{DiscordPublicKey: pub}, {}} {
		t.Run("interactions PING without signature headers, key "+fmt.Sprint(cfg.DiscordPublicKey != ""), func(t *testing.T) {
			a, ok := Handshake(unsigned, cfg)
			if !ok || a.Kind != KindDiscordPing || a.Status != 401 || !strings.Contains(a.Label, "X-Signature-Ed25519") {
				t.Fatalf("%+v, %v; want 401 naming the missing header", a, ok)
			}
		})
	}
	t.Run("timestamp without signature", func(t *testing.T) {
		r := withHeaders(unsigned, []HeaderPair{{"X-Signature-Timestamp", "1700000000"}})
		if a, ok := Handshake(r, HandshakeConfig{DiscordPublicKey: pub}); !ok || a.Status != 401 {
			t.Fatalf("%+v, %v; want 401", a, ok)
		}
	})
	t.Run("type alone is not Discord", func(t *testing.T) {
		if a, ok := Handshake(req("POST", "/hook", `{"type":1}`), HandshakeConfig{DiscordPublicKey: pub}); ok || a != nil {
			t.Fatalf("%+v, %v; want nothing", a, ok)
		}
	})
}

// A URL-verification request is signed like any other of its provider's.
// With the secret configured, one whose signature is not valid is refused
// (Bolt answers 401, Twitch's docs 403) and its challenge never echoed;
// without it, it is answered and the label says it went unchecked.
func TestHandshakeForgedSignatureRefused(t *testing.T) {
	now := unix(1700000000)
	slackBody := `{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`
	slack := func(secret string, at int64, body string) *Request {
		ts := strconv.FormatInt(at, 10)
		return req("POST", "/slack/events", body, "Content-Type", "application/json",
			"X-Slack-Request-Timestamp", ts, "X-Slack-Signature", "v0="+hmacHex(secret, "v0:"+ts+":"+body))
	}
	sslBody := "ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO"
	twitchBody := `{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","type":"channel.follow"}}`
	twitch := func(secret string) *Request {
		id, ts := "e76c6bd4-55c9-4987-8304-da1588d8988b", "2023-11-14T22:13:20Z"
		return req("POST", "/twitch", twitchBody, "Content-Type", "application/json",
			"Twitch-Eventsub-Message-Type", "webhook_callback_verification", "Twitch-Eventsub-Message-Id", id,
			"Twitch-Eventsub-Message-Timestamp", ts, "Twitch-Eventsub-Message-Signature", "sha256="+hmacHex(secret, id+ts+twitchBody))
	}
	withSecrets := HandshakeConfig{SlackSigningSecret: "slack-secret", TwitchSecret: "twitch-secret", Now: now}
	noSecrets := HandshakeConfig{Now: now}
	tests := []struct {
		name     string
		r        *Request
		cfg      HandshakeConfig
		status   int
		body     string
		labelHas string
	}{
		{"slack, good signature", slack("slack-secret", 1700000000, slackBody), withSecrets, 200, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "answered Slack challenge"},
		{"slack, forged", slack("guess", 1700000000, slackBody), withSecrets, 401, "invalid request signature\n", "does not match"},
		{"slack, unsigned", req("POST", "/slack/events", slackBody), withSecrets, 401, "invalid request signature\n", "no X-Slack-Signature"},
		{"slack, replayed", slack("slack-secret", 1700000000-600, slackBody), withSecrets, 401, "invalid request signature\n", "600 s old"},
		{"slack, no secret", slack("guess", 1700000000, slackBody), noSecrets, 200, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "not checked"},
		{"slack ssl_check, forged", slack("guess", 1700000000, sslBody), withSecrets, 401, "invalid request signature\n", "refused"},
		{"slack ssl_check, good", slack("slack-secret", 1700000000, sslBody), withSecrets, 200, "", "SSL check"},
		{"twitch, good signature", twitch("twitch-secret"), withSecrets, 200, "pogchamp-kappa-360noscope-vohiyo", "answered Twitch challenge"},
		{"twitch, forged", twitch("guess"), withSecrets, 403, "invalid request signature\n", "does not match"},
		{"twitch, no secret", twitch("guess"), noSecrets, 200, "pogchamp-kappa-360noscope-vohiyo", "not checked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := Handshake(tt.r, tt.cfg)
			if !ok || a.Status != tt.status || string(a.Body) != tt.body || !strings.Contains(a.Label, tt.labelHas) {
				t.Fatalf("%+v, %v; want %d %q with label containing %q", a, ok, tt.status, tt.body, tt.labelHas)
			}
		})
	}
}
