// Package testkit is what tests in several packages share: real databases
// in the test's temporary directory, loopback addresses and servers, and
// the tools some tests run. Nothing here is a mock.
package testkit

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gaff/capture"
	"gaff/export"
	"gaff/storage"
)

// DB opens a real database in the test's temporary directory, closed when
// the test ends.
func DB(t testing.TB) *storage.DB {
	t.Helper()
	db, _ := DBFile(t)
	return db
}

// DBFile is DB with the path of its file, for a command to open too.
func DBFile(t testing.TB) (*storage.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gaff.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// Store stores r as a capture (now, answered 200, unless r says otherwise)
// and returns it with its id.
func Store(t testing.TB, db *storage.DB, r *storage.Request) *storage.Request {
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

// CaptureServer is a second gaff (its capture handler, its own database)
// to send to: it stores requests as they arrived on the wire, header case
// and repeats included, so comparing its rows with what was sent checks
// fidelity without trusting net/http's canonical header map.
func CaptureServer(t testing.TB) (base string, db *storage.DB) {
	t.Helper()
	db = DB(t)
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

// Newest reads the newest request stored in db.
func Newest(t testing.TB, db *storage.DB) *storage.Request {
	t.Helper()
	id, err := db.NewestRequestID(context.Background())
	if err != nil || id == 0 {
		t.Fatalf("nothing is stored (err %v)", err)
	}
	r, err := db.GetRequest(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// UnusedAddr is a loopback address nothing listens on: for a server to
// take, or a client to find closed.
func UnusedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// RequireTool skips locally when a tool is missing but fails in CI, where
// .ci/run installs it: a skipped test must not pass CI silently.
func RequireTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; .ci/run should install it", name)
		}
		t.Skipf("%s not installed", name)
	}
}

// Export is what `gaff export` writes of db with opt.
func Export(t testing.TB, db *storage.DB, opt export.Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := export.Write(context.Background(), db, &b, opt); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// HeaderLines lists headers as "Name: value", sorted, leaving out names
// in skip (compared case-insensitively): a multiset that keeps case.
func HeaderLines(h storage.Headers, skip ...string) []string {
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

// LockedBuffer is an io.Writer safe to read while others write to it: a
// process's output, or a log the SDK's goroutines write.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
