package ui

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"
)

// multipartBody builds a form upload the way a browser or SDK would.
func multipartBody(t *testing.T, parts ...func(*multipart.Writer)) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.SetBoundary("gaffboundary42"); err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		p(w)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), w.FormDataContentType()
}

func part(name, filename, ctype, body string) func(*multipart.Writer) {
	return func(w *multipart.Writer) {
		h := textproto.MIMEHeader{}
		cd := `form-data; name="` + name + `"`
		if filename != "" {
			cd += `; filename="` + filename + `"`
		}
		h.Set("Content-Disposition", cd)
		if ctype != "" {
			h.Set("Content-Type", ctype)
		}
		pw, _ := w.CreatePart(h)
		pw.Write([]byte(body))
	}
}

// A form upload reads as its parts: each named, with its file name, type
// and size, and its body pretty (JSON), as text, or as a hex dump.
func TestMultipartShowsParts(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	body, ct := multipartBody(t,
		part("meta", "", "application/json", `{"event":"upload","n":2}`),
		part("note", "", "", "hello from a form"),
		part("file", "logo.png", "image/png", png),
	)
	h := newHarness(t, 80, 24)
	h.insert(req(1, "POST", "/upload", hdrs("Content-Type", ct), body))
	h.keys("enter")
	h.checkSize()
	if testing.Verbose() {
		t.Log("\n" + h.screen())
	}
	h.contains("body multipart",
		"part 1 of 3  name meta  type application/json  size 24 B",
		`"event": "upload",`,
		"part 2 of 3  name note  size 17 B",
		"hello from a form",
		"part 3 of 3  name file  file logo.png  type image/png  size 16 B",
		"00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  │.PNG........IHDR│",
	)
	// The raw view is still the bytes as received: a hex dump, since the
	// PNG part is binary.
	h.keys("v")
	h.contains("body (raw)", "│--gaffboundary42│", `│; name="meta"..C│`)
	got, err := h.db.GetRequest(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Body, body) {
		t.Fatal("showing the parts changed the stored body")
	}
}

// A body that says multipart but is not is shown as what it is, with a
// note saying why it is not split into parts.
func TestMultipartMalformedFallsBack(t *testing.T) {
	for _, tc := range []struct{ name, ct, body, want string }{
		{"no closing boundary", "multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunfinished", "unfinished"},
		{"no boundary", "multipart/form-data", "just some text", "just some text"},
		{"binary", "multipart/form-data; boundary=xyz", "\x00\x01\x02\x03garbage", "00 01 02 03"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 80, 24)
			h.insert(req(1, "POST", "/upload", hdrs("Content-Type", tc.ct), []byte(tc.body)))
			h.keys("enter")
			h.contains("not well-formed multipart", tc.want)
			h.lacks("part 1 of")
		})
	}
}

// Thousands of tiny parts show the first maxParts and say how many there are.
func TestMultipartManyPartsBounded(t *testing.T) {
	var ps []func(*multipart.Writer)
	for i := range maxParts + 8 {
		ps = append(ps, part(fmt.Sprintf("f%d", i), "", "", "x"))
	}
	body, ct := multipartBody(t, ps...)
	h := newHarness(t, 80, 24)
	h.insert(req(1, "POST", "/upload", hdrs("Content-Type", ct), body))
	h.keys("enter")
	h.contains(fmt.Sprintf("showing the first %d of %d parts", maxParts, maxParts+8), fmt.Sprintf("part 1 of %d", maxParts+8))
	src := h.app.requests.detail.bodySource()
	if n := strings.Count(strings.Join(lines(src), "\n"), "part "); n != maxParts {
		t.Fatalf("%d part headers shown, want %d", n, maxParts)
	}
}

func lines(src lineSource) []string {
	var out []string
	for i := 0; i < src.Count(); i++ {
		l, _ := src.Line(i)
		out = append(out, l)
	}
	return out
}

// Part names, file names and types are the sender's words: they reach the
// screen as text, never as terminal commands. (Control bytes do not get
// through the MIME header reader; bidi and separators do.)
func TestMultipartHostileHeadersRenderAsText(t *testing.T) {
	body, ct := multipartBody(t, part("a\u2066b", "evil\u202egnp.exe", "text/plain\u2028x", "x"))
	parts, total, err := parseMultipart(ct, body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(parts[0].name, "\u2066") || !strings.Contains(parts[0].filename, "\u202e") {
		t.Fatalf("the hostile bytes did not survive parsing: %q %q", parts[0].name, parts[0].filename)
	}
	st := DefaultStyles()
	checkSourceSafe(t, "multipart", newPartsSource(parts, total, &st))
}
