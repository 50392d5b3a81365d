package redact

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"strings"

	"gaff/storage"
)

// maxDecoded bounds what a compressed body may expand to, so a small bomb
// costs little; a redacted copy of a larger one is cut there.
const maxDecoded = 32 << 20

// compressed redacts a gzip or deflate body inside its encoding, since a
// byte-level pass over compressed bytes finds nothing and the copy would
// leave with its secrets. The result is compressed again the same way,
// so the headers stay true; Go's writers give the same bytes for the
// same input, so a fixture saved twice stays identical. What decodes of
// a body cut short is redacted and closed off properly. ok is false when
// the body is not in an encoding gaff reads (it then goes through the
// plain rules).
func (x *redactor) compressed(b []byte, encoding, contentType string) (out []byte, ok bool) {
	enc := strings.ToLower(strings.TrimSpace(encoding))
	if enc != "gzip" && enc != "x-gzip" && enc != "deflate" {
		return nil, false
	}
	plain, err := storage.Decompress(enc, b, maxDecoded)
	if err != nil && len(plain) == 0 {
		return nil, false
	}
	plain = x.body(plain, contentType)
	var buf bytes.Buffer
	var w io.WriteCloser
	switch {
	case enc != "deflate":
		w = gzip.NewWriter(&buf)
	case isZlib(b):
		w = zlib.NewWriter(&buf)
	default:
		w, _ = flate.NewWriter(&buf, flate.DefaultCompression)
	}
	// Writes to a bytes.Buffer do not fail.
	_, _ = w.Write(plain)
	_ = w.Close()
	return buf.Bytes(), true
}

// isZlib tells the two things senders call deflate apart, as
// storage.Decompress reads them: zlib-wrapped first, raw otherwise.
func isZlib(b []byte) bool {
	_, err := zlib.NewReader(bytes.NewReader(b))
	return err == nil
}
