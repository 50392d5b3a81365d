package provider

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// jsonFields returns the values of the named members of the JSON object
// doc: top-level names ("type") or one level down ("event.type"; the part
// after the first dot may itself hold dots). A string gives its decoded
// text, a number its digits, anything else "". The first occurrence of a
// name counts, and reading stops once every name is found.
func jsonFields(doc []byte, paths ...string) []string {
	if noneNamed(doc, paths) {
		// The usual miss (a GitHub push has no "action") costs a fast
		// byte search instead of a scan of the whole document.
		return make([]string, len(paths))
	}
	s := jsonScanner{b: doc}
	if f := s.fields(paths...); f != nil {
		return f
	}
	return make([]string, len(paths))
}

// jsonScanner reads just enough of a JSON text to pick a few members out of
// it. It never builds the document: a value it skips costs a scan of its
// bytes, no allocation, and no recursion (it counts nesting instead of
// stacking it), so neither a 25 MiB body nor one nested a million deep can
// exhaust memory or the stack. It is lenient: it checks only the structure
// it walks through and stops at the first byte that breaks it, keeping what
// it found before.
type jsonScanner struct {
	b    []byte
	i    int
	bad  bool // the text broke; every walk stops
	halt bool // the caller has what it needs; every walk stops
}

func (s *jsonScanner) stopped() bool { return s.bad || s.halt }

func (s *jsonScanner) peek() byte {
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return c
		}
	}
	return 0
}

// skipString moves past the string whose opening quote is at the cursor.
func (s *jsonScanner) skipString() bool {
	j := s.i + 1
	for {
		k := bytes.IndexByte(s.b[j:], '"')
		if k < 0 {
			s.bad = true
			return false
		}
		j += k
		backslashes := 0
		for p := j - 1; p > s.i && s.b[p] == '\\'; p-- {
			backslashes++
		}
		j++
		if backslashes%2 == 0 {
			s.i = j
			return true
		}
	}
}

// skip moves past one value of any kind.
func (s *jsonScanner) skip() {
	s.peek()
	depth := 0
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '"':
			if !s.skipString() || depth == 0 {
				return
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return
			}
			if depth--; depth == 0 {
				s.i++
				return
			}
		case ',', ':':
			if depth == 0 {
				return
			}
		}
		s.i++
	}
	if depth > 0 {
		s.bad = true
	}
}

// members calls f for each member of the object at the cursor, with the
// cursor on the member's value. f may read the value or leave it; members
// skips what f left. It returns at once when f halts the scan.
func (s *jsonScanner) members(f func(key []byte)) {
	s.container('{', '}', func() {
		if s.peek() != '"' {
			s.bad = true
			return
		}
		start := s.i
		if !s.skipString() {
			return
		}
		key := s.b[start+1 : s.i-1]
		if s.peek() != ':' {
			s.bad = true
			return
		}
		s.i++
		s.value(func() { f(key) })
	})
}

// elements calls f for each element of the array at the cursor, like
// members.
func (s *jsonScanner) elements(f func()) {
	s.container('[', ']', func() { s.value(f) })
}

// container walks the object or array at the cursor, calling item for each
// member or element; anything else is skipped.
func (s *jsonScanner) container(open, close byte, item func()) {
	if s.peek() != open {
		s.skip()
		return
	}
	s.i++
	if s.peek() == close {
		s.i++
		return
	}
	for !s.stopped() {
		item()
		if s.stopped() {
			return
		}
		switch s.peek() {
		case ',':
			s.i++
		case close:
			s.i++
			return
		default:
			s.bad = true
		}
	}
}

// value calls f with the cursor on a value and skips the value if f left it.
func (s *jsonScanner) value(f func()) {
	s.peek()
	before := s.i
	f()
	if !s.stopped() && s.i == before {
		s.skip()
	}
}

