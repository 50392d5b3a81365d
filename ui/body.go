package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"gaff/internal/bytesize"
	"gaff/sanitize"
	"gaff/storage"
)

type bodyKind int

const (
	kindEmpty bodyKind = iota
	kindJSON
	kindForm
	kindText
	kindBinary
	kindMultipart
)

func (k bodyKind) String() string {
	return [...]string{"empty", "JSON", "form", "text", "binary", "multipart"}[k]
}

// bodyDoc is a body analysed for display. Building it may read the whole
// body (decompress, validate JSON), so it happens in a tea.Cmd, never in
// Update or View.
type bodyDoc struct {
	raw   []byte
	shown []byte // decoded from Content-Encoding, else raw
	kind  bodyKind
	lang  string // chroma lexer for text bodies, "" for none
	notes []string
	// parts of a multipart/form-data body, the first maxParts of total.
	parts      []bodyPart
	partsTotal int
}

// maxFormTable is the largest form body shown as a table.
const maxFormTable = 256 << 10

// maxDecoded bounds what a compressed body may expand to on screen: a small
// gzip bomb must not take the user's memory.
const maxDecoded = 64 << 20

func analyseBody(r *storage.Request) *bodyDoc {
	d := &bodyDoc{raw: r.Body, shown: r.Body}
	if r.Truncated {
		d.notes = append(d.notes, fmt.Sprintf("cut: %s of %s stored (%s)", bytesize.Format(int64(len(r.Body))), bytesize.Format(r.Size), r.Note))
	}
	if enc := strings.ToLower(strings.TrimSpace(r.Headers.Get("Content-Encoding"))); enc != "" && enc != "identity" && len(r.Body) > 0 {
		dec, err := decode(enc, r.Body)
		switch {
		case err != nil:
			d.notes = append(d.notes, fmt.Sprintf("Content-Encoding %q could not be decoded (%q): showing the bytes as received", sanitize.Line(enc), sanitize.Line(err.Error())))
		default:
			d.shown = dec
			d.notes = append(d.notes, fmt.Sprintf("decoded from %s for display: %s → %s (press v for the bytes as received)", enc, bytesize.Format(int64(len(r.Body))), bytesize.Format(int64(len(dec)))))
		}
	}
	ct := r.Headers.Get("Content-Type")
	d.kind, d.lang = classify(ct, d.shown)
	if mt, _, _ := mime.ParseMediaType(ct); strings.EqualFold(mt, "multipart/form-data") && len(d.shown) > 0 {
		d.multipart(ct)
	}
	return d
}

// multipart shows the body as its parts, or, when it does not parse, as the
// text or bytes it is, with a note saying why.
func (d *bodyDoc) multipart(contentType string) {
	parts, total, err := parseMultipart(contentType, d.shown)
	if err != nil {
		d.notes = append(d.notes, fmt.Sprintf("not well-formed multipart (%q): showing the body as %s", sanitize.Line(err.Error()), d.kind))
		return
	}
	d.kind, d.parts, d.partsTotal = kindMultipart, parts, total
	if total > len(parts) {
		d.notes = append(d.notes, fmt.Sprintf("showing the first %d of %d parts (press v for the whole body)", len(parts), total))
	}
}

func decode(enc string, b []byte) ([]byte, error) {
	out, err := storage.Decompress(enc, b, maxDecoded)
	if errors.Is(err, storage.ErrExpands) {
		return nil, fmt.Errorf("expands past %s", bytesize.Format(maxDecoded))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func classify(contentType string, b []byte) (bodyKind, string) {
	if len(b) == 0 {
		return kindEmpty, ""
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	mt = strings.ToLower(mt)
	first := firstNonSpace(b)
	switch {
	case strings.Contains(mt, "json") || first == '{' || first == '[':
		if json.Valid(b) {
			return kindJSON, "json"
		}
	case mt == "application/x-www-form-urlencoded":
		// The table is built whole; a huge form reads fine as lazy text.
		if utf8.Valid(b) && len(b) <= maxFormTable {
			return kindForm, ""
		}
	}
	if !sanitize.LooksText(b) {
		return kindBinary, ""
	}
	switch {
	case strings.Contains(mt, "xml") || first == '<' && bytes.HasPrefix(bytes.TrimSpace(b), []byte("<?xml")):
		return kindText, "xml"
	case strings.Contains(mt, "html"):
		return kindText, "html"
	case strings.Contains(mt, "yaml"):
		return kindText, "yaml"
	}
	return kindText, ""
}

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			return c
		}
	}
	return 0
}

// shortBytes is a size without the space, for the narrow list column.
func shortBytes(n int64) string { return strings.ReplaceAll(bytesize.Format(n), " ", "") }
