package redact

import (
	"bytes"
	"encoding/json"
)

// quotedPlaceholder is Placeholder as a JSON string.
var quotedPlaceholder = []byte(`"` + Placeholder + `"`)

// edit replaces b[start:end].
type edit struct {
	start, end int
	with       []byte
}

// json redacts a JSON document in place: only the values it replaces
// change, so white space, key order, escapes and numbers elsewhere are as
// the sender wrote them and a diff shows just the redactions. ok is false
// when b is not JSON.
func (x *redactor) json(b []byte, root []string) (out []byte, ok bool) {
	if !json.Valid(b) {
		return nil, false
	}
	w := jsonWalk{x: x, b: b}
	w.value(skipSpace(b, 0), root, false)
	if len(w.edits) == 0 {
		return b, true
	}
	out = make([]byte, 0, len(b))
	last := 0
	for _, e := range w.edits {
		out = append(out, b[last:e.start]...)
		out = append(out, e.with...)
		last = e.end
	}
	return append(out, b[last:]...), true
}

// jsonWalk walks a document json.Valid accepted, so it need not check
// syntax; it only finds where values start and end.
type jsonWalk struct {
	x     *redactor
	b     []byte
	edits []edit
}

// value walks the value at i, the field at path (array levels add no
// element); secret is true inside a secret field, whose every string and
// number is replaced. It returns the index after the value.
func (w *jsonWalk) value(i int, path []string, secret bool) int {
	switch w.b[i] {
	case '{':
		i = skipSpace(w.b, i+1)
		for w.b[i] != '}' {
			end := stringEnd(w.b, i)
			var key string
			_ = json.Unmarshal(w.b[i:end], &key) // a valid document's key
			child := append(path[:len(path):len(path)], key)
			i = skipSpace(w.b, end) // at ':'
			i = skipSpace(w.b, i+1) // at the value
			i = skipSpace(w.b, w.value(i, child, secret || w.x.secretField(child)))
			if w.b[i] == ',' {
				i = skipSpace(w.b, i+1)
			}
		}
		return i + 1
	case '[':
		i = skipSpace(w.b, i+1)
		for w.b[i] != ']' {
			i = skipSpace(w.b, w.value(i, path, secret))
			if w.b[i] == ',' {
				i = skipSpace(w.b, i+1)
			}
		}
		return i + 1
	case '"':
		end := stringEnd(w.b, i)
		if secret {
			w.edits = append(w.edits, edit{i, end, quotedPlaceholder})
			return end
		}
		var s string
		_ = json.Unmarshal(w.b[i:end], &s)
		if r := w.x.emails.replace(s); r != s {
			w.edits = append(w.edits, edit{i, end, quoteJSON(r)})
		}
		return end
	}
	end := i
	for end < len(w.b) && !bytes.ContainsRune([]byte(",]} \t\r\n"), rune(w.b[end])) {
		end++
	}
	// true, false and null say nothing secret and keep the type a reader
	// expects; a number in a secret field (a PIN, a numeric key) does.
	if secret && (w.b[i] == '-' || w.b[i] >= '0' && w.b[i] <= '9') {
		w.edits = append(w.edits, edit{i, end, quotedPlaceholder})
	}
	return end
}

// stringEnd is the index after the JSON string that starts at i.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// quoteJSON is s as a JSON string, HTML characters as they are.
func quoteJSON(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
