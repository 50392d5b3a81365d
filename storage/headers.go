package storage

import (
	"encoding/binary"
	"errors"
	"net/http"
	"strings"
)

// Header is one header line as it arrived: name case kept, repeats kept.
type Header struct {
	Name  string
	Value string
}

// Headers is an ordered header list.
type Headers []Header

// CutHeader reads one header as a user types it, "Name: value", spaces
// around the name and the value left out; ok is false without a colon or
// a name.
func CutHeader(s string) (h Header, ok bool) {
	name, value, found := strings.Cut(s, ":")
	h = Header{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)}
	return h, found && h.Name != ""
}

// Get returns the first value of name, compared case-insensitively.
func (h Headers) Get(name string) string {
	for _, x := range h {
		if strings.EqualFold(x.Name, name) {
			return x.Value
		}
	}
	return ""
}

// Values returns every value of name, in order.
func (h Headers) Values(name string) []string {
	var out []string
	for _, x := range h {
		if strings.EqualFold(x.Name, name) {
			out = append(out, x.Value)
		}
	}
	return out
}

// HTTP converts to net/http's canonical map (order and case are lost there).
// Every capture is converted once (policy), so the values share one
// backing array, as net/textproto does: a name's first value is a
// one-element window on it, and a repeated name's append copies out.
func (h Headers) HTTP() http.Header {
	out := make(http.Header, len(h))
	vals := make([]string, len(h))
	for i, x := range h {
		k := http.CanonicalHeaderKey(x.Name)
		if vs, ok := out[k]; ok {
			out[k] = append(vs, x.Value)
			continue
		}
		vals[i] = x.Value
		out[k] = vals[i : i+1 : i+1]
	}
	return out
}

// Headers are stored as a compact binary list rather than JSON because JSON
// cannot carry invalid UTF-8, and a header is stored byte for byte.
// Layout: uvarint count, then per header uvarint len(name), name,
// uvarint len(value), value.
func encodeHeaders(h Headers) []byte {
	n := binary.MaxVarintLen64
	for _, x := range h {
		n += 2*binary.MaxVarintLen64 + len(x.Name) + len(x.Value)
	}
	b := make([]byte, 0, n)
	b = binary.AppendUvarint(b, uint64(len(h)))
	for _, x := range h {
		b = binary.AppendUvarint(b, uint64(len(x.Name)))
		b = append(b, x.Name...)
		b = binary.AppendUvarint(b, uint64(len(x.Value)))
		b = append(b, x.Value...)
	}
	return b
}

var errBadHeaders = errors.New("stored header list is damaged")

func decodeHeaders(b []byte) (Headers, error) {
	count, n := binary.Uvarint(b)
	if n <= 0 || count > uint64(len(b)) {
		return nil, errBadHeaders
	}
	b = b[n:]
	h := make(Headers, 0, count)
	next := func() (string, bool) {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return "", false
		}
		s := string(b[n : n+int(l)])
		b = b[n+int(l):]
		return s, true
	}
	for i := uint64(0); i < count; i++ {
		name, ok1 := next()
		value, ok2 := next()
		if !ok1 || !ok2 {
			return h, errBadHeaders
		}
		h = append(h, Header{name, value})
	}
	return h, nil
}
