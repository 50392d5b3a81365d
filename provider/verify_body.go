package provider

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/json"
	"hash"
	"strings"
	"time"
)

// This file holds the schemes that sign the raw body alone, with no
// timestamp header: GitHub, Meta and Jira (WebSub style), Shopify,
// Linear (whose timestamp is in the body), Dropbox and X.

// hubAlgorithms are the WebSub "method=signature" methods gaff checks.
var hubAlgorithms = map[string]func() hash.Hash{
	"sha1":   sha1.New,
	"sha256": sha256.New,
	"sha384": sha512.New384,
	"sha512": sha512.New,
}

// verifyHubSignature checks X-Hub-Signature-256 (GitHub, Meta) and, when
// that is absent, X-Hub-Signature (GitHub's legacy SHA-1, Jira's WebSub
// sha256=…). The SHA-256 header wins when both are present: falling back
// to SHA-1 after a SHA-256 mismatch would let the weaker one decide.
func verifyHubSignature(secret string, r *Request, _ time.Time) Verdict {
	name := "X-Hub-Signature-256"
	if !r.has(name) {
		name = "X-Hub-Signature"
		if !r.has(name) {
			return unsigned()
		}
	}
	if secret == "" {
		return noSecret(name)
	}
	value := r.header(name)
	method, sig, ok := strings.Cut(value, "=")
	if !ok {
		return malformed("%s %q is not method=hexdigest", name, clip(value))
	}
	method = strings.ToLower(strings.TrimSpace(method))
	h, known := hubAlgorithms[method]
	if !known || (name == "X-Hub-Signature-256" && method != "sha256") {
		return malformed("%s uses unknown method %q", name, clip(method))
	}
	match, ok := matchHex(sig, mac(h, []byte(secret), r.Body))
	if !ok {
		return malformed("%s digest is not hex", name)
	}
	if !match {
		return mismatch()
	}
	return valid()
}

// verifyShopify: X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(client secret,
// body)). Shopify Events deliveries carry it as Shopify-Hmac-Sha256, and
// when both are present that one decides, as in @shopify/shopify-api.
func verifyShopify(secret string, r *Request, _ time.Time) Verdict {
	name := ShopifyEventsHmac
	if !r.has(name) {
		name = "X-Shopify-Hmac-Sha256"
	}
	return verifyBodyMAC(secret, r, name, "", matchBase64)
}

// linearTolerance is how far @linear/sdk lets webhookTimestamp be from
// the time of receipt, either way.
const linearTolerance = time.Minute

// verifyLinear: Linear-Signature = hex(HMAC-SHA256(secret, body)), then,
// as @linear/sdk does, the body's webhookTimestamp (Unix milliseconds)
// within a minute of receipt. Only a body whose signature matched is
// parsed, and one without the field is judged by its signature alone, as
// the SDK judges it.
func verifyLinear(secret string, r *Request, now time.Time) Verdict {
	v := verifyBodyMAC(secret, r, "Linear-Signature", "", matchHex)
	if v.Result != Valid {
		return v
	}
	var body struct {
		WebhookTimestamp json.Number `json:"webhookTimestamp"`
	}
	if json.Unmarshal(r.Body, &body) != nil {
		return v
	}
	ms, err := body.WebhookTimestamp.Int64()
	if err != nil || ms == 0 {
		return v
	}
	return checkAge(time.UnixMilli(ms), now, linearTolerance, true)
}

// verifyDropbox: X-Dropbox-Signature = hex(HMAC-SHA256(app secret, body)).
func verifyDropbox(secret string, r *Request, _ time.Time) Verdict {
	return verifyBodyMAC(secret, r, "X-Dropbox-Signature", "", matchHex)
}

// verifyX: x-twitter-webhooks-signature = "sha256=" + base64(HMAC-SHA256(consumer secret, body)).
func verifyX(secret string, r *Request, _ time.Time) Verdict {
	return verifyBodyMAC(secret, r, "X-Twitter-Webhooks-Signature", "sha256=", matchBase64)
}

// verifyMSGraph: Graph change notifications carry no signature; receivers
// compare the clientState they chose at subscription time instead.
func verifyMSGraph(string, *Request, time.Time) Verdict {
	return Verdict{Result: Unsigned, Reason: "Microsoft Graph does not sign notifications; compare the clientState field with the one you subscribed with"}
}

func verifyBodyMAC(secret string, r *Request, name, prefix string, match func(string, []byte) (bool, bool)) Verdict {
	if !r.has(name) {
		return unsigned()
	}
	if secret == "" {
		return noSecret(name)
	}
	value := r.header(name)
	sig, ok := strings.CutPrefix(value, prefix)
	if !ok {
		return malformed("%s %q does not start with %q", name, clip(value), prefix)
	}
	same, ok := match(sig, mac(sha256.New, []byte(secret), r.Body))
	if !ok {
		return malformed("%s %q is not an encoded SHA-256 HMAC", name, clip(value))
	}
	if !same {
		return mismatch()
	}
	return valid()
}
