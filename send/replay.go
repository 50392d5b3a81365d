package send

import (
	"errors"
	"fmt"
	"strings"

	"gaff/storage"
)

// BuildReplay makes the request that sends capture r again to base: the
// same method, the captured path and raw query appended to base's path
// (base http://localhost:3000/api + /hooks/x?a=1 →
// http://localhost:3000/api/hooks/x?a=1), the headers as captured (plus
// base's user:password, see withCredentials) and the body byte for byte.
// The path and query are copied as raw text, never decoded and re-encoded,
// so %2F, + and repeated keys arrive as sent.
//
// A capture of the bare root (/) sent to a base with a path goes to that
// path as is, with no slash added: a provider pointed at gaff's root URL
// and forwarded to http://localhost:3000/webhooks/stripe must reach the
// handler's exact route.
//
// Hop-by-hop headers, Host and Content-Length stay in the Outbound (it
// records what was captured); the Client leaves them out on the wire.
func BuildReplay(r *storage.Request, base string) (Outbound, error) {
	if r == nil {
		return Outbound{}, errors.New("no request to replay")
	}
	u, err := ParseTarget(base)
	if err != nil {
		return Outbound{}, err
	}
	// An authority (CONNECT host:443) or asterisk target has no path: it
	// goes to base's own path.
	path, query, _ := strings.Cut(r.PathQuery(), "?")
	prefix := strings.TrimRight(u.EscapedPath(), "/")
	switch {
	case path == "/" && prefix != "":
		path = prefix
	default:
		path = prefix + path
	}
	if u.RawQuery != "" {
		// The base's own query (a token, say) comes first, then the capture's.
		query = joinQuery(u.RawQuery, query)
	}
	target := u.Scheme + "://" + u.Host + path
	if query != "" {
		target += "?" + query
	}
	return Outbound{
		Method:  r.Method,
		URL:     target,
		Headers: withCredentials(append(storage.Headers(nil), r.Headers...), u),
		Body:    r.Body,
	}, nil
}

func joinQuery(a, b string) string {
	if b == "" {
		return a
	}
	return a + "&" + b
}

// ReplayOf is what BuildReplay would send r to base; with no base, r as
// the sender sent it. It is for showing and exporting: an unusable base is
// an error the caller reports.
func ReplayOf(r *storage.Request, base string) (Outbound, error) {
	if base == "" {
		return Outbound{Method: r.Method, URL: r.SenderURL(), Headers: r.Headers, Body: r.Body}, nil
	}
	out, err := BuildReplay(r, base)
	if err != nil {
		return Outbound{}, fmt.Errorf("cannot use %q as the target: %w", base, err)
	}
	return out, nil
}

// HopByHop reports whether the Client leaves header name out on the wire:
// it describes one connection, or is recomputed for the new target and body.
func HopByHop(name string) bool { return hopByHop[strings.ToLower(name)] }
