package redact_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"gaff/redact"
)

// FuzzBodiesKeepTheirShape: whatever the bytes, redaction does not panic,
// JSON stays JSON and a form stays a form.
func FuzzBodiesKeepTheirShape(f *testing.F) {
	for _, s := range []string{`{"token":"a","b":[1,{"password":2}],"c":"x@y.io"}`, `[]`, `"a@b.co"`, `1e5`, ` {"a" : [ ] } `,
		`{"secret":{"k":[1,"2",null,true]}}`, "token=a&b=c%40d.io&payload=%7B%22token%22%3A1%7D", `{"a":"\u00e9\ud83d\ude00"}`, "\xff{\"token\":\"x\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		opt := redact.Options{Fields: []string{".a.b", "c"}}
		got := redact.Request(req("application/json", string(body)), opt)
		if json.Valid(body) && !json.Valid(got.Body) {
			t.Fatalf("JSON %q became %q", body, got.Body)
		}
		form := redact.Request(req("application/x-www-form-urlencoded", string(body)), opt)
		if _, err := url.ParseQuery(string(body)); err == nil && !json.Valid(body) {
			if _, err := url.ParseQuery(string(form.Body)); err != nil {
				t.Fatalf("form %q became %q: %v", body, form.Body, err)
			}
		}
		if got.Size != int64(len(got.Body)) {
			t.Fatalf("size %d for %d bytes", got.Size, len(got.Body))
		}
	})
}
