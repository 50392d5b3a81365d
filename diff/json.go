package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// JSON compares two JSON documents; paths start with "." for the root.
func JSON(a, b []byte, opt Options) ([]Change, error) {
	va, err := decode(a)
	if err != nil {
		return nil, fmt.Errorf("first document: %w", err)
	}
	vb, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("second document: %w", err)
	}
	d := &differ{opt: opt}
	d.value("", va, vb)
	return d.out, nil
}

// decode keeps numbers as written, so 10000000000000001 stays itself.
func decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("not JSON: more after the first value")
	}
	return v, nil
}

// value compares a and b at path; the root's path is "" and is shown as ".".
func (d *differ) value(path string, a, b any) {
	show := path
	if show == "" {
		show = "."
	}
	if d.opt.ignored(show) {
		return
	}
	switch x := a.(type) {
	case map[string]any:
		if y, ok := b.(map[string]any); ok {
			d.object(path, x, y)
			return
		}
	case []any:
		if y, ok := b.([]any); ok {
			for i := range max(len(x), len(y)) {
				p := path + "[" + strconv.Itoa(i) + "]"
				switch {
				case i >= len(x):
					d.add(p, Added, "", compact(y[i]))
				case i >= len(y):
					d.add(p, Removed, compact(x[i]), "")
				default:
					d.value(p, x[i], y[i])
				}
			}
			return
		}
	}
	if ca, cb := compact(a), compact(b); ca != cb {
		d.add(show, Changed, ca, cb)
	}
}

func (d *differ) object(path string, x, y map[string]any) {
	for _, k := range unionKeys(x, y) {
		p := path + key(k)
		va, inA := x[k]
		vb, inB := y[k]
		switch {
		case !inA:
			d.add(p, Added, "", compact(vb))
		case !inB:
			d.add(p, Removed, compact(va), "")
		default:
			d.value(p, va, vb)
		}
	}
}

// unionKeys lists the keys of a and b once each, sorted so that output
// does not depend on map order.
func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// key writes plain keys as .name and any other as ["…"], so a path
// stays unambiguous when a key holds a dot or a bracket.
func key(k string) string {
	plain := k != ""
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			plain = false
			break
		}
	}
	if plain {
		return "." + k
	}
	return "[" + strconv.Quote(k) + "]"
}

// compact leaves <, > and & as they are: the text is for reading, not HTML.
func compact(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
