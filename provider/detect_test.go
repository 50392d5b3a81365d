package provider

import (
	"strings"
	"testing"
)

// Header sets as the providers send them (values shortened).
func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		r    *Request
		want string
	}{
		{"github push", req("POST", "/gh", `{"ref":"refs/heads/main"}`, "Accept", "*/*", "Content-Type", "application/json",
			"User-Agent", "GitHub-Hookshot/044aadd", "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958",
			"X-GitHub-Event", "push", "X-GitHub-Hook-ID", "292430182", "X-Hub-Signature-256", "sha256=d57c68ca6f92289e6987922ff26938930f6e66a2d161ef06abdf1859230aa23c"), GitHub},
		{"github by user agent only", req("POST", "/gh", `{}`, "User-Agent", "GitHub-Hookshot/044aadd"), GitHub},
		{"stripe", req("POST", "/stripe", `{"id":"evt_1","object":"event"}`, "Content-Type", "application/json; charset=utf-8",
			"User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)", "Stripe-Signature", "t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"), Stripe},
		{"stripe unsigned, by user agent", req("POST", "/stripe", `{}`, "User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)"), Stripe},
		{"slack events", req("POST", "/slack", `{"type":"event_callback"}`, "User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)",
			"X-Slack-Request-Timestamp", "1531420618", "X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"), Slack},
		{"slack url_verification, no headers", req("POST", "/slack", `{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`), Slack},
		{"slack ssl_check", req("POST", "/slack", "ssl_check=1&token=abc"), Slack},
		{"slack slash command, no headers", req("POST", "/slack", slackVectorBody), Slack},
		{"shopify", req("POST", "/shop", `{"id":820982911946154508}`, "X-Shopify-Topic", "orders/create",
			"X-Shopify-Hmac-Sha256", "XWmrwMey6OsLMeiZKwP4FppHH3cmAiiJJAweH5Jo4bM=", "X-Shopify-Shop-Domain", "johns-apparel.myshopify.com",
			"X-Shopify-API-Version", "2025-07", "X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"), Shopify},
		{"standard webhooks", req("POST", "/sw", `{"type":"user.created"}`, "webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
			"webhook-timestamp", "1674087231", "webhook-signature", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="), StandardWebhooks},
		{"svix", req("POST", "/svix", `{}`, "svix-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "svix-timestamp", "1674087231",
			"svix-signature", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="), StandardWebhooks},
		{"twilio", req("POST", "/sms", "ToCountry=US&SmsSid=SM1&AccountSid=AC1&MessageSid=SM1&Body=hi",
			"Content-Type", "application/x-www-form-urlencoded", "User-Agent", "TwilioProxy/1.1", "X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Twilio},
		{"twilio unsigned form", req("POST", "/sms", "ToCountry=US&AccountSid=AC0123&MessageSid=SM1&Body=hi"), Twilio},
		{"zoom", req("POST", "/zoom", `{"event":"meeting.started"}`, "User-Agent", "Zoom Marketplace/1.0a",
			"x-zm-request-timestamp", "1654503849", "x-zm-signature", "v0=a05d830fa017433bc47887f835a00b9ff33d3882f22f63a2986a8c5ef59b8a3f"), Zoom},
		{"zoom url validation, no headers", req("POST", "/zoom", `{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}`), Zoom},
		{"twitch", req("POST", "/twitch", `{}`, "Twitch-Eventsub-Message-Id", "e76c6bd4-55c9-4987-8304-da1588d8988b",
			"Twitch-Eventsub-Message-Type", "notification", "Twitch-Eventsub-Message-Signature", "sha256=00"), Twitch},
		{"meta with facebook user agent", req("POST", "/meta", `{"object":"page","entry":[]}`, "User-Agent", "facebookexternalua",
			"X-Hub-Signature-256", "sha256=00", "X-Hub-Signature", "sha1=00"), Meta},
		{"meta by body shape", req("POST", "/meta", `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}]}`,
			"X-Hub-Signature-256", "sha256=00"), Meta},
		{"meta verification GET", req("GET", "/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock", ""), Meta},
		{"graph validation", req("POST", "/graph?validationToken=Validation%3a+Testing", "", "Content-Type", "text/plain"), MSGraph},
		{"graph notification", req("POST", "/graph", `{"value":[{"subscriptionId":"7f105c7d","clientState":"s","changeType":"created","resource":"Users/1/Messages/2"}]}`), MSGraph},
		{"dropbox signed", req("POST", "/dropbox", `{"list_folder":{"accounts":["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]}}`,
			"X-Dropbox-Signature", "1b5f4a7b0ad5e2ab"), Dropbox},
		{"dropbox challenge", req("GET", "/dropbox?challenge=KZN8QmbrHHhpJ9vDi8wOP9p8Ar0", ""), Dropbox},
		{"discord", req("POST", "/interactions", `{"type":1}`, "X-Signature-Ed25519", "00", "X-Signature-Timestamp", "1700000000"), Discord},
		{"linear", req("POST", "/linear", `{"action":"create","type":"Issue"}`, "Linear-Delivery", "234d1a4e-b617-4388-90fe-adc3633d6b72",
			"Linear-Event", "Issue", "Linear-Signature", "766e1d90a96e2f5ecec342a99c5552999dd95d49250171b902d703fd674f5086", "User-Agent", "Linear-Webhook"), Linear},
		{"x crc", req("GET", "/x?crc_token=challenge_string&nonce=MTU0", ""), X},
		{"x event", req("POST", "/x", `{"for_user_id":"1"}`, "X-Twitter-Webhooks-Signature", "sha256=AAAA"), X},
		{"jira", req("POST", "/jira", `{"webhookEvent":"jira:issue_created"}`, "X-Atlassian-Webhook-Identifier", "1234567890",
			"User-Agent", "Atlassian Webhook HTTP Client"), Jira},
		{"jira signed, websub header", req("POST", "/jira", `{}`, "User-Agent", "Atlassian Webhook HTTP Client", "X-Hub-Signature", "sha256=00"), Jira},
		{"jira by body shape", req("POST", "/jira", `{"timestamp":1,"webhookEvent":"jira:issue_updated"}`), Jira},
		{"plain curl POST", req("POST", "/hook", `{"hello":"world"}`, "Content-Type", "application/json", "User-Agent", "curl/8.5.0", "Accept", "*/*"), ""},
		{"curl form POST", req("POST", "/hook", "a=1&b=2", "Content-Type", "application/x-www-form-urlencoded", "User-Agent", "curl/8.5.0"), ""},
		{"browser GET", req("GET", "/favicon.ico", "", "User-Agent", "Mozilla/5.0"), ""},
		{"websub signature alone", req("POST", "/hook", `{"a":1}`, "X-Hub-Signature-256", "sha256=00"), ""},
		{"marker beyond the shape window", req("POST", "/hook", `{"pad":"`+strings.Repeat("x", shapeWindow)+`","type":"url_verification","challenge":"c"}`), ""},
		{"empty request", &Request{}, ""},
		{"nil request", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect(tt.r); got != tt.want {
				t.Fatalf("Detect = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNamesAndIDs(t *testing.T) {
	want := map[string]string{GitHub: "GitHub", StandardWebhooks: "Standard Webhooks", MSGraph: "Microsoft Graph", X: "X", "acme": "acme", "": ""}
	for id, name := range want {
		if got := Name(id); got != name {
			t.Errorf("Name(%q) = %q, want %q", id, got, name)
		}
	}
	ids := IDs()
	if len(ids) != 15 {
		t.Fatalf("IDs() has %d entries, want 15: %v", len(ids), ids)
	}
	for _, id := range ids {
		if Name(id) == id && id != X {
			t.Errorf("%s has no display name", id)
		}
	}
	for _, s := range Schemes() {
		if s != SchemeNone && DefaultScheme(s) != s {
			t.Errorf("DefaultScheme(%q) = %q", s, DefaultScheme(s))
		}
	}
	if DefaultScheme(Twilio) != SchemeNone {
		t.Errorf("DefaultScheme(twilio) = %q, want none", DefaultScheme(Twilio))
	}
}
