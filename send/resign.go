package send

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gaff/provider"
	"gaff/storage"
)

// Resign replaces out's signature with a fresh one, signed at now, so that
// a replayed or edited request passes the handler's signature check and its
// timestamp tolerance (Stripe, Slack and Standard Webhooks refuse a
// signature older than five minutes; svix-webhooks#93). The scheme's stale
// signature headers are dropped first, so no old signature rides along.
//
// Standard Webhooks keeps the original message id (webhook-id or svix-id):
// receivers use it to drop duplicates, and a replay is the same message.
// The fresh headers take the place and name spelling of the old ones; a
// capture that carried Svix's svix-* family gets it back, since a receiver
// built on the Svix library may read only those.
func Resign(out *Outbound, providerID, secret string, now time.Time) error {
	if out == nil {
		return errors.New("no request to re-sign")
	}
	if providerID == "" {
		return errors.New("gaff does not know which provider sent this request, so it cannot re-sign it; send it unsigned, or edit the signature header by hand")
	}
	scheme := provider.DefaultScheme(providerID)
	if scheme == provider.SchemeNone {
		return fmt.Errorf("gaff cannot sign like %s (it re-signs GitHub, Stripe, Slack, Shopify and Standard Webhooks requests); send it as captured", provider.Name(providerID))
	}
	if secret == "" {
		return fmt.Errorf("no %s secret: re-signing needs the secret the handler checks with", provider.Name(providerID))
	}
	in := provider.SignInput{Body: out.Body, Secret: secret, Now: now}
	svix := false
	if scheme == provider.SchemeStandardWebhooks {
		in.ID = out.Headers.Get("webhook-id")
		if in.ID == "" {
			in.ID = out.Headers.Get("svix-id")
		}
		svix = out.Headers.Get("svix-signature") != ""
	}
	fresh, err := provider.Sign(scheme, in)
	if err != nil {
		return fmt.Errorf("cannot re-sign as %s: %w", provider.Name(providerID), err)
	}
	if scheme == provider.SchemeShopify && out.Headers.Get(provider.ShopifyEventsHmac) != "" {
		// A Shopify Events delivery keeps its own spelling: its receiver
		// reads the shopify-* family, and the X- header would go unread.
		fresh[0].Name = provider.ShopifyEventsHmac
	}
	if svix {
		hasWebhook := out.Headers.Get("webhook-signature") != ""
		var both []provider.HeaderPair
		for _, h := range fresh {
			if hasWebhook {
				both = append(both, h)
			}
			both = append(both, provider.HeaderPair{Name: "svix-" + strings.TrimPrefix(h.Name, "webhook-"), Value: h.Value})
		}
		fresh = both
	}
	out.Headers = replaceHeaders(out.Headers, provider.SignatureHeaders(scheme), fresh)
	return nil
}

// replaceHeaders drops every header named in stale and sets fresh: each
// fresh header takes the place and spelling of the first old header of its
// name, and the rest go at the end.
func replaceHeaders(h storage.Headers, stale []string, fresh []provider.HeaderPair) storage.Headers {
	isStale := map[string]bool{}
	for _, n := range stale {
		isStale[strings.ToLower(n)] = true
	}
	want := map[string]int{} // lower name → index in fresh
	for i, f := range fresh {
		want[strings.ToLower(f.Name)] = i
		isStale[strings.ToLower(f.Name)] = true
	}
	placed := make([]bool, len(fresh))
	out := make(storage.Headers, 0, len(h)+len(fresh))
	for _, x := range h {
		k := strings.ToLower(x.Name)
		if !isStale[k] {
			out = append(out, x)
			continue
		}
		if i, ok := want[k]; ok && !placed[i] {
			out = append(out, storage.Header{Name: x.Name, Value: fresh[i].Value})
			placed[i] = true
		}
	}
	for i, f := range fresh {
		if !placed[i] {
			out = append(out, storage.Header{Name: f.Name, Value: f.Value})
		}
	}
	return out
}
