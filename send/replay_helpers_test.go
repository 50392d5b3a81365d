package send_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gaff/capture"
	"gaff/send"
	"gaff/storage"
)

// replayDB opens a real database in the test's temporary directory.
func replayDB(t testing.TB) *storage.DB {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "gaff.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// storeCapture stores r as a capture and returns it with its id.
func storeCapture(t testing.TB, db *storage.DB, r *storage.Request) *storage.Request {
	t.Helper()
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
	r.Size = int64(len(r.Body))
	if r.Status == 0 {
		r.Status = 200
	}
	if err := db.InsertRequest(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

// captureTarget is a second gaff (its capture handler, its own database)
// to replay to: it stores requests as they arrived on the wire, header case
// and repeats included, so comparing its rows with the original capture
// checks fidelity without trusting net/http's canonical header map.
func captureTarget(t testing.TB) (base string, db *storage.DB) {
	t.Helper()
	db = replayDB(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := capture.New(capture.Config{DB: db})
	srv := capture.NewServer(h, nil)
	go srv.Serve(h.Listener(l, "local"))
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String(), db
}

// newestCapture reads the newest request a captureTarget stored.
func newestCapture(t testing.TB, db *storage.DB) *storage.Request {
	t.Helper()
	id, err := db.NewestRequestID(context.Background())
	if err != nil || id == 0 {
		t.Fatalf("the target stored nothing (err %v)", err)
	}
	r, err := db.GetRequest(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

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

// closedPort is a loopback address nothing listens on.
func closedPort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// headerLines lists headers as "Name: value", sorted, leaving out names
// in skip (compared case-insensitively): a multiset that keeps case.
func headerLines(h storage.Headers, skip ...string) []string {
	var out []string
	for _, x := range h {
		if slices.ContainsFunc(skip, func(s string) bool { return strings.EqualFold(s, x.Name) }) {
			continue
		}
		out = append(out, x.Name+": "+x.Value)
	}
	slices.Sort(out)
	return out
}
