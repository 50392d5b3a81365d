package capture

import (
	"context"
	"fmt"
	"testing"

	"gaff/storage"
)

// net/http answers some requests without asking the handler. None of them
// may get a 2xx unless it was stored: a sender that gets 2xx trusts gaff
// kept it.
func TestRequestsNetHTTPCouldAnswerItselfAreStoredOr2xxFree(t *testing.T) {
	rg := newRig(t, Config{}, storage.Options{})
	cases := []struct {
		name, wire, method, target, body string
		headers                          string // as stored, in order
		mustStore                        bool
	}{
		{"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", "OPTIONS", "*", "", `[{"Host" "x"}]`, true},
		{"OPTIONS * with a body", "OPTIONS * HTTP/1.1\r\nhost: x\r\nContent-Length: 5\r\n\r\nhello", "OPTIONS", "*", "hello", `[{"host" "x"} {"Content-Length" "5"}]`, true},
		{"CONNECT", "CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n", "CONNECT", "example.test:443", "", `[{"Host" "example.test:443"}]`, false},
		{"absolute-form", "POST http://example.test/abs?q=1 HTTP/1.1\r\nhost: example.test\r\nContent-Length: 2\r\n\r\n{}", "POST", "http://example.test/abs?q=1", "{}", `[{"host" "example.test"} {"Content-Length" "2"}]`, false},
		{"HTTP/1.0 without Host", "GET /old HTTP/1.0\r\n\r\n", "GET", "/old", "", `[]`, false},
		{"an expectation net/http does not know", "POST /expect HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\nContent-Length: 2\r\n\r\nhi", "POST", "/expect", "hi", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := rg.db.NewestRequestID(context.Background())
			resp := rawExchange(t, rg.url, c.wire, 1)[0]
			after, _ := rg.db.NewestRequestID(context.Background())
			stored := after > before
			switch {
			case stored:
				// Stored like any other request: as it arrived, with the
				// status it was answered.
				got := rg.last(t)
				if got.Method != c.method || got.Target != c.target || got.Status != resp.StatusCode || string(got.Body) != c.body || fmt.Sprintf("%q", got.Headers) != c.headers {
					t.Fatalf("answered %d, stored %+v body %q headers %q", resp.StatusCode, got.Summary, got.Body, got.Headers)
				}
			case c.mustStore:
				t.Fatalf("answered %d and not stored", resp.StatusCode)
			case resp.StatusCode/100 == 2:
				t.Fatalf("answered %d without storing it", resp.StatusCode)
			}
		})
	}
}
