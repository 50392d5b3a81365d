package provider

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxEventNameLen caps the length in bytes of a name EventName returns.
// Real event names are well under it; the cap keeps a hostile sender from filling a list row or a database
// column with one.
const MaxEventNameLen = 100

// EventName names the event a webhook carries, from its bytes, the way the
// provider names it: "pull_request.opened", "payment_intent.succeeded",
// "orders/create", "/weather". It returns "" when the provider is unknown
// or the request does not say.
//
// The name comes from the network. It is cut to MaxEventNameLen bytes (on
// a character boundary) and otherwise returned as sent: it may hold control
// characters, escape sequences or, from a header, invalid UTF-8, so every
// display must sanitise it like any other captured text.
//
// It costs at most one pass over the body with no allocation beyond the
// name and the few values it decodes, and stops as soon as it has what it
// needs; a capture cut short still names its event when the name comes
// before the cut. Callers should still compute it once per capture rather
// than on every render.
func EventName(providerID string, r *Request) string {
	if r == nil {
		return ""
	}
	name := eventNamers[providerID]
	if name == nil {
		return ""
	}
	return capName(strings.TrimSpace(name(r)))
}

var eventNamers = map[string]func(*Request) string{
	GitHub:           githubEvent,
	Stripe:           bodyField("type"),
	Slack:            slackEvent,
	Shopify:          shopifyEvent,
	StandardWebhooks: bodyField("type"),
	Twilio:           twilioEvent,
	Twitch:           twitchEvent,
	Linear:           func(r *Request) string { f := jsonFields(jsonDoc(r.Body), "type", "action"); return dotted(f[0], f[1]) },
	Discord:          discordEvent,
	Jira:             bodyField("webhookEvent"),
	Zoom:             bodyField("event"),
	Meta:             metaEvent,
	MSGraph:          graphEvent,
}

// bodyField names events by one member of the JSON body.
func bodyField(path string) func(*Request) string {
	return func(r *Request) string { return jsonFields(jsonDoc(r.Body), path)[0] }
}

// githubEvent: X-GitHub-Event names the event, and the body's action, when
// there is one, says what happened to it (push has none).
func githubEvent(r *Request) string {
	event := strings.TrimSpace(r.header("X-GitHub-Event"))
	if event == "" {
		return ""
	}
	return dotted(event, jsonFields(jsonDoc(r.Body), "action")[0])
}

// slackEvent covers the Events API (JSON; event_callback wraps the event
// whose type matters), interactivity (a form whose payload field is JSON
// with a type such as block_actions) and slash commands (a form whose
// command field is the command typed, such as /weather).
func slackEvent(r *Request) string {
	if doc := jsonDoc(r.Body); doc != nil {
		f := jsonFields(doc, "type", "event.type")
		if f[0] == "event_callback" && f[1] != "" {
			return f[1]
		}
		return f[0]
	}
	if c, ok := formValue(r.Body, "command"); ok {
		return c
	}
	if v, _ := formValue(r.Body, "ssl_check"); v == "1" {
		return "ssl_check"
	}
	return ""
}

func shopifyEvent(r *Request) string {
	if t := r.header("X-Shopify-Topic"); t != "" {
		return t
	}
	return r.header("Shopify-Topic")
}

// twilioStatuses are the form parameters that carry a Twilio callback's
// status, with the noun the name starts with. Twilio's own names for these
// events (its Event Streams types com.twilio.messaging.message.delivered
// and com.twilio.voice.status-callback.call.completed) end in noun.status,
// so that is the name: message.delivered, call.completed. A recording
// callback also carries CallSid, so it is tried before the call status.
var twilioStatuses = []struct{ param, noun string }{
	{"RecordingStatus", "recording"},
	{"CallStatus", "call"},
	{"MessageStatus", "message"},
	{"SmsStatus", "message"}, // incoming messages: SmsStatus=received
}

func twilioEvent(r *Request) string {
	form := r.Body
	if len(form) == 0 { // a webhook configured for GET sends its parameters in the query
		form = []byte(r.rawQuery())
	}
	for _, s := range twilioStatuses {
		if v, ok := formValue(form, s.param); ok && v != "" {
			return s.noun + "." + v
		}
	}
	return ""
}

// twitchEvent: a notification is named by its subscription type; the other
// EventSub messages (webhook_callback_verification, revocation) by their
// message type, so a revocation does not read as one more event.
func twitchEvent(r *Request) string {
	kind := strings.TrimSpace(r.header("Twitch-Eventsub-Message-Type"))
	if kind != "" && kind != "notification" {
		return kind
	}
	if t := jsonFields(jsonDoc(r.Body), "subscription.type")[0]; t != "" {
		return t
	}
	return r.header("Twitch-Eventsub-Subscription-Type")
}

