package storage

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"strings"
)

// bodyText is what the index holds of a body: the words gaff shows for it,
// not the bytes' encoding of them. A gzip or deflate body is decoded; a
// form's keys and values are percent-decoded (command=%2Fweather is found
// by weather); a multipart body gives its part names, file names and text
// parts; JSON gives its keys and strings unescaped (caf\u00e9 is found by
// café). Everything is bounded by maxIndexedBody; what cannot be decoded is
// indexed as it came, when it is text.
func bodyText(h Headers, body []byte) string {
	if enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))); enc != "" && enc != "identity" {
		// What decoded before an error is indexed: the body may be cut.
		if dec, _ := Decompress(enc, body, maxIndexedBody); len(dec) > 0 {
			body = dec
		}
	}
	mt, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
	mt = strings.ToLower(mt)
	switch {
	case mt == "application/x-www-form-urlencoded" && textual(body):
		return formText(string(body))
	case strings.HasPrefix(mt, "multipart/") && params["boundary"] != "":
		if t, ok := multipartText(h.Get("Content-Type"), body); ok {
			return t
		}
	case bytes.IndexByte(body, '\\') >= 0 && (strings.Contains(mt, "json") || json.Valid(body)):
		// Without a backslash the raw JSON tokenizes to the same words.
		if t, ok := jsonText(body); ok {
			return t
		}
	}
	if textual(body) {
		return string(body)
	}
	return ""
}

// ErrExpands is Decompress's error for a body that decodes to more than
// the limit.
var ErrExpands = errors.New("expands past the limit")

// Decompress decodes a body sent with Content-Encoding enc (gzip, deflate),
// up to limit bytes of output, so a small bomb costs little. What was
// decoded before an error (a cut body, the limit) comes back beside it.
func Decompress(enc string, body []byte, limit int) ([]byte, error) {
	var rd io.Reader
	var err error
	switch enc {
	case "gzip", "x-gzip":
		rd, err = gzip.NewReader(bytes.NewReader(body))
	case "deflate":
		// Servers disagree on whether deflate means zlib-wrapped; try both.
		if rd, err = zlib.NewReader(bytes.NewReader(body)); err != nil {
			rd, err = flate.NewReader(bytes.NewReader(body)), nil
		}
	default:
		return nil, fmt.Errorf("gaff does not decode %q", enc)
	}
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(rd, int64(limit)+1))
	if len(out) > limit {
		return out[:limit], ErrExpands
	}
	return out, err
}

// targetText is the request-target as sent, then its query's pairs
// percent-decoded when it has escapes, as the query tab shows them. The
// target comes first: path: searches anchor at its start.
func targetText(target string) string {
	_, q, ok := strings.Cut(target, "?")
	if !ok || !strings.ContainsAny(q, "%+") {
		return target
	}
	return target + "\n" + formText(q)
}

// formText is a form's keys and values, percent-decoded, a pair a line.
func formText(form string) string {
	var b strings.Builder
	for pair := range strings.SplitSeq(form, "&") {
		k, v, _ := strings.Cut(pair, "=")
		b.WriteString(unescapeForm(k))
		b.WriteByte(' ')
		b.WriteString(unescapeForm(v))
		b.WriteByte('\n')
	}
	return b.String()
}

func unescapeForm(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// maxParts bounds the parts of a multipart body read for the index.
const maxParts = 100

// multipartText is each part's name and file name, and its content when
// it is text. A part cut short still gives what came before it.
func multipartText(contentType string, body []byte) (string, bool) {
	parts, _, _ := Parts(contentType, body, maxParts)
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Name + " " + p.Filename + "\n")
		content := p.Body[:min(len(p.Body), max(0, maxIndexedBody-b.Len()))]
		if textual(content) {
			b.Write(content)
			b.WriteByte('\n')
		}
		if b.Len() >= maxIndexedBody {
			break
		}
	}
	return b.String(), b.Len() > 0
}

// jsonText is a JSON document's keys, strings and other values, unescaped,
// in document order. ok is false for anything that is not one whole JSON
// document (a cut body is indexed as it came).
func jsonText(body []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return b.String(), true
		}
		if err != nil {
			return "", false
		}
		switch v := tok.(type) {
		case json.Delim:
			continue
		case string:
			b.WriteString(v)
		case nil:
			b.WriteString("null")
		default:
			fmt.Fprint(&b, v)
		}
		b.WriteByte('\n')
	}
}
