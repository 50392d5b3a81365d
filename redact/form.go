package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// form redacts a query or an x-www-form-urlencoded body pair by pair;
// pairs it does not change keep their bytes and order. A value that is
// JSON (Slack's interactive "payload=") is redacted as JSON.
func (x *redactor) form(s string) string {
	pairs := strings.Split(s, "&")
	for i, p := range pairs {
		k, v, hasValue := strings.Cut(p, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if x.secretField([]string{key}) {
			if hasValue {
				pairs[i] = k + "=" + Placeholder
			}
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			// Not escaped as a form would be: its bytes are the value.
			if nv := x.emails.replace(v); nv != v {
				pairs[i] = k + "=" + nv
			}
			continue
		}
		nv := ""
		if t := strings.TrimSpace(val); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			if out, ok := x.json([]byte(val), nil); ok {
				nv = string(out)
			}
		}
		if nv == "" {
			nv = x.emails.replace(val)
		}
		if nv != val {
			pairs[i] = k + "=" + url.QueryEscape(nv)
		}
	}
	return strings.Join(pairs, "&")
}

// secretPair finds "key": "value" in text that is not a whole JSON
// document, such as a body cut short by --max-body.
var secretPair = regexp.MustCompile(`"((?:[^"\\]|\\.){1,64})"(\s*:\s*)"(?:[^"\\]|\\.)*"`)

// text redacts a body that is neither JSON nor a form: e-mail addresses,
// and the values of secret-named "key": "value" pairs.
func (x *redactor) text(b []byte) []byte {
	s := secretPair.ReplaceAllStringFunc(string(b), func(m string) string {
		sub := secretPair.FindStringSubmatch(m)
		if !x.secretField([]string{sub[1]}) {
			return m
		}
		return `"` + sub[1] + `"` + sub[2] + string(quotedPlaceholder)
	})
	return []byte(x.emails.replace(s))
}
