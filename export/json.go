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
	return AppendJSON(make([]byte, 0, 512+len(r.Body)+64*len(r.Headers)), r)
}

// AppendJSON appends JSON's text to b. It writes every string in one pass:
// --headless prints every capture through it.
func AppendJSON(b []byte, r *storage.Request) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, r.ID, 10)
	b = append(b, `,"time":"`...)
	b = r.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	b = field(b, "method", r.Method)
	b = field(b, "path", r.Path())
	b = field(b, "query", r.RawQuery())
	b = field(b, "host", r.Host)
	b = field(b, "remote_addr", r.RemoteAddr)
	b = append(b, `,"headers":`...)
	b = appendHeaderObject(b, r.Headers)
	if utf8.Valid(r.Body) {
		b = append(b, `,"body":`...)
		b = sanitize.AppendJSONString(b, r.Body)
	} else {
		b = append(b, `,"body_base64":"`...)
		b = base64.StdEncoding.AppendEncode(b, r.Body)
		b = append(b, '"')
	}
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, r.Size, 10)
	b = append(b, `,"truncated":`...)
	b = strconv.AppendBool(b, r.Truncated)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(r.Status), 10)
	b = field(b, "provider", r.Provider)
	b = field(b, "event", r.Event)
	sig := r.Signature
	if sig == "" {
		// Rows stored before every capture got a verdict: they came from
		// no known provider, so they carried no signature gaff knows.
		sig = "unsigned"
	}
	b = field(b, "signature", sig)
	if r.SigReason != "" {
		b = field(b, "signature_reason", r.SigReason)
	}
	b = field(b, "handshake", r.Handshake)
	b = append(b, `,"duplicate_of":`...)
	if r.DuplicateOf > 0 {
		b = strconv.AppendInt(b, r.DuplicateOf, 10)
	} else {
		b = append(b, "null"...)
	}
	b = field(b, "origin", r.Origin)
	if r.Note != "" {
		b = field(b, "note", r.Note)
	}
	return append(b, '}')
}

// appendHeaderObject groups repeats under the first spelling seen and
// keeps arrival order, which a Go map would lose. Header bytes that are not
// UTF-8 cannot travel in JSON strings; they are written with U+FFFD, and
// the exact bytes stay in the database (show the request for them).
func appendHeaderObject(b []byte, h storage.Headers) []byte {
	// group[i] is the index of the first header spelled like h[i] (case
	// aside). A handful of headers are matched pairwise; a hostile
	// thousand go through a map.
	group := make([]int, len(h))
	var idx map[string]int
	if len(h) > 32 {
		idx = make(map[string]int, len(h))
	}
	for i, x := range h {
		group[i] = i
		if idx != nil {
			k := strings.ToLower(x.Name)
			if g, ok := idx[k]; ok {
				group[i] = g
			} else {
				idx[k] = i
			}
			continue
		}
		for j := range i {
			if group[j] == j && sameName(h[j].Name, x.Name) {
				group[i] = j
				break
			}
		}
	}
	b = append(b, '{')
	for i, x := range h {
		if group[i] != i {
			continue
		}
		if b[len(b)-1] != '{' {
			b = append(b, ',')
		}
		b = sanitize.AppendJSONString(b, x.Name)
		b = append(b, ":["...)
		for j := i; j < len(h); j++ {
			if group[j] == i {
				if j > i {
					b = append(b, ',')
				}
				b = sanitize.AppendJSONString(b, h[j].Value)
			}
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// sameName compares header names as strings.ToLower would, without
// allocating for the usual ASCII names.
func sameName(a, b string) bool {
	if !isASCII(a) || !isASCII(b) {
		//lint:ignore SA6005 the map path keys on strings.ToLower: both must group alike
		return strings.ToLower(a) == strings.ToLower(b)
	}
	return len(a) == len(b) && strings.EqualFold(a, b)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func field(b []byte, name, value string) []byte {
	b = append(b, `,"`...)
	b = append(b, name...)
	b = append(b, `":`...)
	return sanitize.AppendJSONString(b, value)
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