// discordTypes names the numeric type of an interaction (1 to 5) and of a
// webhook event (0 is its PING; its 1, an event, always carries
// event.type, which names it instead).
var discordTypes = []string{"PING", "PING", "APPLICATION_COMMAND", "MESSAGE_COMPONENT", "APPLICATION_COMMAND_AUTOCOMPLETE", "MODAL_SUBMIT"}

func discordEvent(r *Request) string {
	f := jsonFields(jsonDoc(r.Body), "event.type", "type")
	if f[0] != "" {
		return f[0]
	}
	if n, err := strconv.Atoi(f[1]); err == nil && n >= 0 && n < len(discordTypes) {
		return discordTypes[n]
	}
	return ""
}

// metaEvent: object says which product (page, instagram,
// whatsapp_business_account), and the first entry[].changes[].field, where
// the product uses changes, says what changed. Messenger uses messaging
// instead and is named by its object alone.
func metaEvent(r *Request) string {
	var object, field string
	var haveObject bool
	s := jsonScanner{b: jsonDoc(r.Body)}
	s.members(func(key []byte) {
		switch {
		case keyIs(key, "object"):
			object, haveObject = s.str(), true
		case keyIs(key, "entry") && field == "":
			s.elements(func() {
				s.members(func(key []byte) {
					if keyIs(key, "changes") {
						s.elements(func() {
							s.members(func(key []byte) {
								if field == "" && keyIs(key, "field") {
									field = s.str()
								}
							})
							s.halt = field != "" && haveObject
						})
					}
				})
			})
		}
		s.halt = haveObject && field != ""
	})
	if object == "" {
		return ""
	}
	return dotted(object, field)
}

// graphEvent names the first notification of a batch: a lifecycle event
// (reauthorizationRequired, missed, subscriptionRemoved) by itself, a
// change by the resource type and the change: Message.created.
func graphEvent(r *Request) string {
	var f []string
	s := jsonScanner{b: jsonDoc(r.Body)}
	s.members(func(key []byte) {
		if keyIs(key, "value") {
			s.elements(func() {
				f = s.fields("lifecycleEvent", "changeType", "resourceData.@odata.type")
				s.halt = true
			})
		}
	})
	switch {
	case f == nil:
		return ""
	case f[0] != "":
		return f[0]
	case f[1] == "":
		return ""
	}
	typ := f[2][strings.LastIndexByte(f[2], '.')+1:] // "#Microsoft.Graph.Message" → "Message"
	return dotted(strings.TrimPrefix(typ, "#"), f[1])
}

// dotted joins a name and a qualifier the way most providers do
// (pull_request.opened, Issue.create); either may be missing.
func dotted(name, qualifier string) string {
	switch {
	case name == "":
		return qualifier
	case qualifier == "":
		return name
	}
	return name + "." + qualifier
}

func capName(s string) string {
	if len(s) <= MaxEventNameLen {
		return s
	}
	n := MaxEventNameLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// jsonDoc returns the JSON document a body carries: the body itself, or
// the payload field of a form body (GitHub's form content type, Slack's
// interactivity), or nil.
func jsonDoc(body []byte) []byte {
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return t
	}
	if p, ok := formValue(body, "payload"); ok {
		return []byte(p)
	}
	return nil
}

// formValue returns the first value of key in an
// application/x-www-form-urlencoded body. It decodes only that value, so a
// large form costs a scan, not a parse.
func formValue(form []byte, key string) (string, bool) {
	for len(form) > 0 {
		var pair []byte
		pair, form, _ = bytes.Cut(form, []byte("&"))
		k, v, _ := bytes.Cut(pair, []byte("="))
		if bytes.ContainsAny(k, "%+") {
			dk, err := url.QueryUnescape(string(k))
			if err != nil || dk != key {
				continue
			}
		} else if string(k) != key {
			continue
		}
		s, err := url.QueryUnescape(string(v))
		return s, err == nil
	}
	return "", false
}

// StripeEventID is the evt_… id of a Stripe event body, "" for anything
// else. It reads with the same bounded scanner as EventName, so a 25 MiB
// body costs a scan, not a parse.
func StripeEventID(body []byte) string {
	if id := jsonFields(body, "id")[0]; strings.HasPrefix(id, "evt_") && len(id) <= MaxEventNameLen {
		return id
	}
	return ""
}
