package diff

import (
	"bytes"
	"compress/gzip"
	"testing"

	"gaff/storage"
)

func req(target, ctype, body string, h ...storage.Header) *storage.Request {
	r := &storage.Request{Body: []byte(body)}
	r.Method, r.Target = "POST", target
	if ctype != "" {
		r.Headers = append(r.Headers, storage.Header{Name: "Content-Type", Value: ctype})
	}
	r.Headers = append(r.Headers, h...)
	return r
}

func TestRequestsHeadersByNameAndRepeats(t *testing.T) {
	a := req("/hook?x=1&y=2", "", "",
		storage.Header{Name: "Date", Value: "Mon"},
		storage.Header{Name: "X-Tag", Value: "a"},
		storage.Header{Name: "X-Gone", Value: "1"})
	b := req("/hook?x=1&y=3&z=4", "", "",
		storage.Header{Name: "date", Value: "Tue"},
		storage.Header{Name: "x-tag", Value: "a"},
		storage.Header{Name: "X-Tag", Value: "b"})
	b.Method = "PUT"
	check(t, Requests(a, b, Options{}),
		"method: POST → PUT",
		"query.y: 2 → 3",
		"+ query.z: 4",
		"headers.Date: Mon → Tue",
		"- headers.X-Gone: 1",
		`headers.X-Tag: a → ["a","b"]`,
	)
	check(t, Requests(a, b, Options{Ignore: []string{"method", "query", "headers.date", "headers.X-Tag", "headers.x-gone"}}))
}

func TestRequestsPathAndJSONBody(t *testing.T) {
	a := req("/a", "application/json", `{"data":{"amount":1},"id":"1"}`)
	b := req("/b", "application/json", `{"data":{"amount":2},"id":"2"}`)
	check(t, Requests(a, b, Options{Ignore: []string{".id"}}),
		"path: /a → /b",
		".data.amount: 1 → 2",
	)
}

func TestRequestsFormBody(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	a := req("/", form, "token=t1&text=hello&user=u")
	b := req("/", form, "text=hello+there&token=t2&team=x")
	check(t, Requests(a, b, Options{Ignore: []string{"form.token"}}),
		"+ form.team: x",
		"form.text: hello → hello there",
		"- form.user: u",
	)
}

func TestRequestsTextAndBytes(t *testing.T) {
	check(t, Requests(req("/", "text/plain", "a\nb\nc"), req("/", "text/plain", "a\nB"), Options{}),
		"body:2: b → B",
		"- body:3: c",
	)
	check(t, Requests(req("/", "", "\x00\x01\x02"), req("/", "", "\x00\x01\x03\x04"), Options{}),
		"body: 3 bytes (differs from byte 2) → 4 bytes (differs from byte 2)")
	check(t, Requests(req("/", "", "\x00\x01\x02"), req("/", "", "\x00"), Options{Ignore: []string{"body"}}))
}

func TestRequestsEqual(t *testing.T) {
	a := req("/h?q=1", "application/json", `{"a":[1,2]}`, storage.Header{Name: "X", Value: "1"})
	b := req("/h?q=1", "application/json", `{"a":[1,2]}`, storage.Header{Name: "x", Value: "1"})
	check(t, Requests(a, b, Options{}))
}

func TestRequestsCompressedBodiesByContent(t *testing.T) {
	gz := func(s string, level int) string {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, level)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	enc := storage.Header{Name: "Content-Encoding", Value: "gzip"}
	a := req("/", "application/json", gz(`{"a":1,"pad":"xxxxxxxxxxxxxxxxxxxxxxxx"}`, gzip.BestSpeed), enc)
	b := req("/", "application/json", gz(`{"a":2,"pad":"xxxxxxxxxxxxxxxxxxxxxxxx"}`, gzip.BestCompression), enc)
	check(t, Requests(a, b, Options{}), ".a: 1 → 2")
	// A body that claims gzip but is not is compared as sent.
	check(t, Requests(req("/", "", "plain", enc), req("/", "", "plane", enc), Options{}), "body:1: plain → plane")
}
