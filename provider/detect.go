package provider

import (
	"bytes"
	"strings"
)

// shapeWindow bounds how much of a body Detect and Handshake look at when
// headers say nothing: provider envelopes put their markers near the start,
// and a 25 MiB body must not cost a full scan on every list render.
const shapeWindow = 4096

// headerMarks are headers that only one provider sends, checked in order.
// Specific providers come before Standard Webhooks because several of them
// could one day add webhook-* headers beside their own.
var headerMarks = []struct {
	id      string
	headers []string
}{
	{GitHub, []string{"X-GitHub-Event"}},
	{Stripe, []string{"Stripe-Signature"}},
	{Slack, []string{"X-Slack-Signature", "X-Slack-Request-Timestamp"}},
	// Shopify Events deliveries spell theirs without the X-.
	{Shopify, []string{"X-Shopify-Hmac-Sha256", "X-Shopify-Topic", "Shopify-Hmac-Sha256", "Shopify-Topic"}},
	{Twilio, []string{"X-Twilio-Signature"}},
	{Zoom, []string{"X-Zm-Signature", "X-Zm-Request-Timestamp"}},
	{Twitch, []string{"Twitch-Eventsub-Message-Type", "Twitch-Eventsub-Message-Signature"}},
	{Discord, []string{"X-Signature-Ed25519"}},
	{Linear, []string{"Linear-Signature", "Linear-Delivery"}},
	{Jira, []string{"X-Atlassian-Webhook-Identifier"}},
	{Dropbox, []string{"X-Dropbox-Signature"}},
	{X, []string{"X-Twitter-Webhooks-Signature"}},
	{StandardWebhooks, []string{"Webhook-Id", "Svix-Id"}},
}

// userAgentMarks are User-Agent substrings (lower-case) of providers' senders,
// used when no signature header is present (unsigned deliveries, pings).
var userAgentMarks = []struct{ id, ua string }{
	{GitHub, "github-hookshot/"},
	{Stripe, "stripe/1.0 (+https://stripe.com/docs/webhooks)"},
	{Slack, "slackbot 1.0 (+https://api.slack.com/robots)"},
	{Shopify, "shopify-captain-hook"},
	{Meta, "facebookexternalua"},
	{Meta, "facebookplatform"},
	{Jira, "atlassian"},
	{Twilio, "twilioproxy/"},
	{StandardWebhooks, "svix-webhooks/"},
}

// Detect names the provider that sent r, or "" when nothing marks it. It
// looks at headers first, then the query, then the User-Agent, then a small
// prefix of the body; it never parses a whole body.
func Detect(r *Request) string {
	if r == nil {
		return ""
	}
	for _, m := range headerMarks {
		for _, h := range m.headers {
			if r.has(h) {
				return m.id
			}
		}
	}
	ua := strings.ToLower(r.header("User-Agent"))
	if r.has("X-Hub-Signature-256") || r.has("X-Hub-Signature") {
		// WebSub-style signatures are shared by Meta, Jira and others;
		// only call it when something else agrees.
		switch {
		case strings.Contains(ua, "facebook"), looksMetaBody(r.Body):
			return Meta
		case strings.Contains(ua, "atlassian"):
			return Jira
		}
	}
	q := r.query()
	switch {
	case q.Has("hub.mode"), q.Has("hub.challenge"):
		return Meta
	case q.Has("validationToken"):
		return MSGraph
	case q.Has("crc_token"):
		return X
	}
	for _, m := range userAgentMarks {
		if strings.Contains(ua, m.ua) {
			return m.id
		}
	}
	if id := detectShape(r); id != "" {
		return id
	}
	// Dropbox's challenge is a bare GET ?challenge=…; anything else marked
	// it already.
	if r.method() == "GET" && q.Has("challenge") {
		return Dropbox
	}
	return ""
}

// detectShape recognises providers by the start of their bodies.
func detectShape(r *Request) string {
	b := r.Body
	if len(b) > shapeWindow {
		b = b[:shapeWindow]
	}
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return ""
	}
	if b[0] == '{' {
		switch {
		case bytes.Contains(b, []byte(`"url_verification"`)) && bytes.Contains(b, []byte(`"challenge"`)),
			bytes.Contains(b, []byte(`"type":"event_callback"`)) && bytes.Contains(b, []byte(`"api_app_id"`)):
			return Slack
		case bytes.Contains(b, []byte(`"endpoint.url_validation"`)):
			return Zoom
		case bytes.Contains(b, []byte(`"subscriptionId"`)) && bytes.Contains(b, []byte(`"changeType"`)):
			return MSGraph
		case bytes.Contains(b, []byte(`"webhookEvent":"jira:`)), bytes.Contains(b, []byte(`"webhookEvent": "jira:`)):
			return Jira
		case looksMetaBody(b):
			return Meta
		}
		return ""
	}
	// Form bodies: Slack slash commands and SSL checks, Twilio callbacks.
	switch {
	case bytes.HasPrefix(b, []byte("ssl_check=1")), bytes.Contains(b, []byte("&ssl_check=1")):
		return Slack
	case bytes.Contains(b, []byte("response_url=https%3A%2F%2Fhooks.slack.com")):
		return Slack
	case bytes.Contains(b, []byte("AccountSid=AC")) && (bytes.Contains(b, []byte("CallSid=")) || bytes.Contains(b, []byte("MessageSid="))):
		return Twilio
	}
	return ""
}

// looksMetaBody matches the envelope Meta's Graph webhooks share:
// {"object":"page"|"instagram"|"whatsapp_business_account"|…,"entry":[…]}.
func looksMetaBody(b []byte) bool {
	if len(b) > shapeWindow {
		b = b[:shapeWindow]
	}
	b = bytes.TrimLeft(b, " \t\r\n")
	return bytes.HasPrefix(b, []byte(`{"object":`)) && bytes.Contains(b, []byte(`"entry":`))
}
