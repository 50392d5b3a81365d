package ui

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"gaff/sanitize"
)

// displayPath is a request path as a reader would write it (/café/🚀), or
// the path as sent when decoding could mislead: invalid UTF-8, control or
// bidi characters, or escapes that are not valid. %2F and %25 stay encoded,
// since decoded they would read as a path separator or an escape that was
// never there. The result is safe to print.
func displayPath(p string) string {
	if !strings.Contains(p, "%") {
		return sanitize.Line(p)
	}
	kept := func(esc string) bool { return strings.EqualFold(esc, "%2F") || esc == "%25" }
	var b strings.Builder
	for i := 0; i < len(p); {
		switch {
		case p[i] != '%':
			b.WriteByte(p[i])
			i++
			continue
		case i+3 > len(p):
			return sanitize.Line(p)
		case kept(p[i : i+3]):
			b.WriteString(p[i : i+3])
			i += 3
			continue
		}
		// Decode a run of escapes at once: one character may take several.
		j := i
		for j+3 <= len(p) && p[j] == '%' && !kept(p[j:j+3]) {
			j += 3
		}
		dec, err := url.PathUnescape(p[i:j])
		if err != nil {
			return sanitize.Line(p)
		}
		b.WriteString(dec)
		i = j
	}
	out := b.String()
	if !utf8.ValidString(out) || sanitize.Unsafe(out, false) >= 0 {
		return sanitize.Line(p)
	}
	return out
}

// displayTarget is displayPath for a path with its query, which is shown
// as sent.
func displayTarget(target string) string {
	p, q, ok := strings.Cut(target, "?")
	if !ok {
		return displayPath(p)
	}
	return displayPath(p) + "?" + sanitize.Line(q)
}
