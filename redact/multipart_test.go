package redact_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"strings"
	"testing"

	"gaff/redact"
)

// Mailgun's routes and SendGrid's Inbound Parse post multipart forms: a
// field named like a credential is replaced there as in any form, a JSON
// part is redacted as JSON, a file part keeps its bytes, and the body
// still parses with the same boundary.
func TestMultipartFields(t *testing.T) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("token", "mg-t0k-secret")
	w.WriteField("sender", "Ann <ann@corp.io>")
	w.WriteField("customer", "cus_1")
	fw, _ := w.CreateFormFile("attachment", "a.bin")
	bin := []byte{0, 1, 2, 0xff, 'x'}
	fw.Write(bin)
	w.WriteField("envelope", `{"to":["in@corp.io"],"api_key":"k1"}`)
	w.Close()
	body := buf.String()

	r := req(w.FormDataContentType(), body)
	got := redact.Request(r, redact.Options{Fields: []string{".customer"}})
	if strings.Contains(string(got.Body), "mg-t0k-secret") || strings.Contains(string(got.Body), "cus_1") {
		t.Fatalf("a secret field survived:\n%s", got.Body)
	}
	mr := multipart.NewReader(bytes.NewReader(got.Body), w.Boundary())
	want := map[string]string{
		"token":      "REDACTED",
		"sender":     "Ann <user1@example.com>",
		"customer":   "REDACTED",
		"attachment": string(bin),
		"envelope":   `{"to":["user2@example.com"],"api_key":"REDACTED"}`,
	}
	seen := 0
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the redacted body does not parse: %v\n%q", err, got.Body)
		}
		v, _ := io.ReadAll(p)
		if string(v) != want[p.FormName()] {
			t.Errorf("%s: %q, want %q", p.FormName(), v, want[p.FormName()])
		}
		seen++
	}
	if seen != len(want) {
		t.Errorf("%d parts, want %d", seen, len(want))
	}
	if got.Size != int64(len(got.Body)) {
		t.Errorf("size %d for %d bytes", got.Size, len(got.Body))
	}
	// Nothing to redact: the same bytes.
	clean := strings.NewReplacer("mg-t0k-secret", "x", "ann@corp.io", "", "in@corp.io", "", `"api_key":"k1"`, `"n":1`).Replace(body)
	r = req(w.FormDataContentType(), clean)
	if got := redact.Request(r, redact.Options{}); strings.Replace(clean, "name=\"token\"\r\n\r\nx", "name=\"token\"\r\n\r\nREDACTED", 1) != string(got.Body) {
		t.Errorf("untouched parts changed:\n%q\n%q", clean, got.Body)
	}
}

// FuzzMultipartKeepsItsParts: whatever the bytes, a multipart body that
// parsed before redaction parses after, into as many parts.
func FuzzMultipartKeepsItsParts(f *testing.F) {
	const ct = "multipart/form-data; boundary=XyZ"
	for _, s := range []string{
		"--XyZ\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nabc\r\n--XyZ--\r\n",
		"pre\r\n--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx@y.io\r\n--XyZ\r\n\r\n\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n",
		"--XyZ--", "--XyZ\r\n\r\n--XyZ",
	} {
		f.Add([]byte(s))
	}
	count := func(b []byte) (int, bool) {
		mr := multipart.NewReader(bytes.NewReader(b), "XyZ")
		n := 0
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return n, true
			}
			if err != nil {
				return n, false
			}
			if _, err := io.ReadAll(p); err != nil {
				return n, false
			}
			n++
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got := redact.Request(req(ct, string(body)), redact.Options{Fields: []string{"a"}})
		before, ok := count(body)
		if !ok {
			return
		}
		if after, ok := count(got.Body); !ok || after != before {
			t.Fatalf("%q (%d parts) became %q (%d parts, parses: %v)", body, before, got.Body, after, ok)
		}
	})
}
