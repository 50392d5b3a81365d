package provider

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"
)

// Signing schemes, as accepted by --scheme. A contract: never rename one.
const (
	SchemeGitHub           = "github"
	SchemeStripe           = "stripe"
	SchemeSlack            = "slack"
	SchemeStandardWebhooks = "standard-webhooks"
	SchemeShopify          = "shopify"
	SchemeNone             = "none"
)

// Schemes lists the signing schemes Sign accepts.
func Schemes() []string {
	return []string{SchemeGitHub, SchemeStripe, SchemeSlack, SchemeStandardWebhooks, SchemeShopify, SchemeNone}
}

// SignInput is what a signature covers.
type SignInput struct {
	Body   []byte
	Secret string
	Now    time.Time // the signed timestamp, for schemes that have one
	ID     string    // message id (Standard Webhooks); a fresh msg_… id when empty
}

// ShopifyEventsHmac is the signature header of Shopify Events deliveries,
// whose headers drop the X- of Shopify's webhook headers.
const ShopifyEventsHmac = "Shopify-Hmac-Sha256"

// SignatureHeaders names the headers a scheme sets, plus aliases of them
// (Svix's svix-* family) that a re-signer must drop so no stale signature
// rides along with the fresh one.
func SignatureHeaders(scheme string) []string {
	switch scheme {
	case SchemeGitHub:
		return []string{"X-Hub-Signature-256", "X-Hub-Signature"}
	case SchemeStripe:
		return []string{"Stripe-Signature"}
	case SchemeSlack:
		return []string{"X-Slack-Request-Timestamp", "X-Slack-Signature"}
	case SchemeStandardWebhooks:
		return []string{"webhook-id", "webhook-timestamp", "webhook-signature", "svix-id", "svix-timestamp", "svix-signature"}
	case SchemeShopify:
		return []string{"X-Shopify-Hmac-Sha256", ShopifyEventsHmac}
	}
	return nil
}

// Sign computes the headers that make in.Body carry a valid signature under
// scheme, in the order to set them; existing headers of the same names must
// be replaced, not added to.
func Sign(scheme string, in SignInput) ([]HeaderPair, error) {
	if scheme == SchemeNone {
		return nil, nil
	}
	if !isScheme(scheme) {
		return nil, unknownSchemeError(scheme)
	}
	if in.Secret == "" {
		return nil, fmt.Errorf("signing with %s needs a secret; pass one (--secret) or make one with GenerateSecret, or use scheme none", scheme)
	}
	unix := strconv.FormatInt(in.Now.Unix(), 10)
	switch scheme {
	case SchemeGitHub:
		return []HeaderPair{
			{"X-Hub-Signature-256", "sha256=" + hexMAC(sha256.New, []byte(in.Secret), in.Body)},
			// GitHub still sends the SHA-1 header; old receivers check only it.
			{"X-Hub-Signature", "sha1=" + hexMAC(sha1.New, []byte(in.Secret), in.Body)},
		}, nil
	case SchemeStripe:
		// Stripe keys the HMAC with the whole whsec_… string, not a decoding of it.
		return []HeaderPair{{"Stripe-Signature", "t=" + unix + ",v1=" + hexMAC(sha256.New, []byte(in.Secret), []byte(unix), []byte("."), in.Body)}}, nil
	case SchemeSlack:
		return []HeaderPair{
			{"X-Slack-Request-Timestamp", unix},
			{"X-Slack-Signature", "v0=" + hexMAC(sha256.New, []byte(in.Secret), []byte("v0:"+unix+":"), in.Body)},
		}, nil
	case SchemeStandardWebhooks:
		key, err := standardWebhooksKey(in.Secret)
		if err != nil {
			return nil, err
		}
		id := in.ID
		if id == "" {
			id = "msg_" + randomFrom(alnumChars, 27)
		}
		sig := b64MAC(sha256.New, key, []byte(id+"."+unix+"."), in.Body)
		return []HeaderPair{
			{"webhook-id", id},
			{"webhook-timestamp", unix},
			{"webhook-signature", "v1," + sig},
		}, nil
	case SchemeShopify:
		return []HeaderPair{{"X-Shopify-Hmac-Sha256", b64MAC(sha256.New, []byte(in.Secret), in.Body)}}, nil
	}
	return nil, unknownSchemeError(scheme)
}

func isScheme(s string) bool {
	for _, x := range Schemes() {
		if x == s {
			return true
		}
	}
	return false
}

// standardWebhooksKey decodes a Standard Webhooks secret: whsec_ followed by
// standard padded base64 of the key. The prefix is optional, as in the
// reference libraries.
func standardWebhooksKey(secret string) ([]byte, error) {
	raw := strings.TrimPrefix(strings.TrimSpace(secret), "whsec_")
	key, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, fmt.Errorf("standard-webhooks secret is not whsec_ followed by base64 (%v); copy it exactly from the sender, or make one with GenerateSecret(\"standard-webhooks\")", err)
	}
	if len(key) == 0 {
		return nil, errors.New("standard-webhooks secret decodes to an empty key; copy it exactly from the sender")
	}
	return key, nil
}

func mac(h func() hash.Hash, key []byte, parts ...[]byte) []byte {
	m := hmac.New(h, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

func hexMAC(h func() hash.Hash, key []byte, parts ...[]byte) string {
	return hex.EncodeToString(mac(h, key, parts...))
}

func b64MAC(h func() hash.Hash, key []byte, parts ...[]byte) string {
	return base64.StdEncoding.EncodeToString(mac(h, key, parts...))
}
