package redact_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"strconv"
	"strings"
	"testing"

	"gaff/redact"
	"gaff/storage"
)

// A compressed body is where a secret hides from a byte-level scan: the
// redacted copy must carry the same encoding with the secrets gone inside.
func TestCompressedBodiesAreRedactedInside(t *testing.T) {
	const plain = `{"event":"push","token":"t0k-secret","user":{"email":"ann@corp.io"}}`
	const want = `{"event":"push","token":"REDACTED","user":{"email":"user1@example.com"}}`
	type codec struct {
		enc  string
		pack func(*testing.T, []byte) []byte
		read func([]byte) (io.Reader, error)
	}
	codecs := []codec{
		{"gzip", packWith(func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) }),
			func(b []byte) (io.Reader, error) { return gzip.NewReader(bytes.NewReader(b)) }},
		{"deflate", packWith(func(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) }),
			func(b []byte) (io.Reader, error) { return zlib.NewReader(bytes.NewReader(b)) }},
		{"deflate", packWith(func(w io.Writer) io.WriteCloser { fw, _ := flate.NewWriter(w, flate.DefaultCompression); return fw }),
			func(b []byte) (io.Reader, error) { return flate.NewReader(bytes.NewReader(b)), nil }},
	}
	for i, c := range codecs {
		body := c.pack(t, []byte(plain))
		r := req("application/json", string(body),
			storage.Header{Name: "Content-Encoding", Value: c.enc},
			storage.Header{Name: "Content-Length", Value: strconv.Itoa(len(body))})
		got := redact.Request(r, redact.Options{})
		if got.Headers[1].Value != c.enc {
			t.Fatalf("%d: Content-Encoding became %q", i, got.Headers[1].Value)
		}
		rd, err := c.read(got.Body)
		if err != nil {
			t.Fatalf("%d %s: the redacted body does not decode: %v", i, c.enc, err)
		}
		out, err := io.ReadAll(rd)
		if err != nil {
			t.Fatalf("%d %s: the redacted body does not decode: %v", i, c.enc, err)
		}
		if string(out) != want {
			t.Errorf("%d %s: decoded redacted body\n%s\nwant\n%s", i, c.enc, out, want)
		}
		if got.Size != int64(len(got.Body)) || got.Headers[2].Value != strconv.Itoa(len(got.Body)) {
			t.Errorf("%d: size %d, Content-Length %s, body %d bytes", i, got.Size, got.Headers[2].Value, len(got.Body))
		}
		if string(r.Body) != string(body) {
			t.Errorf("%d: the original changed", i)
		}
	}
}

// A compressed body cut short (--max-body) or not compressed at all as it
// claims must not pass through with its secrets: what decodes is redacted,
// and one that is not compressed as it claims is redacted as it is.
func TestCompressedBodyCutShortOrBroken(t *testing.T) {
	plain := `{"token":"t0k-secret","pad":"` + strings.Repeat("x", 4000) + `"}`
	whole := packWith(func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) })(t, []byte(plain))
	cut := whole[:len(whole)/2]
	for name, body := range map[string][]byte{"cut": cut, "not gzip": []byte(`{"token":"t0k-secret"}`)} {
		r := req("application/json", string(body), storage.Header{Name: "Content-Encoding", Value: "gzip"})
		got := redact.Request(r, redact.Options{})
		if bytes.Contains(got.Body, []byte("t0k-secret")) {
			t.Errorf("%s: the secret is still in the body: %q", name, got.Body)
		}
		if name == "not gzip" {
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(got.Body))
		if err != nil {
			t.Fatalf("%s: the redacted body is not gzip: %v", name, err)
		}
		out, _ := io.ReadAll(zr)
		if bytes.Contains(out, []byte("t0k-secret")) {
			t.Errorf("%s: the secret is still inside: %q", name, out)
		}
	}
}

func packWith(open func(io.Writer) io.WriteCloser) func(*testing.T, []byte) []byte {
	return func(t *testing.T, b []byte) []byte {
		var buf bytes.Buffer
		w := open(&buf)
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
}