// fields is jsonFields for the object at the cursor; nil when the cursor is
// not on an object. It halts the scan once every path is found.
func (s *jsonScanner) fields(paths ...string) []string {
	if s.peek() != '{' {
		s.skip()
		return nil
	}
	out := make([]string, len(paths))
	found := make([]bool, len(paths))
	left := len(paths)
	take := func(i int) {
		out[i], found[i] = s.scalar(), true
		if left--; left == 0 {
			s.halt = true
		}
	}
	s.members(func(key []byte) {
		for i, p := range paths {
			outer, _, nested := strings.Cut(p, ".")
			if found[i] || !keyIs(key, outer) {
				continue
			}
			if !nested {
				take(i)
				return
			}
			s.members(func(inner []byte) {
				for j, q := range paths {
					o, in, ok := strings.Cut(q, ".")
					if ok && !found[j] && o == outer && keyIs(inner, in) {
						take(j)
						return
					}
				}
			})
			return
		}
	})
	return out
}

// scalar reads the value at the cursor: a string's decoded text, a
// number's digits, "" for anything else (which it leaves for the caller to
// skip).
func (s *jsonScanner) scalar() string {
	switch c := s.peek(); {
	case c == '"':
		start := s.i
		if !s.skipString() {
			return ""
		}
		return decodeString(s.b[start+1 : s.i-1])
	case c == '-' || c >= '0' && c <= '9':
		start := s.i
		for s.i < len(s.b) && strings.IndexByte("+-.0123456789eE", s.b[s.i]) >= 0 {
			s.i++
		}
		return string(s.b[start:s.i])
	}
	return ""
}

// str reads a string value, or "" when the value is something else.
func (s *jsonScanner) str() string {
	if s.peek() != '"' {
		return ""
	}
	return s.scalar()
}

// keyIs compares a raw (still escaped) member name with name, decoding it
// only when it holds an escape.
// noneNamed is true when no member of doc can have the first name of any
// of paths: keys are matched exactly (keyIs), so without an escape in doc
// a matching key appears quoted, byte for byte.
func noneNamed(doc []byte, paths []string) bool {
	if bytes.IndexByte(doc, '\\') >= 0 {
		return false
	}
	for _, p := range paths {
		outer, _, _ := strings.Cut(p, ".")
		if outer == "" || quotedIn(doc, outer) {
			return false
		}
	}
	return true
}

// quotedIn: doc holds name between double quotes.
func quotedIn(doc []byte, name string) bool {
	for i := 0; ; {
		j := bytes.Index(doc[i:], []byte(name))
		if j < 0 {
			return false
		}
		j += i
		if j > 0 && doc[j-1] == '"' && j+len(name) < len(doc) && doc[j+len(name)] == '"' {
			return true
		}
		i = j + 1
	}
}

func keyIs(raw []byte, name string) bool {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw) == name
	}
	return decodeString(raw) == name
}

// decodeString decodes the raw text between a JSON string's quotes. A long
// string is cut before decoding: every escape or byte yields at least one
// byte, so MaxEventNameLen+utf8.UTFMax of them are more than a capped name
// needs, and a multi-megabyte value costs no more than a short one.
func decodeString(raw []byte) string {
	n := 0
	for units := 0; n < len(raw) && units < MaxEventNameLen+utf8.UTFMax; units++ {
		switch {
		case raw[n] != '\\':
			n++
		case n+1 < len(raw) && raw[n+1] == 'u':
			n += 6
		default:
			n += 2
		}
	}
	n = min(n, len(raw))
	if plain(raw[:n]) {
		return string(raw[:n])
	}
	q := make([]byte, 0, n+2)
	q = append(append(append(q, '"'), raw[:n]...), '"')
	var v string
	if json.Unmarshal(q, &v) != nil {
		return ""
	}
	return v
}

// plain reports whether raw needs no decoding: no escapes, no control
// characters, valid UTF-8.
func plain(raw []byte) bool {
	ascii := true
	for _, c := range raw {
		switch {
		case c < 0x20 || c == '\\':
			return false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return ascii || utf8.Valid(raw)
}
