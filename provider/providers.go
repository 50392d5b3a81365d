package provider

// Provider IDs, as stored in the capture's provider column and printed in
// JSON output. They are a contract: never rename one.
const (
	GitHub           = "github"
	Stripe           = "stripe"
	Slack            = "slack"
	Shopify          = "shopify"
	StandardWebhooks = "standard-webhooks"
	Twilio           = "twilio"
	Zoom             = "zoom"
	Twitch           = "twitch"
	Meta             = "meta"
	MSGraph          = "msgraph"
	Dropbox          = "dropbox"
	Discord          = "discord"
	Linear           = "linear"
	X                = "x"
	Jira             = "jira"
)

var providerNames = []struct{ id, name string }{
	{GitHub, "GitHub"},
	{Stripe, "Stripe"},
	{Slack, "Slack"},
	{Shopify, "Shopify"},
	{StandardWebhooks, "Standard Webhooks"},
	{Twilio, "Twilio"},
	{Zoom, "Zoom"},
	{Twitch, "Twitch"},
	{Meta, "Meta"},
	{MSGraph, "Microsoft Graph"},
	{Dropbox, "Dropbox"},
	{Discord, "Discord"},
	{Linear, "Linear"},
	{X, "X"},
	{Jira, "Jira"},
}

// IDs lists every provider Detect can return, in display order.
func IDs() []string {
	ids := make([]string, len(providerNames))
	for i, p := range providerNames {
		ids[i] = p.id
	}
	return ids
}

// Name is the display name of a provider ID; an unknown ID is returned as
// is so that user-defined template providers still show something.
func Name(id string) string {
	for _, p := range providerNames {
		if p.id == id {
			return p.name
		}
	}
	return id
}

// DefaultScheme is the signing scheme that reproduces a provider's
// signature, or SchemeNone when gaff cannot sign like that provider. A
// re-signer of replays uses it to pick the scheme for a capture.
func DefaultScheme(providerID string) string {
	switch providerID {
	case GitHub, Stripe, Slack, Shopify, StandardWebhooks:
		return providerID
	}
	return SchemeNone
}
