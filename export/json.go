package export

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gaff/sanitize"
	"gaff/storage"
)

// JSON is a request in the one JSON shape gaff prints: --headless, list
// --json, show --json and export jsonl. Every string is terminal-safe.
func JSON(r *storage.Request) []byte {
	var b bytes.Buffer
	b.WriteString(`{"id":`)
	b.WriteString(strconv.FormatInt(r.ID, 10))
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
	b.WriteString(strconv.FormatInt(r.Size, 10))
	b.WriteString(`,"truncated":`)
	b.WriteString(strconv.FormatBool(r.Truncated))
	b.WriteString(`,"status":`)
	b.WriteString(strconv.Itoa(r.Status))
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
	return b.Bytes()
}

// writeHeaderObject groups repeats under the first spelling seen and keeps
// arrival order, which a Go map would lose. Header bytes that are not UTF-8
// cannot travel in JSON strings; they are written with U+FFFD, and the
// exact bytes stay in the database (show the request for them).
func writeHeaderObject(b *bytes.Buffer, h storage.Headers) {
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
	sanitize.WriteJSON(b, enc)
}

// Line is v (plain values: maps, strings, numbers) as one line of
// terminal-safe JSON, newline included.
func Line(v any) []byte {
	enc, _ := json.Marshal(v) // plain values cannot fail
	var b bytes.Buffer
	sanitize.WriteJSON(&b, enc)
	b.WriteByte('\n')
	return b.Bytes()
}
