package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"gaff/internal/bytesize"
	"gaff/sanitize"
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

// hexDump writes b 16 bytes a row, as the TUI does: offset, bytes, and the
// printable ASCII ones (anything else is a dot, so nothing reaches the
// terminal but plain characters).
func hexDump(w io.Writer, b []byte) {
	for off := 0; off < len(b); off += 16 {
		hex, ascii := sanitize.HexRow(b[off:min(len(b), off+16)])
		fmt.Fprintf(w, "%08x  %s |%s|\n", off, hex, ascii)
	}
}
