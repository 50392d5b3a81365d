package send_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gaff/internal/testkit"
	"gaff/storage"
)

// Every way a target fails is stored, in words a user can act on, and
// nothing blocks past the timeout.
func TestReplayFailuresAreStoredInWords(t *testing.T) {
	release := make(chan struct{})
	slow := plainTarget(t, func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body) // so the server notices when the client hangs up
		select {           // never answers in time
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	failing := plainTarget(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom: nil pointer in handler", http.StatusInternalServerError)
	})
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(tlsSrv.Close)
	plain := plainTarget(t, func(http.ResponseWriter, *http.Request) {})

	for _, c := range []struct {
		name, target string
		status       int
		want         string
	}{
		{"target down", "http://" + testkit.UnusedAddr(t), 0, "connection refused"},
		{"slow target", slow, 0, "timed out: no response within 200ms"},
		{"500", failing, 500, ""},
		{"self-signed TLS", tlsSrv.URL, 0, "TLS: the certificate was not accepted"},
		{"plain http as https", strings.Replace(plain, "http://", "https://", 1), 0, "TLS: the target did not answer TLS"},
		{"DNS", "http://nonexistent.invalid/", 0, "DNS: cannot resolve nonexistent.invalid"},
		{"bad scheme", "htp:/x", 0, "not an http:// or https:// URL"},
		{"no scheme", "localhost:3000", 0, "did you mean http://localhost:3000?"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := testkit.DB(t)
			r := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/hook"}, Body: []byte("x")})
			timeout := 200 * time.Millisecond
			if strings.Contains(c.name, "TLS") {
				timeout = 10 * time.Second // a TLS failure is immediate; a busy machine must not make it a timeout
			}
			d, err := newSender(db, timeout).Replay(context.Background(), r.ID, c.target, false)
			if err != nil {
				t.Fatalf("a failed attempt is a stored delivery, not an error: %v", err)
			}
			if d.Status != c.status || !strings.Contains(d.Error, c.want) || (c.want == "") != (d.Error == "") {
				t.Fatalf("status %d error %q; want %d %q", d.Status, d.Error, c.status, c.want)
			}
			rows, _ := db.ListDeliveries(context.Background(), storage.DeliveryFilter{RequestID: r.ID})
			if len(rows) != 1 || rows[0].Error != d.Error || rows[0].Status != c.status || rows[0].Method != "POST" {
				t.Fatalf("stored %+v", rows)
			}
			if c.status == 500 && !strings.Contains(string(rows[0].RespBody), "boom: nil pointer") {
				t.Fatalf("500 body not stored: %q", rows[0].RespBody)
			}
		})
	}
}
