package send

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gaff/provider"
	"gaff/storage"
)

// Payload is what an event sends, before signing: each attempt adds the
// subscription's headers and a fresh signature.
type Payload struct {
	Template  string // template it was rendered from; "" for a raw or captured payload
	RequestID int64  // capture it was taken from, 0 if none
	Type      string // event type, matched against a subscription's events; the template name by default
	Method    string // POST when empty
	Headers   storage.Headers
	Body      []byte
}

// RenderTemplate fills t's placeholders for one event at now: fresh ids and
// timestamps. The TUI shows the result for the user to edit before Fire.
func RenderTemplate(t provider.Template, now time.Time) Payload {
	method, pairs, body := provider.Render(t, now)
	h := make(storage.Headers, len(pairs))
	for i, x := range pairs {
		h[i] = storage.Header{Name: x.Name, Value: x.Value}
	}
	return Payload{Template: t.Name, Type: t.Name, Method: method, Headers: h, Body: body}
}

// staleHeaders are dropped from a capture used as a template: headers of
// the hop it arrived on (RFC 9110 §7.6.1, plus what ngrok and proxies
// add), and signatures, which would be stale. Lower case.
var staleHeaders = func() map[string]bool {
	m := map[string]bool{
		"x-forwarded-for": true, "x-forwarded-host": true, "x-forwarded-proto": true, "x-forwarded-port": true,
		"forwarded": true, "x-real-ip": true, "via": true,
		// Signatures of providers gaff cannot sign for: stale just the same.
		"x-twilio-signature": true, "x-zm-signature": true, "x-zm-request-timestamp": true,
		"twitch-eventsub-message-signature": true, "x-signature-ed25519": true, "x-signature-timestamp": true,
		"linear-signature": true, "x-dropbox-signature": true, "x-twitter-webhooks-signature": true,
	}
	for k := range hopByHop {
		m[k] = true
	}
	for _, s := range provider.Schemes() {
		for _, h := range provider.SignatureHeaders(s) {
			m[strings.ToLower(h)] = true
		}
	}
	return m
}()

// CapturePayload uses captured request r as a template: its method, its
// headers minus stale ones (hop-by-hop, proxy, signatures) and its body.
func CapturePayload(r *storage.Request) Payload {
	var h storage.Headers
	for _, x := range r.Headers {
		if !staleHeaders[strings.ToLower(x.Name)] {
			h = append(h, x)
		}
	}
	return Payload{RequestID: r.ID, Type: captureType(r), Method: r.Method, Headers: h, Body: r.Body}
}

// captureType names a capture's event the way templates are named
// (provider.event) when its provider says which event it is.
func captureType(r *storage.Request) string {
	kind := r.Headers.Get("X-GitHub-Event")
	if kind == "" {
		kind = r.Headers.Get("X-Shopify-Topic")
	}
	if kind == "" {
		kind = r.Headers.Get("Shopify-Topic") // Shopify Events
	}
	if kind == "" {
		kind = jsonString(r.Body, "type")
	}
	if kind == "" || r.Provider == "" {
		return kind
	}
	return r.Provider + "." + kind
}

// jsonString is a top-level string field of a JSON object body, or "".
func jsonString(body []byte, field string) string {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return ""
	}
	var s string
	if json.Unmarshal(top[field], &s) != nil {
		return ""
	}
	return s
}

// idHeaders carry a message's id, per scheme: a delivery id receivers use
// to drop duplicates, which must stay the same across retries.
var idHeaders = map[string][]string{
	provider.SchemeGitHub:           {"X-GitHub-Delivery"},
	provider.SchemeShopify:          {"X-Shopify-Webhook-Id"},
	provider.SchemeStandardWebhooks: {"webhook-id", "svix-id"},
	provider.SchemeNone:             {"X-Request-Id"},
}

// messageID picks the id an event keeps across its retries: the one its
// payload already carries (a template's X-GitHub-Delivery, a Stripe
// event's evt_… id) or a fresh one in the scheme's style.
func messageID(scheme string, p Payload) string {
	for _, name := range idHeaders[scheme] {
		if v := p.Headers.Get(name); v != "" {
			return v
		}
	}
	switch scheme {
	case provider.SchemeStandardWebhooks:
		return "msg_" + rand.Text()
	case provider.SchemeStripe:
		if id := jsonString(p.Body, "id"); id != "" {
			return id
		}
	case provider.SchemeSlack:
		if id := jsonString(p.Body, "event_id"); id != "" {
			return id
		}
	}
	return newUUID()
}

// newUUID returns a random (version 4) UUID, the form GitHub and Shopify
// delivery ids take.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}
