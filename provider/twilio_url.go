package provider

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// twilio-node does not sign the URL it is given as is: it prints it
// through Node's WHATWG URL parser first, and also tries the query
// re-encoded by Node's legacy querystring module, "since signature
// generation on the back end is inconsistent". twilioNodeForms gives those
// forms of u, so a signature twilio-node accepts is accepted here too.
func twilioNodeForms(u string) []string {
	w := whatwgURL(u)
	return []string{w, legacyQuerystring(w)}
}

// whatwgURL prints an absolute http(s) URL as the WHATWG URL serializer
// does: host in lower case, an empty path as "/", and the bytes its
// percent-encode sets name (controls, space, quotes, <, >, non-ASCII, …)
// percent-encoded; what is already encoded is left alone.
func whatwgURL(u string) string {
	scheme, authority, rest := splitURL(u)
	if scheme == "" {
		return u
	}
	userinfo, hostport := "", authority
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		userinfo, hostport = authority[:i+1], authority[i+1:]
	}
	path, query, hasQuery := strings.Cut(rest, "?")
	if path == "" {
		path = "/"
	}
	out := scheme + "://" + userinfo + strings.ToLower(hostport) + percentEncode(path, `"#<>?`+"`{}")
	if hasQuery {
		// ' is in the query set of special schemes (http, https) only.
		out += "?" + percentEncode(query, `"#<>'`)
	}
	return out
}

// percentEncode encodes the C0 control set (controls, and every byte of a
// code point above ~), space, and the bytes in also.
func percentEncode(s, also string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(also, c) >= 0 {
			writePercent(&b, c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func writePercent(b *strings.Builder, c byte) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('%')
	b.WriteByte(hex[c>>4])
	b.WriteByte(hex[c&15])
}

// legacyQuerystring is u with its query read by Node's querystring.parse
// and written back by querystring.stringify: names and values decoded (+
// is a space) and encoded again, repeated names grouped after the first,
// and, as JavaScript orders object keys, names that are array indices
// first, in numeric order.
func legacyQuerystring(u string) string {
	base, q, ok := strings.Cut(u, "?")
	if !ok || q == "" {
		return u
	}
	type param struct {
		name   string
		values []string
	}
	var params []*param
	byName := map[string]*param{}
	for piece := range strings.SplitSeq(q, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		k, v = queryUnescape(k), queryUnescape(v)
		p := byName[k]
		if p == nil {
			p = &param{name: k}
			byName[k] = p
			params = append(params, p)
		}
		p.values = append(p.values, v)
	}
	slices.SortStableFunc(params, func(a, b *param) int {
		ai, aok := arrayIndex(a.name)
		bi, bok := arrayIndex(b.name)
		switch {
		case aok && bok:
			return int(ai - bi)
		case aok:
			return -1
		case bok:
			return 1
		}
		return 0
	})
	var parts []string
	for _, p := range params {
		for _, v := range p.values {
			parts = append(parts, queryEscape(p.name)+"="+queryEscape(v))
		}
	}
	return base + "?" + strings.Join(parts, "&")
}

// queryUnescape decodes as querystring.unescape does: + is a space, each
// valid %XX a byte, anything else kept, and bytes that are not UTF-8
// replaced by U+FFFD as a JavaScript string would have them.
func queryUnescape(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(n))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	if utf8.Valid(b) {
		return string(b)
	}
	var out strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		out.WriteRune(r) // utf8.RuneError is U+FFFD
		b = b[n:]
	}
	return out.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// queryEscape encodes as querystring.escape does: everything but letters,
// digits and - _ . ! ~ * ' ( ) as %XX of its UTF-8 bytes.
func queryEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		writePercent(&b, c)
	}
	return b.String()
}

// arrayIndex reports whether JavaScript treats name as an array index,
// which objects list before other keys.
func arrayIndex(name string) (int64, bool) {
	if name == "" || len(name) > 10 || (len(name) > 1 && name[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseInt(name, 10, 64)
	if err != nil || n < 0 || n >= 1<<32-1 || strconv.FormatInt(n, 10) != name {
		return 0, false
	}
	return n, true
}
