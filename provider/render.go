package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// placeholder is one parsed {{…}}; the syntax is documented on Render.
type placeholder struct {
	kind, arg, name string
	n               int
}

var placeholderKinds = []string{"uuid", "unix", "unix_ms", "rfc3339", "rfc3339nano", "time", "id", "hex", "digits", "alnum", "upper", "open"}

const maxPlaceholderLen = 256

func parsePlaceholder(expr string) (placeholder, error) {
	var p placeholder
	if i := strings.LastIndexByte(expr, '@'); i >= 0 {
		p.name = expr[i+1:]
		expr = expr[:i]
		if p.name == "" || strings.ContainsAny(p.name, " \t:{}") {
			return p, fmt.Errorf("placeholder name %q must be a plain word", p.name)
		}
	}
	p.kind, p.arg, _ = strings.Cut(expr, ":")
	switch p.kind {
	case "uuid", "unix", "unix_ms", "rfc3339", "rfc3339nano", "open":
		if p.arg != "" {
			return p, fmt.Errorf("{{%s}} takes no argument", p.kind)
		}
	case "time":
		if p.arg == "" {
			return p, fmt.Errorf("{{time:LAYOUT}} needs a Go time layout, e.g. {{time:2006-01-02T15:04:05.000-0700}}")
		}
	case "id":
		p.n = 24
		if i := strings.LastIndexByte(p.arg, ':'); i >= 0 {
			n, err := strconv.Atoi(p.arg[i+1:])
			if err != nil || n < 1 || n > maxPlaceholderLen {
				return p, fmt.Errorf("{{id:PREFIX:N}} needs N between 1 and %d", maxPlaceholderLen)
			}
			p.arg, p.n = p.arg[:i], n
		}
	case "hex", "digits", "alnum", "upper":
		n, err := strconv.Atoi(p.arg)
		if err != nil || n < 1 || n > maxPlaceholderLen {
			return p, fmt.Errorf("{{%s:N}} needs N between 1 and %d", p.kind, maxPlaceholderLen)
		}
		p.n = n
	default:
		return p, fmt.Errorf("unknown placeholder {{%s}}; known kinds: %s (write {{open}} for a literal \"{{\")", expr, strings.Join(placeholderKinds, ", "))
	}
	return p, nil
}

func (p placeholder) numeric() bool {
	return p.kind == "unix" || p.kind == "unix_ms" || p.kind == "digits"
}

// renderer fills placeholders for one render, remembering @named values.
type renderer struct {
	now   time.Time
	named map[string]string
}

func (rn *renderer) value(p placeholder) string {
	if p.name != "" {
		if v, ok := rn.named[p.name]; ok {
			return v
		}
	}
	var v string
	switch p.kind {
	case "uuid":
		v = newUUID()
	case "unix":
		v = strconv.FormatInt(rn.now.Unix(), 10)
	case "unix_ms":
		v = strconv.FormatInt(rn.now.UnixMilli(), 10)
	case "rfc3339":
		v = rn.now.Format(time.RFC3339)
	case "rfc3339nano":
		v = rn.now.Format(time.RFC3339Nano)
	case "time":
		v = rn.now.Format(p.arg)
	case "id":
		v = p.arg + randomFrom(alnumChars, p.n)
	case "hex":
		v = randomHex(p.n)
	case "digits":
		v = randomDigits(p.n)
	case "alnum":
		v = randomFrom(alnumChars, p.n)
	case "upper":
		v = randomFrom(upperChars, p.n)
	case "open":
		v = "{{"
	}
	if p.name != "" {
		rn.named[p.name] = v
	}
	return v
}

// fill replaces every placeholder in s. Placeholders that do not parse are
// left as written; LoadTemplates has already refused them.
func (rn *renderer) fill(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			break
		}
		expr := s[i+2 : i+2+j]
		b.WriteString(s[:i])
		if p, err := parsePlaceholder(expr); err == nil {
			b.WriteString(rn.value(p))
		} else {
			b.WriteString(s[i : i+4+j])
		}
		s = s[i+4+j:]
	}
	b.WriteString(s)
	return b.String()
}

