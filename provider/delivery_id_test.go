package provider

import (
	"strings"
	"testing"
)

// Headers and bodies are the providers' published samples, trimmed.
func TestDeliveryID(t *testing.T) {
	tests := []struct {
		name, provider string
		r              *Request
		want           string
	}{
		// https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers
		{"github", GitHub, req("POST", "/gh", `{"zen":"Keep it logically awesome."}`,
			"X-GitHub-Event", "ping", "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
			"github:72d3162e-cc78-11e3-81ab-4c9367dc0958"},
		// https://docs.stripe.com/api/events/object
		{"stripe", Stripe, req("POST", "/stripe",
			`{"object":"event","data":{"object":{"id":"seti_1NG8Du2eZvKYlo2C9XMqbR0x"}},"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","type":"setup_intent.created"}`,
			"Stripe-Signature", "t=1686089970,v1=00"), "stripe:evt_1NG8Du2eZvKYlo2CUI79vXWy"},
		// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
		{"standard webhooks", StandardWebhooks, req("POST", "/sw", `{"test": 2432232314}`,
			"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp", "1614265330"),
			"standard-webhooks:msg_p5jXN8AQM9LWM0D4loKWxJek"},
		{"svix", StandardWebhooks, req("POST", "/sw", `{"test": 2432232314}`,
			"svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "svix-timestamp", "1614265330"),
			"standard-webhooks:msg_p5jXN8AQM9LWM0D4loKWxJek"},
		// https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates: the event id is the duplicate signal.
		{"shopify event id", Shopify, req("POST", "/shop", `{"id":820982911946154508}`,
			"X-Shopify-Topic", "orders/create", "X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
			"X-Shopify-Event-Id", "98880550-7158-44d4-b7cd-2c97c8a091b5"), "shopify:98880550-7158-44d4-b7cd-2c97c8a091b5"},
		{"shopify webhook id", Shopify, req("POST", "/shop", `{"id":820982911946154508}`,
			"X-Shopify-Topic", "orders/create", "X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"),
			"shopify:b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"},
		// https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides (retries keep the token)
		{"twilio", Twilio, req("POST", "/tw", "CallSid=CA1234567890ABCDE&CallStatus=completed",
			"I-Twilio-Idempotency-Token", "9e5d5ab9-19b5-4b7a-a1f9-3e6e6d4f6d0b", "X-Twilio-Signature", "x"),
			"twilio:9e5d5ab9-19b5-4b7a-a1f9-3e6e6d4f6d0b"},
		// https://docs.slack.dev/apis/events-api/#retries
		{"slack retry", Slack, req("POST", "/slack",
			`{"token":"XXYYZZ","team_id":"T123ABC456","event":{"type":"app_mention","event_ts":"1515449522000016"},"type":"event_callback","event_id":"Ev123ABC456","event_time":1515449522}`,
			"X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout"), "slack:Ev123ABC456"},
		// https://linear.app/developers/webhooks
		{"linear", Linear, req("POST", "/linear", `{"action":"create","type":"Issue","webhookId":"000042e3-d123-4980-b49f-8e140eef9329"}`,
			"Linear-Delivery", "234d1a4e-b617-4388-90fe-adc3633d6b72", "Linear-Event", "Issue"),
			"linear:234d1a4e-b617-4388-90fe-adc3633d6b72"},
		// https://dev.twitch.tv/docs/eventsub/handling-webhook-events/
		{"twitch", Twitch, req("POST", "/twitch", `{"subscription":{"type":"channel.follow"}}`,
			"Twitch-Eventsub-Message-Id", "befa7b53-d79d-478f-86b9-120f112b044e", "Twitch-Eventsub-Message-Retry", "0"),
			"twitch:befa7b53-d79d-478f-86b9-120f112b044e"},
		// https://developer.atlassian.com/cloud/jira/platform/webhooks/
		{"jira", Jira, req("POST", "/jira", `{"webhookEvent":"jira:issue_created"}`,
			"X-Atlassian-Webhook-Identifier", "1a2b3c4d-0000-4000-8000-000000000001"),
			"jira:1a2b3c4d-0000-4000-8000-000000000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DeliveryID(tt.provider, tt.r); got != tt.want {
				t.Errorf("DeliveryID = %q, want %q", got, tt.want)
			}
		})
	}
}

// A provider without an id, or a request that lacks it, falls back to the
// hash of method, path and body: equal bytes give equal keys, any change
// gives another.
func TestDeliveryIDFallsBackToBodyKey(t *testing.T) {
	base := DeliveryID("", req("POST", "/hooks/x?a=1", `{"n":1}`))
	if !strings.HasPrefix(base, BodyKeyPrefix) || len(base) != len(BodyKeyPrefix)+32 {
		t.Fatalf("key = %q, want %s and 32 hex digits", base, BodyKeyPrefix)
	}
	same := []*Request{
		req("POST", "/hooks/x?a=1", `{"n":1}`, "X-Other", "headers do not count"),
		req("post", "https://abc.ngrok.app/hooks/x?a=1", `{"n":1}`),
	}
	for _, r := range same {
		if got := DeliveryID("", r); got != base {
			t.Errorf("%s %s: key %q, want %q", r.Method, r.URL, got, base)
		}
	}
	other := []*Request{
		req("PUT", "/hooks/x?a=1", `{"n":1}`),
		req("POST", "/hooks/x?a=2", `{"n":1}`),
		req("POST", "/hooks/y?a=1", `{"n":1}`),
		req("POST", "/hooks/x?a=1", `{"n":2}`),
	}
	for _, r := range other {
		if got := DeliveryID("", r); got == base {
			t.Errorf("%s %s %s: same key as the original", r.Method, r.URL, r.Body)
		}
	}
	// A known provider whose request carries no id: GitHub without its
	// header, a Slack slash command (a form, no event_id).
	if got := DeliveryID(GitHub, req("POST", "/hooks/x?a=1", `{"n":1}`)); got != base {
		t.Errorf("github without X-GitHub-Delivery: %q, want the body key %q", got, base)
	}
	if got := DeliveryID(Slack, req("POST", "/slack", "command=%2Fweather&text=")); !strings.HasPrefix(got, BodyKeyPrefix) {
		t.Errorf("slash command: %q, want a body key", got)
	}
	if got := DeliveryID(Stripe, req("POST", "/stripe", `{"id":"cus_123","object":"customer"}`)); !strings.HasPrefix(got, BodyKeyPrefix) {
		t.Errorf("stripe body without an evt_ id: %q, want a body key", got)
	}
}

// A hostile id is capped: replaced by its hash, which still matches the
// same id sent again.
func TestDeliveryIDCapsLength(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	a := DeliveryID(GitHub, req("POST", "/", "", "X-GitHub-Delivery", long))
	b := DeliveryID(GitHub, req("POST", "/", "", "X-GitHub-Delivery", long))
	c := DeliveryID(GitHub, req("POST", "/", "", "X-GitHub-Delivery", long+"y"))
	if len(a) > len("github:")+MaxDeliveryIDLen || !strings.HasPrefix(a, "github:sha256:") {
		t.Fatalf("id = %.80q (len %d), want github:sha256:…", a, len(a))
	}
	if a != b || a == c {
		t.Errorf("capped ids: same input %q vs %q, other input %q", a, b, c)
	}
	if got := DeliveryID(GitHub, nil); got != "" {
		t.Errorf("nil request: %q", got)
	}
}
