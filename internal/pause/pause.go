// Package pause waits for a while unless a context ends first: the rest
// between the background jobs' rounds (the search indexer, a teammate's
// shipper) that a stop must cut short.
package pause

import (
	"context"
	"time"
)

// For waits d or until ctx ends; false means ctx ended.
func For(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
