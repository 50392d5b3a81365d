package capture

import (
	"net/http"
	"slices"
	"strings"

	"gaff/storage"
)

// parseHead reads header lines from a raw request head (request line first)
// keeping names as written and lines in order. Obsolete line folding is
// joined with a space, as net/http does.
//
// Every capture's head goes through here, so it is copied to a string
// once and each name and value is a slice of that copy, rather than two
// allocations a header.
func parseHead(head []byte) storage.Headers {
	_, s, _ := strings.Cut(string(head), "\n") // past the request line
	h := make(storage.Headers, 0, strings.Count(s, "\n"))
	for s != "" {
		var line string
		line, s, _ = strings.Cut(s, "\n")
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(h) > 0 {
			last := &h[len(h)-1]
			last.Value = strings.TrimSpace(last.Value + " " + strings.TrimSpace(line))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		h = append(h, storage.Header{Name: name, Value: strings.Trim(value, " \t")})
	}
	return h
}

// net/http moves or drops these from Request.Header, so the raw head may
// carry them where the map does not.
var movedByNetHTTP = map[string]bool{"Host": true, "Transfer-Encoding": true, "Trailer": true, "Content-Length": true}

// sameHeaders checks that a head recovered from the wire says what net/http
// parsed: a guard against picking up look-alike bytes from a body. It runs
// for every capture, so a usual head (a few dozen lines) is compared in
// place; a larger one goes through a map, to stay linear.
func sameHeaders(raw storage.Headers, parsed http.Header) bool {
	if len(raw) > 32 {
		return sameHeadersMap(raw, parsed)
	}
	var keys [32]string
	pragma, seenPragma := false, false
	for i, x := range raw {
		keys[i] = http.CanonicalHeaderKey(x.Name)
		if keys[i] == "Pragma" && !seenPragma {
			pragma, seenPragma = x.Value != "", true
		}
	}
	want := 0
	for k, vs := range parsed {
		if k == "Cache-Control" && pragma && !slices.Contains(keys[:len(raw)], k) {
			continue // net/http adds it from Pragma: no-cache
		}
		want += len(vs)
	}
	matched := 0
	for i, x := range raw {
		vs, ok := parsed[keys[i]]
		if !ok {
			if movedByNetHTTP[keys[i]] {
				continue
			}
			return false
		}
		// The i-th header is the n-th of its name: net/http kept the order.
		n := 0
		for _, k := range keys[:i] {
			if k == keys[i] {
				n++
			}
		}
		if n >= len(vs) || vs[n] != x.Value {
			return false
		}
		matched++
	}
	return matched == want
}

func sameHeadersMap(raw storage.Headers, parsed http.Header) bool {
	got := raw.HTTP()
	for k, vs := range parsed {
		if k == "Cache-Control" && len(got[k]) == 0 && got.Get("Pragma") != "" {
			continue // net/http adds it from Pragma: no-cache
		}
		if !slices.Equal(got[k], vs) {
			return false
		}
	}
	for k := range got {
		if _, ok := parsed[k]; !ok && !movedByNetHTTP[k] {
			return false
		}
	}
	return true
}

// fallbackHeaders rebuilds a list from net/http's map when the raw head could
// not be recovered: canonical case, sorted, Host first.
func fallbackHeaders(r *http.Request) storage.Headers {
	h := storage.Headers{}
	if r.Host != "" {
		h = append(h, storage.Header{Name: "Host", Value: r.Host})
	}
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range r.Header[k] {
			h = append(h, storage.Header{Name: k, Value: v})
		}
	}
	if len(r.TransferEncoding) > 0 {
		h = append(h, storage.Header{Name: "Transfer-Encoding", Value: strings.Join(r.TransferEncoding, ", ")})
	}
	return h
}

// requestHeaders returns the request's headers as they arrived when the raw
// head can be recovered, and net/http's view otherwise.
func requestHeaders(r *http.Request) storage.Headers {
	rc := connFrom(r.Context())
	if rc == nil {
		return fallbackHeaders(r)
	}
	line := []byte(r.Method + " " + r.RequestURI + " " + r.Proto)
	var got storage.Headers
	found := rc.takeHead(line, func(head []byte) bool {
		got = parseHead(head)
		return sameHeaders(got, r.Header)
	})
	if !found {
		return fallbackHeaders(r)
	}
	return got
}