// fillJSON replaces placeholders inside the string literals of valid JSON,
// turning strings that are exactly one numeric placeholder into numbers.
func (rn *renderer) fillJSON(src []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(src) + len(src)/8)
	for i := 0; i < len(src); {
		c := src[i]
		if c != '"' {
			out.WriteByte(c)
			i++
			continue
		}
		end := i + 1
		for end < len(src) && src[end] != '"' {
			if src[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(src) {
			out.Write(src[i:]) // unterminated: not valid JSON, leave it be
			break
		}
		lit := string(src[i+1 : end])
		if expr, ok := wholePlaceholder(lit); ok && !isObjectKey(src[end+1:]) {
			if p, err := parsePlaceholder(expr); err == nil && p.numeric() {
				out.WriteString(rn.value(p))
				i = end + 1
				continue
			}
		}
		out.WriteByte('"')
		out.WriteString(rn.fill(lit))
		out.WriteByte('"')
		i = end + 1
	}
	return out.Bytes()
}

// isObjectKey reports whether the string literal just closed is an object
// key (a colon follows), which must stay a string.
func isObjectKey(rest []byte) bool {
	rest = bytes.TrimLeft(rest, " \t\r\n")
	return len(rest) > 0 && rest[0] == ':'
}

// wholePlaceholder reports whether s is exactly "{{expr}}".
func wholePlaceholder(s string) (string, bool) {
	if !strings.HasPrefix(s, "{{") || !strings.HasSuffix(s, "}}") || len(s) < 5 {
		return "", false
	}
	expr := s[2 : len(s)-2]
	if strings.Contains(expr, "{{") || strings.Contains(expr, "}}") {
		return "", false
	}
	return expr, true
}

// Render fills a template's placeholders with fresh values for one
// delivery at time now. The body of a JSON template is valid JSON, compact
// or indented as the provider sends it; headers carry no signature (sign
// the body with Sign(t.Scheme, …)) and no Content-Length.
//
// Placeholders are filled fresh at each render. Syntax:
//
//	{{kind}} or {{kind:arg}}, optionally ending in @name: every placeholder
//	with the same @name gets the same value within one render (so a header
//	can repeat an id from the body).
//
// Kinds:
//
//	uuid            random UUID v4
//	unix, unix_ms   the render time in Unix seconds / milliseconds
//	rfc3339         the render time, UTC, e.g. 2025-01-02T15:04:05Z
//	rfc3339nano     the same with nanoseconds
//	time:LAYOUT     the render time, UTC, in a Go time layout
//	id:PREFIX[:N]   PREFIX then N (default 24) random letters and digits (evt_…, pi_…)
//	hex:N           N random lower-case hex digits
//	digits:N        N random decimal digits, the first not 0
//	alnum:N         N random letters and digits
//	upper:N         N random upper-case letters and digits (Slack-style ids)
//	open            a literal "{{"
//
// In a JSON body, a string that is nothing but a numeric placeholder
// ("{{unix}}", "{{unix_ms}}", "{{digits:N}}") becomes a bare JSON number,
// so template files stay valid JSON and rendered bodies keep their types.
func Render(t Template, now time.Time) (method string, headers []HeaderPair, body []byte) {
	rn := &renderer{now: now.UTC(), named: map[string]string{}}
	method = t.Method
	if method == "" {
		method = "POST"
	}
	// The body first, so headers can repeat @named values from it.
	if t.BodyJSON {
		filled := rn.fillJSON(t.Body)
		var buf bytes.Buffer
		var err error
		if t.Pretty {
			err = json.Indent(&buf, filled, "", "  ")
		} else {
			err = json.Compact(&buf, filled)
		}
		if err == nil {
			body = buf.Bytes()
		} else {
			body = filled
		}
	} else if len(t.Body) > 0 {
		body = []byte(rn.fill(string(t.Body)))
	}
	headers = make([]HeaderPair, len(t.Headers))
	for i, h := range t.Headers {
		headers[i] = HeaderPair{h.Name, rn.fill(h.Value)}
	}
	return method, headers, body
}

// checkPlaceholders returns the first placeholder in s that does not parse.
func checkPlaceholders(s string) error {
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			return nil
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			return fmt.Errorf("%q opens a placeholder that never closes with }}", clip(s[i:]))
		}
		if _, err := parsePlaceholder(s[i+2 : i+2+j]); err != nil {
			return err
		}
		s = s[i+4+j:]
	}
}
