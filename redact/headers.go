package redact

import "strings"

// header is value with its secret parts replaced, by what name says it is.
func (x *redactor) header(name, value string) string {
	if value == "" {
		return value
	}
	lname := strings.ToLower(strings.TrimSpace(name))
	switch {
	case lname == "authorization" || lname == "proxy-authorization":
		return keepScheme(value)
	case lname == "cookie":
		return cookies(value)
	case lname == "set-cookie":
		// Only the first pair is the cookie; Path, Domain and the rest
		// say how it is kept and stay readable.
		first, attrs, hasAttrs := strings.Cut(value, ";")
		if hasAttrs {
			return cookies(first) + ";" + attrs
		}
		return cookies(first)
	case isSignatureHeader(lname):
		return signature(value)
	case isSecretHeader(lname):
		return Placeholder
	}
	return x.emails.replace(value)
}

// keepScheme keeps "Bearer " or "Basic " so a reader still sees how the
// sender authenticated.
func keepScheme(v string) string {
	t := strings.TrimSpace(v)
	if i := strings.IndexByte(t, ' '); i > 0 {
		return t[:i+1] + Placeholder
	}
	return Placeholder
}

// cookies replaces each value of a "a=1; b=2" list, keeping the names and
// the separators as they were sent.
func cookies(v string) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		if name, _, ok := strings.Cut(p, "="); ok {
			parts[i] = name + "=" + Placeholder
		} else if strings.TrimSpace(p) != "" {
			parts[i] = Placeholder
		}
	}
	return strings.Join(parts, ";")
}

// signature replaces the MACs in a signature header and keeps what
// explains them: "sha256=…", "t=…,v1=…", "v1,… v1,…". An element
// "k=…" keeps a short key (a scheme or version name) and, when k is t, its
// timestamp; a short bare word (v1, v1a) is a version; anything else is
// signature material. A base64 MAC is never a short key: its only '=' are
// padding at the end.
func signature(v string) string {
	var b strings.Builder
	start := 0
	flush := func(end int) {
		if end > start {
			b.WriteString(signaturePart(v[start:end]))
		}
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == ',' || c == ' ' || c == ';' {
			flush(i)
			b.WriteByte(c)
			start = i + 1
		}
	}
	flush(len(v))
	return b.String()
}

func signaturePart(p string) string {
	if k, _, ok := strings.Cut(p, "="); ok && shortWord(k) {
		if k == "t" {
			return p
		}
		return k + "=" + Placeholder
	}
	if shortWord(p) {
		return p
	}
	return Placeholder
}

// shortWord is a scheme or version name like sha256, v1, v1a or t.
func shortWord(s string) bool {
	if s == "" || len(s) > 8 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
