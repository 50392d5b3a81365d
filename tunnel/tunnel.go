// Package tunnel gives gaff the address webhooks are posted to: a net.Listener
// plus the URL to paste into a provider's settings.
//
// Two implementations share one interface. Local listens on 127.0.0.1 and
// always works. Ngrok asks ngrok for a public URL; it returns at once and
// connects in the background, so gaff starts instantly and keeps serving
// locally while ngrok connects, reconnects or fails. Its progress is a State,
// observable through a coalescing channel that never blocks the tunnel.
package tunnel

import "net"

// Tunnel is a listener for requests arriving through URL.
//
// Accept blocks until the tunnel is connected. After Close, or after a
// failure that retrying cannot fix, Accept returns an error wrapping
// net.ErrClosed; State then says why.
type Tunnel interface {
	net.Listener

	// URL is where senders post, or "" while it is not known yet.
	URL() string

	// State is the tunnel's current condition.
	State() State

	// Changes receives a value after the state changes. It has room for one
	// value and the tunnel never waits to send, so several changes may arrive
	// as one: the reader calls State for the latest. It is one channel, so
	// it serves one reader.
	Changes() <-chan struct{}
}
