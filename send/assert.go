package send

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gaff/sanitize"
	"gaff/storage"
)

// Assertion is one check of a handler's answer, as --assert gives it:
// status=2xx, status=204, header:NAME=VALUE, body~REGEX, json:PATH=VALUE.
type Assertion struct {
	Spec string // as given, for messages

	status string // 3 characters, digits or x after the first
	header string // name
	want   string // header value
	body   *regexp.Regexp
	path   []pathStep
	value  any // decoded JSON value json: wants
}

// pathStep is one step of a json: path: a key, or an index when key is "".
type pathStep struct {
	key   string
	index int
}

const assertForms = "status=2xx, status=204, header:NAME=VALUE, body~REGEX or json:PATH=VALUE"

// ParseAssertion reads one --assert.
func ParseAssertion(spec string) (Assertion, error) {
	a := Assertion{Spec: spec}
	bad := func(why string) (Assertion, error) {
		return Assertion{}, fmt.Errorf("--assert %q: %s", spec, why)
	}
	switch {
	case strings.HasPrefix(spec, "status="):
		v := strings.ToLower(strings.TrimPrefix(spec, "status="))
		if len(v) != 3 || v[0] < '1' || v[0] > '5' || strings.Trim(v[1:], "0123456789") != "" && strings.Trim(v[1:], "x") != "" {
			return bad("the status is a code like 204 or a class like 2xx")
		}
		a.status = v
	case strings.HasPrefix(spec, "header:"):
		name, value, ok := strings.Cut(strings.TrimPrefix(spec, "header:"), "=")
		if !ok || strings.TrimSpace(name) == "" {
			return bad("write header:NAME=VALUE, like header:Content-Type=application/json")
		}
		a.header, a.want = strings.TrimSpace(name), value
	case strings.HasPrefix(spec, "body~"):
		re, err := regexp.Compile(strings.TrimPrefix(spec, "body~"))
		if err != nil {
			return bad("the regular expression does not parse: " + err.Error())
		}
		a.body = re
	case strings.HasPrefix(spec, "json:"):
		p, v, ok := strings.Cut(strings.TrimPrefix(spec, "json:"), "=")
		if !ok {
			return bad("write json:PATH=VALUE, like json:.ok=true or json:.items[0].id=7")
		}
		path, err := parseJSONPath(p)
		if err != nil {
			return bad(err.Error())
		}
		a.path = path
		// A value that is JSON (true, 7, "x", null) is compared as JSON;
		// anything else is the string it spells, so json:.state=ok works.
		if err := json.Unmarshal([]byte(v), &a.value); err != nil {
			a.value = v
		}
	default:
		return bad("an assertion is one of " + assertForms)
	}
	return a, nil
}

// parseJSONPath reads .a.b[0].c; "." alone is the whole document.
func parseJSONPath(p string) ([]pathStep, error) {
	if !strings.HasPrefix(p, ".") {
		return nil, fmt.Errorf("a JSON path starts with a dot, like .a.b[0].c")
	}
	var out []pathStep
	rest := p
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			if end == 0 {
				if rest == "" && len(out) == 0 {
					return nil, nil // "."
				}
				if rest == "" || rest[0] == '.' {
					return nil, fmt.Errorf("the path %q has an empty key", p)
				}
				continue // .[0]
			}
			out = append(out, pathStep{key: rest[:end]})
			rest = rest[end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("the path %q has a [ without ]", p)
			}
			i, err := strconv.Atoi(rest[1:end])
			if err != nil || i < 0 {
				return nil, fmt.Errorf("the path %q has %s, not an index like [0]", p, rest[:end+1])
			}
			out = append(out, pathStep{index: i})
			rest = rest[end+1:]
		default:
			return nil, fmt.Errorf("the path %q needs a . or [ before %q", p, rest)
		}
	}
	return out, nil
}

// Check reports whether d's answer holds to a, and what came back, for the
// failure message (sanitised: it is the network's). An attempt with no
// answer holds to nothing.
func (a Assertion) Check(d *storage.Delivery) (ok bool, got string) {
	if d.Status == 0 {
		return false, "no answer: " + sanitize.Line(d.Error)
	}
	switch {
	case a.status != "":
		s := strconv.Itoa(d.Status)
		for i := range 3 {
			if a.status[i] != 'x' && a.status[i] != s[i] {
				return false, "status " + s
			}
		}
		return true, "status " + s
	case a.header != "":
		var vals []string
		for _, h := range d.RespHeaders {
			if strings.EqualFold(h.Name, a.header) {
				if h.Value == a.want {
					return true, ""
				}
				vals = append(vals, strconv.Quote(h.Value))
			}
		}
		if len(vals) == 0 {
			return false, "no " + sanitize.Line(a.header) + " header"
		}
		return false, sanitize.Line(a.header) + ": " + sanitize.Line(strings.Join(vals, ", "))
	case a.body != nil:
		if a.body.Match(d.RespBody) {
			return true, ""
		}
		return false, "body " + excerpt(d.RespBody)
	default:
		var doc any
		dec := json.NewDecoder(bytes.NewReader(d.RespBody))
		if dec.Decode(&doc) != nil {
			return false, "a body that is not JSON: " + excerpt(d.RespBody)
		}
		v, where := walkJSON(doc, a.path)
		if where != "" {
			return false, where
		}
		if jsonEqual(v, a.value) {
			return true, ""
		}
		b, _ := json.Marshal(v)
		// Compact JSON says what it is (a string comes quoted) and is shown as is.
		return false, sanitize.Line(cut(string(b)))
	}
}

// walkJSON follows path into doc; where, when not "", says where it ended.
func walkJSON(doc any, path []pathStep) (v any, where string) {
	v = doc
	for i, s := range path {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[s.key]
			if s.key == "" || !ok {
				return nil, "nothing at " + pathString(path[:i+1])
			}
			v = next
		case []any:
			if s.key != "" || s.index >= len(x) {
				return nil, "nothing at " + pathString(path[:i+1])
			}
			v = x[s.index]
		default:
			return nil, "nothing at " + pathString(path[:i+1])
		}
	}
	return v, ""
}

func pathString(p []pathStep) string {
	var b strings.Builder
	for _, s := range p {
		if s.key != "" {
			b.WriteString("." + s.key)
		} else {
			fmt.Fprintf(&b, "[%d]", s.index)
		}
	}
	return sanitize.Line(b.String())
}

// jsonEqual compares decoded JSON values; a number equals the same number
// however it is spelled (1, 1.0).
func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// excerpt is the start of a body for a message: enough to see what came
// back, not a page of HTML.
func excerpt(b []byte) string { return strconv.Quote(cut(string(b))) }

// cut shortens s to what a message line can hold.
func cut(s string) string {
	const most = 120
	if len(s) > most {
		s = s[:most] + "…"
	}
	return s
}
