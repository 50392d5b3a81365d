package send_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"gaff/send"
	"gaff/storage"
)

func newSender(db *storage.DB, timeout time.Duration) *send.Sender {
	return &send.Sender{DB: db, Client: send.NewClient(timeout)}
}

// plainTarget answers every request with h on a loopback server.
func plainTarget(t testing.TB, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
