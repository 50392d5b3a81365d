package ui

import (
	"gaff/provider"
	"gaff/sanitize"
	"gaff/storage"
)

// stripeEventID is the evt_… id of a Stripe event, "" for anything else:
// it is what the Stripe dashboard and `stripe events resend` take, so a
// user looking at a capture can find the same event there.
func stripeEventID(r *storage.Request) string {
	if r.Provider != provider.Stripe {
		return ""
	}
	return sanitize.Line(provider.StripeEventID(r.Body))
}
