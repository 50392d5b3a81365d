package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"gaff/internal/bytesize"
	"gaff/storage"
)

// maxDecoded bounds what a compressed body may expand to when printed: a
// small gzip bomb must not take the user's memory.
const maxDecoded = 64 << 20

// decodedBody is the body as the TUI shows it: decoded from its
// Content-Encoding when gaff can, with a note saying so or why not.
func decodedBody(h storage.Headers, body []byte) ([]byte, string) {
	enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding")))
	if enc == "" || enc == "identity" || len(body) == 0 {
		return body, ""
	}
	dec, err := storage.Decompress(enc, body, maxDecoded)
	switch {
	case errors.Is(err, storage.ErrExpands):
		return body, fmt.Sprintf("Content-Encoding %s expands past %s: showing the bytes as received", enc, bytesize.Format(maxDecoded))
	case err != nil:
		return body, fmt.Sprintf("Content-Encoding %s could not be decoded (%v): showing the bytes as received", enc, err)
	}
	return dec, fmt.Sprintf("decoded from %s for display: %s → %s (--json has the bytes as received)",
		enc, bytesize.Format(int64(len(body))), bytesize.Format(int64(len(dec))))
}

// looksText: valid UTF-8 with few control bytes. Text with a stray escape
// is still text (the sanitiser shows it); a PNG is not.
func looksText(b []byte) bool {
	// A body cut at --max-body may end in half a rune; judge what is whole.
	for k := 0; k < utf8.UTFMax && len(b) > 0 && !utf8.Valid(b); k++ {
		b = b[:len(b)-1]
	}
	if !utf8.Valid(b) {
		return false
	}
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			ctl++
		}
	}
	return ctl*100 <= len(b)
}

// hexDump writes b 16 bytes a row, as the TUI does: offset, bytes, and the
// printable ASCII ones (anything else is a dot, so nothing reaches the
// terminal but plain characters).
func hexDump(w io.Writer, b []byte) {
	var row strings.Builder
	for off := 0; off < len(b); off += 16 {
		chunk := b[off:min(len(b), off+16)]
		row.Reset()
		fmt.Fprintf(&row, "%08x  ", off)
		for k := range 16 {
			if k == 8 {
				row.WriteByte(' ')
			}
			if k < len(chunk) {
				fmt.Fprintf(&row, "%02x ", chunk[k])
			} else {
				row.WriteString("   ")
			}
		}
		row.WriteString(" |")
		for _, c := range chunk {
			if c < 0x20 || c >= 0x7f {
				c = '.'
			}
			row.WriteByte(c)
		}
		row.WriteString("|\n")
		io.WriteString(w, row.String())
	}
}
