package provider

// eventTypeHeaders name the header in which a provider states the event
// type, for the schemes whose receiver libraries refuse a delivery
// without it (octokit/webhooks reads X-GitHub-Event, @shopify/shopify-api
// X-Shopify-Topic), with an example type for messages.
var eventTypeHeaders = map[string]struct{ header, example string }{
	SchemeGitHub:  {"X-GitHub-Event", "push"},
	SchemeShopify: {"X-Shopify-Topic", "orders/create"},
}

// EventTypeHeader is the header scheme's provider names the event type in,
// and an example type; "" when the event type travels in the body.
func EventTypeHeader(scheme string) (header, example string) {
	h := eventTypeHeaders[scheme]
	return h.header, h.example
}

// ReceiverHeaders are the headers besides the signature, the event type
// and the delivery id that scheme's receiver library refuses a delivery
// without, with values for a test shop: @shopify/shopify-api wants the
// shop's domain and the API version.
func ReceiverHeaders(scheme string) []HeaderPair {
	if scheme == SchemeShopify {
		return []HeaderPair{{"X-Shopify-Shop-Domain", "gaff-test-shop.myshopify.com"}, {"X-Shopify-API-Version", "2025-07"}}
	}
	return nil
}
