package storage

import (
	"net/url"
	"strings"
)

// SenderURL is the URL as the sender addressed it: https through ngrok (gaff
// sees plain http behind it), or whatever a proxy in front says it was.
// Replays, exports and signature schemes that sign the URL (Twilio) need
// the sender's view, not the loopback address gaff listened on.
//
// It is rebuilt from the request-target as RFC 9112 §3.3 says: an
// absolute-form target (sent as to a proxy) is the URL itself; CONNECT's
// authority-form names the host and has no path; the asterisk (OPTIONS *)
// has no path either.
func (r *Request) SenderURL() string {
	if _, ok := r.absoluteTarget(); ok {
		return r.Target
	}
	scheme := "http"
	if r.Via == "ngrok" {
		scheme = "https"
	}
	if p := r.Headers.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	host := r.Host
	if h := r.Headers.Get("X-Forwarded-Host"); h != "" {
		host = h
	}
	if r.authorityForm() {
		host = r.Target
	}
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host + r.PathQuery()
}

// PathQuery is the raw path and query the request asked for, never decoded:
// an origin-form target as it came (with a leading slash if the parser
// refused one without), the path and query of an absolute-form one, and ""
// for authority-form and the asterisk, which have none. A replay appends it
// to its target's path.
func (r *Request) PathQuery() string {
	switch u, ok := r.absoluteTarget(); {
	case ok:
		pq := u.EscapedPath()
		if pq == "" {
			pq = "/"
		}
		if u.RawQuery != "" {
			pq += "?" + u.RawQuery
		}
		return pq
	case r.authorityForm() || r.Target == "*":
		return ""
	case !strings.HasPrefix(r.Target, "/"):
		return "/" + r.Target
	}
	return r.Target
}

// authorityForm: CONNECT host:port. Go also accepts CONNECT with a path.
func (r *Request) authorityForm() bool {
	return r.Method == "CONNECT" && !strings.HasPrefix(r.Target, "/")
}

// absoluteTarget parses an absolute-form target (http://host/path?q).
func (r *Request) absoluteTarget() (*url.URL, bool) {
	if strings.HasPrefix(r.Target, "/") || r.authorityForm() || !strings.Contains(r.Target, "://") {
		return nil, false
	}
	u, err := url.Parse(r.Target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, false
	}
	return u, true
}
