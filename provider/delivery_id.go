package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// MaxDeliveryIDLen caps the length in bytes of a delivery id. Real ids are
// UUIDs or short tokens; a longer value (a hostile sender's) is replaced by
// its hash so that it still matches its own repeats without filling an
// index with megabytes.
const MaxDeliveryIDLen = 128

// BodyKeyPrefix starts the delivery id of a request whose provider names
// no delivery: a hash of its method, target and body. Storage counts two
// such requests as one delivery only when they arrive close together
// (storage.BodyKeyWindow).
const BodyKeyPrefix = "body:"

// DeliveryID is the provider's name for the delivery r carries, prefixed
// with the provider ("github:72d3162e-…") so that ids of different
// providers never collide; the same name arrives again when the provider
// retries or the user redelivers. For a request whose provider names no
// delivery it is BodyKeyPrefix and a hash of the method, path with query,
// and body (see ARCHITECTURE.md, "Duplicates").
//
// Like EventName it reads a few headers and, for providers that put the id
// in the body, one bounded scan of it; the fallback hashes the body once.
func DeliveryID(providerID string, r *Request) string {
	if r == nil {
		return ""
	}
	if read := deliveryIDs[providerID]; read != nil {
		if id := strings.TrimSpace(read(r)); id != "" {
			if len(id) > MaxDeliveryIDLen {
				sum := sha256.Sum256([]byte(id))
				id = "sha256:" + hex.EncodeToString(sum[:16])
			}
			return providerID + ":" + id
		}
	}
	return bodyKey(r)
}

// deliveryIDs read each provider's delivery id. Every one of these stays
// the same when the provider retries (the providers' docs are cited in
// docs/providers.md).
var deliveryIDs = map[string]func(*Request) string{
	GitHub:           headerOf("X-GitHub-Delivery"),
	Stripe:           func(r *Request) string { return StripeEventID(jsonDoc(r.Body)) },
	StandardWebhooks: headerOf("Webhook-Id", "Svix-Id"),
	// X-Shopify-Event-Id names the event, the same across the several
	// webhooks Shopify may send for it; X-Shopify-Webhook-Id names one
	// webhook and is what older senders have. Shopify-Webhook-Id is the
	// newer Events deliveries' header.
	Shopify: headerOf("X-Shopify-Event-Id", "X-Shopify-Webhook-Id", "Shopify-Webhook-Id"),
	Twilio:  headerOf("I-Twilio-Idempotency-Token"),
	// Slack's Events API retries carry X-Slack-Retry-Num and the same
	// event_id; interactivity and slash commands have no id.
	Slack:  func(r *Request) string { return jsonFields(jsonDoc(r.Body), "event_id")[0] },
	Linear: headerOf("Linear-Delivery"),
	Twitch: headerOf("Twitch-Eventsub-Message-Id"),
	Jira:   headerOf("X-Atlassian-Webhook-Identifier"),
}

// headerOf reads the first of the headers that is present.
func headerOf(names ...string) func(*Request) string {
	return func(r *Request) string {
		for _, n := range names {
			if v := r.header(n); v != "" {
				return v
			}
		}
		return ""
	}
}

// bodyKey hashes what makes two requests the same request: method, path
// with query (the sender's URL without scheme and host, which a tunnel may
// rewrite) and body. NUL separators keep "a"+"bc" apart from "ab"+"c".
func bodyKey(r *Request) string {
	h := sha256.New()
	h.Write([]byte(r.method()))
	h.Write([]byte{0})
	h.Write([]byte(pathAndQuery(r.URL)))
	h.Write([]byte{0})
	h.Write(r.Body)
	return BodyKeyPrefix + hex.EncodeToString(h.Sum(nil)[:16])
}

// pathAndQuery drops the scheme and host of an absolute URL.
func pathAndQuery(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:]
	}
	return "/"
}
