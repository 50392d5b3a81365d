package provider

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"testing"
	"time"
)

func shopifyMAC(secret, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Shopify Events deliveries spell the headers without X- (shopify-hmac-sha256,
// shopify-topic, …); @shopify/shopify-api reads that family first.
func TestShopifyEventsHeaders(t *testing.T) {
	body := `{"id":820982911946154508,"email":"jon@example.com"}`
	events := req("POST", "/shopify", body,
		"Content-Type", "application/json",
		"shopify-hmac-sha256", shopifyMAC("shpss_events", body),
		"shopify-topic", "orders/create",
		"shopify-shop-domain", "gaff-test-shop.myshopify.com",
		"shopify-api-version", "2025-07",
		"shopify-webhook-id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
		"shopify-event-id", "98880550-7158-44d4-b7cd-2c97c8a091b5")
	if got := Detect(events); got != Shopify {
		t.Errorf("Detect = %q, want shopify", got)
	}
	if v := Verify(Shopify, "shpss_events", events, time.Now()); v.Result != Valid {
		t.Errorf("valid events delivery: %+v", v)
	}
	if v := Verify(Shopify, "other", events, time.Now()); v.Result != Invalid || v.Fault != FaultSignature {
		t.Errorf("wrong secret: %+v, want invalid/signature", v)
	}
	// With both families present the library reads the events one.
	both := withHeaders(events, []HeaderPair{{"X-Shopify-Hmac-Sha256", shopifyMAC("other", body)}})
	if v := Verify(Shopify, "shpss_events", both, time.Now()); v.Result != Valid {
		t.Errorf("both families: %+v, want the events header to decide", v)
	}
	topicOnly := req("POST", "/shopify", body, "shopify-topic", "orders/create")
	if got := Detect(topicOnly); got != Shopify {
		t.Errorf("unsigned events delivery: Detect = %q, want shopify", got)
	}
}
