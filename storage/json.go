package storage

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// MarshalJSON writes the request in the shape DESIGN.md § Interfaces fixes
// for --headless, list --json, show --json and export jsonl.
func (r *Request) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"id":`)
	b.WriteString(itoa(r.ID))
	field(&b, "time", r.Time.UTC().Format(time.RFC3339Nano))
	field(&b, "method", r.Method)
	field(&b, "path", r.Path())
	field(&b, "query", r.RawQuery())
	field(&b, "host", r.Host)
	field(&b, "remote_addr", r.RemoteAddr)
	b.WriteString(`,"headers":`)
	writeHeaderObject(&b, r.Headers)
	if utf8.Valid(r.Body) {
		field(&b, "body", string(r.Body))
	} else {
		field(&b, "body_base64", base64.StdEncoding.EncodeToString(r.Body))
	}
	b.WriteString(`,"size":`)
	b.WriteString(itoa(r.Size))
	b.WriteString(`,"truncated":`)
	b.WriteString(boolStr(r.Truncated))
	b.WriteString(`,"status":`)
	b.WriteString(itoa(int64(r.Status)))
	field(&b, "provider", r.Provider)
	sig := r.Signature
	if sig == "" {
		// Rows stored before every capture got a verdict: they came from
		// no known provider, so they carried no signature gaff knows.
		sig = "unsigned"
	}
	field(&b, "signature", sig)
	if r.SigReason != "" {
		field(&b, "signature_reason", r.SigReason)
	}
	field(&b, "handshake", r.Handshake)
	if r.Note != "" {
		field(&b, "note", r.Note)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeHeaderObject groups repeats under the first spelling seen and keeps
// arrival order, which a Go map would lose. Header bytes that are not UTF-8
// cannot travel in JSON strings; they are written with U+FFFD, and the
// exact bytes stay in the database (show the request for them).
func writeHeaderObject(b *bytes.Buffer, h Headers) {
	type group struct {
		name   string
		values []string
	}
	var groups []*group
	idx := map[string]*group{}
	for _, x := range h {
		k := strings.ToLower(x.Name)
		g := idx[k]
		if g == nil {
			g = &group{name: x.Name}
			idx[k] = g
			groups = append(groups, g)
		}
		g.values = append(g.values, x.Value)
	}
	b.WriteByte('{')
	for i, g := range groups {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, g.name)
		b.WriteString(":[")
		for j, v := range g.values {
			if j > 0 {
				b.WriteByte(',')
			}
			writeString(b, v)
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
}

func field(b *bytes.Buffer, name, value string) {
	b.WriteString(`,"`)
	b.WriteString(name)
	b.WriteString(`":`)
	writeString(b, value)
}

func writeString(b *bytes.Buffer, s string) {
	// json.Marshal of a string cannot fail.
	enc, _ := json.Marshal(s)
	WriteTerminalSafe(b, enc)
}

// WriteTerminalSafe copies JSON text to b, escaping what encoding/json lets
// through raw: it escapes C0 controls but not DEL, C1 controls and
// bidi/zero-width characters. Escaped, JSON output (--headless, exports)
// is safe on a terminal and still the same JSON value. Such runes can only
// occur inside strings in valid JSON, so enc may be a whole document.
func WriteTerminalSafe(b *bytes.Buffer, enc []byte) {
	for i := 0; i < len(enc); {
		c := enc[i]
		if c < utf8.RuneSelf && c != 0x7f {
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(enc[i:])
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r) {
			if r > 0xffff {
				hi, lo := utf16.EncodeRune(r)
				fmt.Fprintf(b, `\u%04x\u%04x`, hi, lo)
			} else {
				fmt.Fprintf(b, `\u%04x`, r)
			}
		} else {
			b.Write(enc[i : i+size])
		}
		i += size
	}
}

func itoa(n int64) string {
	enc, _ := json.Marshal(n)
	return string(enc)
}

func boolStr(v bool) string {
	if v {
		return "true"
	}
	return "false"
}
