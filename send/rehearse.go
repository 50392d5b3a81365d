package send

import (
	"context"
	"time"

	"gaff/provider"
	"gaff/storage"
)

// CanResign reports whether gaff signs as providerID does; a fixture of
// any other sender goes out as it was saved.
func CanResign(providerID string) bool {
	return provider.DefaultScheme(providerID) != provider.SchemeNone
}

// Rehearse sends r to target as a CI replay does: built as a replay,
// re-signed at now with secret when resign is set and the provider is one
// gaff signs for, and not stored (a CI runner has no gaff database). The
// error is a request that could not be built or signed; a failed attempt
// is a Delivery with its Error, as for Replay.
func Rehearse(ctx context.Context, c *Client, r *storage.Request, target string, resign bool, secret string, now time.Time) (*storage.Delivery, error) {
	out, err := BuildReplay(r, target)
	if err != nil {
		return nil, err
	}
	if resign && CanResign(r.Provider) {
		if err := Resign(&out, r.Provider, secret, now); err != nil {
			return nil, err
		}
	}
	out.Headers = markSent(out.Headers)
	return c.Do(ctx, out), nil
}
