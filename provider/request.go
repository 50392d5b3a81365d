// Package provider knows webhook providers: it detects who sent a request,
// verifies and produces their signatures, recognises and answers their URL
// handshakes, and renders sample events. Everything here is a pure function
// of its inputs (plus crypto/rand for fresh ids and secrets): no network, no
// disk except LoadTemplates, no package state that changes.
package provider

import (
	"net/http"
	"net/url"
	"strings"
)

// Request is what provider functions look at: the bytes as captured.
type Request struct {
	Method string
	URL    string      // full URL as the sender addressed it when known (scheme://host/path?query), else path?query
	Header http.Header // canonicalised; built from the ordered captured list by the caller
	Body   []byte
}

// HeaderPair is one header to send, in order. Names keep the case the
// provider uses on the wire, because some receivers (and users reading a
// capture) care.
type HeaderPair struct {
	Name, Value string
}

// header reads a header without panicking on a nil map or nil request.
func (r *Request) header(name string) string {
	if r == nil || r.Header == nil {
		return ""
	}
	return r.Header.Get(name)
}

func (r *Request) has(name string) bool {
	if r == nil || r.Header == nil {
		return false
	}
	_, ok := r.Header[http.CanonicalHeaderKey(name)]
	return ok
}

// rawQuery returns the part of URL after the first '?', without a fragment.
func (r *Request) rawQuery() string {
	if r == nil {
		return ""
	}
	u := r.URL
	i := strings.IndexByte(u, '?')
	if i < 0 {
		return ""
	}
	q := u[i+1:]
	if j := strings.IndexByte(q, '#'); j >= 0 {
		q = q[:j]
	}
	return q
}

// query parses the query string leniently: a malformed pair is skipped, the
// rest is kept, because senders (and attackers) are not always tidy and a
// half-parsed query is still useful for recognising who sent it.
func (r *Request) query() url.Values {
	q := r.rawQuery()
	if q == "" {
		return nil
	}
	v, _ := url.ParseQuery(q)
	return v
}

func (r *Request) method() string {
	if r == nil {
		return ""
	}
	return strings.ToUpper(r.Method)
}

// mediaType is the Content-Type without parameters, lower-cased.
func (r *Request) mediaType() string {
	ct := r.header("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}
