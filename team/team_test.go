package team

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"gaff/storage"
)

func startServer(t *testing.T) *Server {
	t.Helper()
	s, err := StartServer(ServerOptions{Host: "127.0.0.1", Port: -1, StoreDir: t.TempDir(), Token: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func openDB(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "gaff.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func join(t *testing.T, url, me string, db *storage.DB) *Member {
	t.Helper()
	m, err := Start(Config{URL: url, Name: "t", Me: me, Replicas: 1}, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Stop)
	return m
}

// waitFor polls until cond holds; the bound is generous and only ends a
// test that would otherwise hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("never: %s", what)
}

func capture(t *testing.T, db *storage.DB, path string, body []byte) *storage.Request {
	t.Helper()
	r := &storage.Request{Host: "127.0.0.1:4747", Proto: "HTTP/1.1", Body: body,
		Headers: storage.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Twice", Value: "1"}, {Name: "x-twice", Value: "2"}}}
	r.Method, r.Target, r.Status, r.Size = "POST", path, 200, int64(len(body))
	if err := db.InsertRequest(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

func all(t *testing.T, db *storage.DB) []*storage.Request {
	t.Helper()
	rs, err := db.RequestsAfter(context.Background(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestTeamSharesCapturesBothWays(t *testing.T) {
	s := startServer(t)
	url := s.URL("127.0.0.1")
	a, b := openDB(t), openDB(t)
	ma := join(t, url, "alice", a)
	join(t, url, "bob", b)
	waitFor(t, "alice connected", func() bool { return ma.State().Phase == Connected })
	sent := capture(t, a, "/hooks/github?x=1", []byte(`{"ref":"main"}`))
	capture(t, b, "/from-bob", []byte("bob's"))
	waitFor(t, "alice's capture at bob's", func() bool { return len(all(t, b)) == 2 })
	waitFor(t, "bob's capture at alice's", func() bool { return len(all(t, a)) == 2 })
	var got *storage.Request
	for _, r := range all(t, b) {
		if r.Origin == "alice" {
			got = r
		}
	}
	if got == nil {
		t.Fatalf("no capture from alice at bob's: %+v", all(t, b))
	}
	if got.Target != sent.Target || string(got.Body) != string(sent.Body) || len(got.Headers) != 3 ||
		got.Headers[2].Name != "x-twice" || !got.Time.Equal(sent.Time) {
		t.Fatalf("alice's capture changed on the way: %+v", got)
	}
	// Bob's own capture came back from the stream and was not stored twice.
	for _, r := range all(t, a) {
		if r.Origin == "" && r.Target != "/hooks/github?x=1" {
			t.Fatalf("alice stored a capture without its origin: %+v", r.Summary)
		}
	}
	waitFor(t, "alice has nothing left to ship", func() bool { return ma.State().Behind == 0 })
}
