package provider

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fixtures are the providers' published examples, trimmed to the fields
// that matter plus a few neighbours so the scanner has something to skip.
func TestEventName(t *testing.T) {
	tests := []struct {
		name, provider string
		r              *Request
		want           string
	}{
		// https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request
		{"github pull_request", GitHub, req("POST", "/gh",
			`{"action":"opened","number":2,"pull_request":{"url":"https://api.github.com/repos/Codertocat/Hello-World/pulls/2","id":279147437,"state":"open","title":"Update the README with new information.","user":{"login":"Codertocat","type":"User"}},"repository":{"id":186853002,"name":"Hello-World"}}`,
			"X-GitHub-Event", "pull_request", "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), "pull_request.opened"},
		// https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
		{"github push has no action", GitHub, req("POST", "/gh",
			`{"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"0000000000000000000000000000000000000000","commits":[{"message":"Update README.md","author":{"name":"Codertocat"}}],"head_commit":null}`,
			"X-GitHub-Event", "push"), "push"},
		// https://docs.github.com/en/webhooks/webhook-events-and-payloads#ping
		{"github ping", GitHub, req("POST", "/gh", `{"zen":"Non-blocking is better than blocking.","hook_id":30,"hook":{"type":"Repository","events":["*"]}}`,
			"X-GitHub-Event", "ping"), "ping"},
		// https://docs.github.com/en/webhooks/using-webhooks/creating-webhooks (content type application/x-www-form-urlencoded)
		{"github form content type", GitHub, req("POST", "/gh",
			"payload="+url.QueryEscape(`{"action":"created","issue":{"number":1},"comment":{"body":"You are totally right! I'll get this fixed right away."}}`),
			"Content-Type", "application/x-www-form-urlencoded", "X-GitHub-Event", "issue_comment"), "issue_comment.created"},
		{"github without the event header", GitHub, req("POST", "/gh", `{"action":"opened"}`), ""},

		// https://docs.stripe.com/api/events/object: type comes after data.
		{"stripe", Stripe, req("POST", "/stripe",
			`{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event","api_version":"2019-02-19","created":1686089970,"data":{"object":{"id":"seti_1NG8Du2eZvKYlo2C9XMqbR0x","object":"setup_intent","status":"requires_confirmation","usage":"off_session","metadata":{"type":"not this one"}}},"livemode":false,"pending_webhooks":0,"request":{"id":null,"idempotency_key":null},"type":"setup_intent.created"}`,
			"Stripe-Signature", "t=1686089970,v1=00"), "setup_intent.created"},
		// https://docs.stripe.com/api/events/types#event_types-payment_intent.succeeded
		{"stripe payment_intent", Stripe, req("POST", "/stripe",
			`{
  "id": "evt_3N4QNsEuwdm0l6U90mrpnapl",
  "object": "event",
  "data": {"object": {"id": "pi_3N4QNsEuwdm0l6U90BvTQ3iC", "object": "payment_intent", "amount": 2000, "status": "succeeded"}},
  "type": "payment_intent.succeeded"
}`), "payment_intent.succeeded"},

		// https://docs.slack.dev/apis/events-api/#callback-field and https://docs.slack.dev/reference/events/app_mention
		{"slack event_callback", Slack, req("POST", "/slack",
			`{"token":"XXYYZZ","team_id":"T123ABC456","api_app_id":"A123ABC456","event":{"type":"app_mention","user":"U123ABC456","text":"<@U0LAN0Z89> is it everything a river should be?","ts":"1515449522.000016","channel":"C123ABC456","event_ts":"1515449522000016"},"type":"event_callback","authed_users":["U123ABC456"],"event_id":"Ev123ABC456","event_time":1515449522}`,
			"X-Slack-Request-Timestamp", "1531420618", "X-Slack-Signature", "v0=00"), "app_mention"},
		// https://docs.slack.dev/reference/events/url_verification
		{"slack url_verification", Slack, req("POST", "/slack",
			`{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`), "url_verification"},
		// https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
		{"slack block_actions", Slack, req("POST", "/slack",
			"payload="+url.QueryEscape(`{"type":"block_actions","team":{"id":"T9TK3CUKW","domain":"example"},"user":{"id":"UA8RXUSPL","username":"jtorrance","team_id":"T9TK3CUKW"},"api_app_id":"AABA1ABCD","token":"9s8d9as89d8as9d8as989","container":{"type":"message_attachment","message_ts":"1548261231.000200","attachment_id":1,"channel_id":"CBR2V3XEX","is_ephemeral":false,"is_app_unfurl":false},"trigger_id":"12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3","actions":[{"action_id":"WaXA","block_id":"=qXel","text":{"type":"plain_text","text":"View","emoji":true},"value":"click_me_123","type":"button","action_ts":"1548426417.840180"}]}`),
			"Content-Type", "application/x-www-form-urlencoded"), "block_actions"},
		// https://docs.slack.dev/interactivity/implementing-slash-commands
		{"slack slash command", Slack, req("POST", "/slack",
			"token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&enterprise_id=E0001&enterprise_name=Globular%20Construct%20Inc&channel_id=C2147483705&channel_name=test&user_id=U2147483697&user_name=Steve&command=/weather&text=94070&response_url=https://hooks.slack.com/commands/1234/5678&trigger_id=13345224609.738474920.8088930838d88f008e0&api_app_id=A123456",
			"Content-Type", "application/x-www-form-urlencoded"), "/weather"},
		{"slack slash command, escaped", Slack, req("POST", "/slack", slackVectorBody), "/webhook-collect"},
		// https://docs.slack.dev/interactivity/implementing-slash-commands#ssl_check
		{"slack ssl_check", Slack, req("POST", "/slack", "ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO"), "ssl_check"},

		// https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook
		{"shopify", Shopify, req("POST", "/shop", `{"id":820982911946154508,"email":"jon@example.com"}`,
			"X-Shopify-Topic", "orders/create", "X-Shopify-Hmac-Sha256", "XWmrwMey6OsLMeiZKwP4FppHH3cmAiiJJAweH5Jo4bM=",
			"X-Shopify-Shop-Domain", "johns-apparel.myshopify.com", "X-Shopify-API-Version", "2025-07"), "orders/create"},
		{"shopify without X-", Shopify, req("POST", "/shop", `{}`, "Shopify-Topic", "products/update"), "products/update"},

		// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#payload-structure
		{"standard webhooks", StandardWebhooks, req("POST", "/sw",
			`{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1f81eb52-5198-4599-803e-771906343485","type":"contact"}}`,
			"webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "webhook-timestamp", "1674087231", "webhook-signature", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="), "contact.created"},
		// https://docs.svix.com/receiving/introduction (Svix's example event)
		{"svix", StandardWebhooks, req("POST", "/svix", `{"data":{"id":"invoice_WF7WtCLFFtd8ubcTgboSFNql","status":"paid"},"type":"invoice.paid"}`,
			"svix-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "svix-timestamp", "1674087231"), "invoice.paid"},

		// https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
		{"twilio message status", Twilio, req("POST", "/sms",
			"AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&ApiVersion=2010-04-01&From=%2B15017122661&MessageSid=SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&MessageStatus=delivered&SmsSid=SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&SmsStatus=delivered&To=%2B15558675310",
			"X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), "message.delivered"},
		// https://www.twilio.com/docs/messaging/guides/webhook-request
		{"twilio incoming message", Twilio, req("POST", "/sms",
			"ToCountry=US&ToState=CA&SmsMessageSid=SM1342fe1b2c904d1ab04f0fc7a58abca9&NumMedia=0&SmsSid=SM1342fe1b2c904d1ab04f0fc7a58abca9&SmsStatus=received&Body=Hello&FromCountry=US&To=%2B15557122661&NumSegments=1&MessageSid=SM1342fe1b2c904d1ab04f0fc7a58abca9&AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&From=%2B14017122661&ApiVersion=2010-04-01"), "message.received"},
		// https://www.twilio.com/docs/usage/webhooks/voice-webhooks#call-status-callbacks
		{"twilio call status", Twilio, req("POST", "/voice",
			"Called=%2B15558675310&CallStatus=completed&CallDuration=42&Direction=outbound-api&CallSid=CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&ApiVersion=2010-04-01"), "call.completed"},
		// https://www.twilio.com/docs/usage/webhooks/voice-webhooks#incoming-voice-call, configured for GET
		{"twilio incoming call by GET", Twilio, req("GET",
			"/voice?CallSid=CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&From=%2B14158675309&To=%2B15558675310&CallStatus=ringing&ApiVersion=2010-04-01&Direction=inbound", ""), "call.ringing"},
		// https://www.twilio.com/docs/usage/webhooks/voice-webhooks#recording-status-callbacks
		{"twilio recording status", Twilio, req("POST", "/rec",
			"AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&CallSid=CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&RecordingSid=REXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2F2010-04-01%2FAccounts%2FAC%2FRecordings%2FRE&RecordingStatus=completed&RecordingDuration=42&RecordingChannels=1&RecordingSource=DialVerb"), "recording.completed"},

		// https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#processing-an-event
		{"twitch notification", Twitch, req("POST", "/twitch",
			`{"subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"enabled","type":"channel.follow","version":"2","cost":0,"condition":{"broadcaster_user_id":"1337","moderator_user_id":"1337"},"transport":{"method":"webhook","callback":"https://example.com/webhooks/callback"},"created_at":"2019-11-16T10:11:12.634234626Z"},"event":{"user_id":"1234","user_login":"cool_user","broadcaster_user_id":"1337","followed_at":"2020-07-15T18:16:11.17106713Z"}}`,
			"Twitch-Eventsub-Message-Id", "befa7b53-d79d-478f-86b9-120f112b044e", "Twitch-Eventsub-Message-Type", "notification",
			"Twitch-Eventsub-Subscription-Type", "channel.follow"), "channel.follow"},
		// https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#responding-to-a-challenge-request
		{"twitch verification", Twitch, req("POST", "/twitch",
			`{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"webhook_callback_verification_pending","type":"channel.follow","version":"1"}}`,
			"Twitch-Eventsub-Message-Type", "webhook_callback_verification"), "webhook_callback_verification"},
		// https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#revoking-your-subscription
		{"twitch revocation", Twitch, req("POST", "/twitch",
			`{"subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"authorization_revoked","type":"channel.follow","version":"1"}}`,
			"Twitch-Eventsub-Message-Type", "revocation"), "revocation"},
		{"twitch by header alone", Twitch, req("POST", "/twitch", ``,
			"Twitch-Eventsub-Message-Type", "notification", "Twitch-Eventsub-Subscription-Type", "stream.online"), "stream.online"},

		// https://linear.app/developers/webhooks#the-webhook-payload
		{"linear", Linear, req("POST", "/linear",
			`{"action":"create","actor":{"id":"2e6eea91-1111-0000-9486-acea0603064d","type":"user","name":"Linear app"},"createdAt":"2020-01-23T12:53:18.084Z","data":{"id":"2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9","title":"Test issue","team":{"key":"ENG"}},"url":"https://linear.app/issue/LIN-1778/foo-bar","type":"Issue","organizationId":"1e2b9b60-4f1f-4f1e-8e76-1a2b3c4d5e6f","webhookTimestamp":1676056940508,"webhookId":"000042e3-d123-4980-b49f-8e140eef9329"}`,
			"Linear-Event", "Issue", "Linear-Delivery", "234d1a4e-b617-4388-90fe-adc3633d6b72"), "Issue.create"},

		// https://discord.com/developers/docs/interactions/application-commands#slash-commands-example-interaction
		{"discord application command", Discord, req("POST", "/interactions",
			`{"type":2,"token":"A_UNIQUE_TOKEN","member":{"user":{"id":"53908232506183680","username":"Mason"},"roles":["539082325061836999"]},"id":"786008729715212338","guild_id":"290926798626357999","data":{"options":[{"type":3,"name":"cardname","value":"The Gitrog Monster"}],"type":1,"name":"cardsearch","id":"771825006014889984"},"channel_id":"645027906669510667"}`,
			"X-Signature-Ed25519", "00", "X-Signature-Timestamp", "1700000000"), "APPLICATION_COMMAND"},
		// https://discord.com/developers/docs/interactions/receiving-and-responding#receiving-an-interaction
		{"discord ping", Discord, req("POST", "/interactions", `{"type":1}`, "X-Signature-Ed25519", "00"), "PING"},
		{"discord modal submit", Discord, req("POST", "/interactions", `{"type":5,"data":{"custom_id":"my_modal"}}`), "MODAL_SUBMIT"},
		// https://discord.com/developers/docs/events/webhook-events#application-authorized
		{"discord webhook event", Discord, req("POST", "/events",
			`{"version":1,"application_id":"1234560123453231555","type":1,"event":{"type":"APPLICATION_AUTHORIZED","timestamp":"2024-10-18T14:42:53.064834","data":{"integration_type":1,"scopes":["applications.commands"],"user":{"id":"111"}}}}`), "APPLICATION_AUTHORIZED"},
		// https://discord.com/developers/docs/events/webhook-events#responding-to-ping-events
		{"discord webhook ping", Discord, req("POST", "/events", `{"version":1,"application_id":"1234560123453231555","type":0}`), "PING"},
		{"discord unknown type", Discord, req("POST", "/interactions", `{"type":99}`), ""},

		// https://developer.atlassian.com/server/jira/platform/webhooks/#example-callback-for-an-issue-related-event
		{"jira", Jira, req("POST", "/jira",
			`{"timestamp":1525698237764,"webhookEvent":"jira:issue_updated","issue_event_type_name":"issue_generic","user":{"name":"admin"},"issue":{"id":"10000","key":"TEST-1"},"changelog":{"items":[{"field":"status"}]}}`,
			"X-Atlassian-Webhook-Identifier", "1234567890"), "jira:issue_updated"},

		// https://developers.zoom.us/docs/api/meetings/events/#tag/meeting/POSTmeeting.started
		{"zoom", Zoom, req("POST", "/zoom",
			`{"event":"meeting.started","event_ts":1626230691572,"payload":{"account_id":"AAAAAABBBB","object":{"id":"1234567890","uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"x1yCzABCDEfg23HiJKl4mN","topic":"My Meeting","type":8}}}`,
			"x-zm-request-timestamp", "1626230691", "x-zm-signature", "v0=00"), "meeting.started"},
		// https://developers.zoom.us/docs/api/webhooks/#validate-your-webhook-endpoint
		{"zoom url validation", Zoom, req("POST", "/zoom",
			`{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}`), "endpoint.url_validation"},

		// https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#text-messages
		{"meta whatsapp", Meta, req("POST", "/meta",
			`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"messages":[{"from":"16315551181","id":"wamid.ABGGFlA5Fpa","timestamp":"1504902988","type":"text","text":{"body":"this is a text message"}}]},"field":"messages"}]}]}`,
			"X-Hub-Signature-256", "sha256=00"), "whatsapp_business_account.messages"},
		// https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications
		{"meta page feed", Meta, req("POST", "/meta",
			`{"entry":[{"time":1520383571,"changes":[{"field":"feed","value":{"item":"status","verb":"add"}},{"field":"photos"}],"id":"0"}],"object":"page"}`), "page.feed"},
		// https://developers.facebook.com/docs/messenger-platform/webhooks#event-notifications: messaging, no changes
		{"meta messenger", Meta, req("POST", "/meta",
			`{"object":"page","entry":[{"id":"1234567","time":1458692752478,"messaging":[{"sender":{"id":"7654321"},"recipient":{"id":"1234567"},"timestamp":1458692752478,"message":{"mid":"mid.1457764197618:41d102a3e1ae206a38","text":"hello, world!"}}]}]}`), "page"},

		// https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks#change-notification-example
		{"graph change", MSGraph, req("POST", "/graph",
			`{"value":[{"id":"lsgTZMr9KwAAA","subscriptionId":"{subscription_guid}","subscriptionExpirationDateTime":"2016-03-19T22:11:09.952Z","clientState":"secretClientValue","changeType":"created","resource":"users/{user_guid}@{tenant_guid}/messages/{long_id_string}","tenantId":"84bd8158-6d4d-4958-8b9f-9d6445542f95","resourceData":{"@odata.type":"#Microsoft.Graph.Message","@odata.id":"Users/{user_guid}@{tenant_guid}/Messages/{long_id_string}","@odata.etag":"W/\"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf\"","id":"{long_id_string}"}}]}`), "Message.created"},
		// https://learn.microsoft.com/en-us/graph/change-notifications-lifecycle-events#reauthorizationrequired-notification-payload-example
		{"graph lifecycle", MSGraph, req("POST", "/graph",
			`{"value":[{"lifecycleEvent":"reauthorizationRequired","subscriptionId":"e3898f08-5cd0-4a6a-80fc-6addbfb73b7b","subscriptionExpirationDateTime":"2019-09-18T00:52:45.9696658+00:00","clientState":"{secret client state}","tenantId":"84bd8158-6d4d-4958-8b9f-9d6445542f95"}]}`), "reauthorizationRequired"},
		{"graph change without resource data", MSGraph, req("POST", "/graph", `{"value":[{"subscriptionId":"7f105c7d","changeType":"updated","resource":"Users/1/Messages/2"}]}`), "updated"},
		{"graph validation has no body", MSGraph, req("POST", "/graph?validationToken=Validation%3a+Testing", ""), ""},

		{"unknown provider", "", req("POST", "/x", `{"type":"user.created"}`, "X-GitHub-Event", "push"), ""},
		{"template provider", "acme", req("POST", "/x", `{"type":"user.created"}`), ""},
		{"provider without event names", Dropbox, req("POST", "/dropbox", `{"list_folder":{"accounts":["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]}}`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EventName(tt.provider, tt.r); got != tt.want {
				t.Errorf("EventName(%q) = %q, want %q", tt.provider, got, tt.want)
			}
		})
	}
}

// Bodies that are not what they claim give no name, or the name that came
// before the break, and never a panic.
func TestEventNameMalformed(t *testing.T) {
	tests := []struct {
		name, provider, body, want string
	}{
		{"empty", Stripe, ``, ""},
		{"not json", Stripe, `<xml>type</xml>`, ""},
		{"array", Stripe, `[{"type":"a.b"}]`, ""},
		{"cut before the value", Stripe, `{"id":"evt_1","type":`, ""},
		{"cut inside the value", Stripe, `{"id":"evt_1","type":"payment_in`, ""},
		{"cut after the name", Stripe, `{"type":"payment_intent.succeeded","data":{"object":{"id":"pi_`, "payment_intent.succeeded"},
		{"broken before the name", Stripe, `{"id":"evt_1" "type":"x"}`, ""},
		{"unterminated string skipped", Stripe, `{"data":"abc,"type":"x"}`, ""},
		{"name is a number", Stripe, `{"type":12}`, "12"},
		{"name is an object", Stripe, `{"type":{"a":"b"},"id":"evt"}`, ""},
		{"name is null", Stripe, `{"type":null}`, ""},
		{"control character in the string", Stripe, "{\"type\":\"a\x01b\"}", ""},
		{"escaped name and key", Stripe, `{"\u0074ype":"invoice\u002epaid"}`, "invoice.paid"},
		{"escaped quote before the name", Stripe, `{"data":"say \"type\":\"no\" \\","type":"yes"}`, "yes"},
		{"first of duplicate keys", Stripe, `{"type":"first","type":"second"}`, "first"},
		{"nested name is not top level", Stripe, `{"data":{"type":"inner"}}`, ""},
		{"broken after the names", Meta, `{"object":"page","entry":[{"changes":[{"field":"feed"]}]}`, "page.feed"},
		{"broken before the field", Meta, `{"object":"page","entry":[{"changes":[{"value":{]}],"field":"feed"}]}`, "page"},
		{"bad percent escape", Slack, "command=%zz&text=x", ""},
		{"form without the field", Twilio, "AccountSid=AC1&Body=hi", ""},
		{"discord type as text", Discord, `{"type":"two"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EventName(tt.provider, req("POST", "/", tt.body)); got != tt.want {
				t.Errorf("EventName(%q, %q) = %q, want %q", tt.provider, tt.body, got, tt.want)
			}
		})
	}
	if got := EventName(Stripe, nil); got != "" {
		t.Errorf("nil request: %q", got)
	}
}

// A sender controls the name's length; the cap keeps whole characters.
func TestEventNameCapped(t *testing.T) {
	long := strings.Repeat("é", 200) // 400 bytes
	for _, r := range []*Request{
		req("POST", "/", `{"type":"`+long+`"}`),
		req("POST", "/", `{"type":"`+strings.Repeat(`\u00e9`, 200)+`"}`),
		req("POST", "/", `{"type":"`+strings.Repeat(`\ud83d\ude00`, 200)+`"}`),
		req("POST", "/", `{"type":"`+strings.Repeat("x", 3<<20)+`"}`),
	} {
		got := EventName(Stripe, r)
		if len(got) > MaxEventNameLen || len(got) < MaxEventNameLen-utf8.UTFMax || !utf8.ValidString(got) {
			t.Errorf("name of %d bytes (valid UTF-8 %v): %.20q…", len(got), utf8.ValidString(got), got)
		}
	}
	got := EventName(GitHub, req("POST", "/", `{"action":"opened"}`, "X-GitHub-Event", strings.Repeat("a", 500)))
	if len(got) != MaxEventNameLen {
		t.Errorf("header name: %d bytes", len(got))
	}
}

// A 25 MiB body with the name at its end, and one nested a million deep:
// the scanner neither recurses nor copies.
func TestEventNameHugeBodies(t *testing.T) {
	body := stripeEventOf(25 << 20)
	if got := EventName(Stripe, req("POST", "/", string(body))); got != "invoice.paid" {
		t.Errorf("25 MiB body: %q", got)
	}
	deep := `{"data":` + strings.Repeat(`[{"a":`, 1<<20) + `1` + strings.Repeat(`}]`, 1<<20) + `,"type":"deep.end"}`
	if got := EventName(Stripe, req("POST", "/", deep)); got != "deep.end" {
		t.Errorf("deep body: %q", got)
	}
	unclosed := `{"data":` + strings.Repeat(`[`, 1<<20)
	if got := EventName(Stripe, req("POST", "/", unclosed)); got != "" {
		t.Errorf("unclosed body: %q", got)
	}
}

// The work on a large body is a scan: allocations stay a handful, whatever
// the size. (Counts, not timings: the machine is shared.)
func TestEventNameAllocs(t *testing.T) {
	r := req("POST", "/", string(stripeEventOf(2<<20)))
	if n := testing.AllocsPerRun(5, func() { EventName(Stripe, r) }); n > 8 {
		t.Errorf("%v allocations for a 2 MB body", n)
	}
	slack := req("POST", "/", `{"event":{"type":"message","text":"`+strings.Repeat("x", 2<<20)+`"},"type":"event_callback"}`)
	if n := testing.AllocsPerRun(5, func() { EventName(Slack, slack) }); n > 8 {
		t.Errorf("%v allocations for a 2 MB Slack event", n)
	}
}

// stripeEventOf builds a Stripe-shaped event of about size bytes whose type
// comes last, after a data object full of strings, numbers and nesting.
func stripeEventOf(size int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"id":"evt_1","object":"event","data":{"object":{"lines":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":"il_1","amount":1500,"description":"a \"quoted\" line \\ with escapes","metadata":{"type":"not this"},"period":[1,2,3]}`)
	}
	b.WriteString(`]}},"type":"invoice.paid"}`)
	return b.Bytes()
}

func BenchmarkEventName2MB(b *testing.B) {
	r := req("POST", "/", string(stripeEventOf(2<<20)))
	b.SetBytes(int64(len(r.Body)))
	b.ReportAllocs()
	for b.Loop() {
		EventName(Stripe, r)
	}
}

func FuzzEventName(f *testing.F) {
	f.Add(Stripe, `{"type":"payment_intent.succeeded"}`, "")
	f.Add(Slack, `{"type":"event_callback","event":{"type":"app_mention"}}`, "")
	f.Add(Slack, "payload=%7B%22type%22%3A%22block_actions%22%7D", "")
	f.Add(Twilio, "MessageStatus=delivered", "")
	f.Add(Meta, `{"object":"page","entry":[{"changes":[{"field":"feed"}]}]}`, "")
	f.Add(MSGraph, `{"value":[{"changeType":"created","resourceData":{"@odata.type":"#Microsoft.Graph.Message"}}]}`, "")
	f.Add(Discord, `{"type":2}`, "")
	f.Add(GitHub, `{"action":"opened"}`, "pull_request")
	f.Add(Twitch, `{"subscription":{"type":"channel.follow"}}`, "notification")
	f.Add(Stripe, `{"type":"\ud800`, "")
	f.Fuzz(func(t *testing.T, provider, body, header string) {
		r := req("POST", "/?CallStatus=ringing", body, "X-GitHub-Event", header, "Twitch-Eventsub-Message-Type", header, "X-Shopify-Topic", header)
		if got := EventName(provider, r); len(got) > MaxEventNameLen {
			t.Fatalf("%d-byte name", len(got))
		}
	})
}

// FuzzJSONFields checks the scanner against encoding/json on valid JSON:
// the first top-level "type" reads the same, cut to the same length.
func FuzzJSONFields(f *testing.F) {
	f.Add(`{"type":"payment_intent.succeeded"}`)
	f.Add(`{"data":{"type":"inner","list":[1,"two",{"three":[]}]},"type":"outer"}`)
	f.Add(`{"\u0074ype":"a\u002eb\n\"c\"","type":"second"}`)
	f.Add(`{"type":-1.5e3}`)
	f.Add(`{"type":"\ud83d\ude00\u00e9` + strings.Repeat("x", 120) + `"}`)
	f.Add(`{"a":"\\\\\"","type":"\\"}`)
	f.Add(`{"type":"` + "\xff\xfe" + `"}`)
	f.Fuzz(func(t *testing.T, doc string) {
		want, ok := firstTopLevelType([]byte(doc))
		if !ok {
			return
		}
		if got := capName(jsonFields([]byte(doc), "type")[0]); got != capName(want) {
			t.Fatalf("scanner %q, encoding/json %q", got, capName(want))
		}
	})
}

// firstTopLevelType reads the first top-level "type" member of a valid JSON
// object with encoding/json: its text when a string, its digits when a
// number, "" otherwise.
func firstTopLevelType(doc []byte) (string, bool) {
	if !json.Valid(doc) {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if tok, _ := dec.Token(); tok != json.Delim('{') {
		return "", false
	}
	for dec.More() {
		key, _ := dec.Token()
		var v any
		if err := dec.Decode(&v); err != nil {
			return "", false
		}
		if key != "type" {
			continue
		}
		switch v := v.(type) {
		case string:
			return v, true
		case json.Number:
			return string(v), true
		}
		return "", true
	}
	return "", true
}

func TestStripeEventID(t *testing.T) {
	for body, want := range map[string]string{
		`{"id":"evt_1QWalk","object":"event","data":{"object":{"id":"pi_3"}}}`: "evt_1QWalk",
		`{"object":"event","data":{"object":{"id":"evt_nested"}}}`:             "",
		`{"id":"pi_3Walk"}`: "",
		`not json`:          "",
		`{"id":"evt_` + strings.Repeat("x", 200) + `"}`: "",
	} {
		if got := StripeEventID([]byte(body)); got != want {
			t.Errorf("StripeEventID(%.40q) = %q, want %q", body, got, want)
		}
	}
}
