package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"database/sql"
)

func openTemp(t *testing.T, opt Options) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "gaff.db")
	d, err := Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, path
}

func sample(i int) *Request {
	return &Request{
		Summary: Summary{Method: "POST", Target: fmt.Sprintf("/hook/%d?x=%d", i, i), Size: 5, Status: 200},
		Host:    "127.0.0.1:4747", Proto: "HTTP/1.1", RemoteAddr: "127.0.0.1:5555",
		Headers: Headers{{"Content-Type", "application/json"}, {"X-Dup", "a"}, {"x-dup", "b"}},
		Body:    []byte(fmt.Sprintf(`{"n":%d}`, i)),
	}
}

func TestOpenCreatesPrivateFileAndDir(t *testing.T) {
	d, path := openTemp(t, Options{})
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", st.Mode().Perm())
	}
	dst, _ := os.Stat(filepath.Dir(path))
	if dst.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, want 0700", dst.Mode().Perm())
	}
	var v int
	if err := d.ro.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != len(migrations) {
		t.Fatalf("user_version %d (%v), want %d", v, err, len(migrations))
	}
	var mode string
	d.ro.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode %q, want wal", mode)
	}
}

func TestMigrationsAreIdempotentAcrossReopen(t *testing.T) {
	d, path := openTemp(t, Options{})
	if err := d.InsertRequest(context.Background(), sample(1)); err != nil {
		t.Fatal(err)
	}
	d.Close()
	d2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	n, _ := d2.CountRequests(context.Background())
	if n != 1 || d2.LastRequestID() != 1 {
		t.Fatalf("after reopen count=%d last=%d, want 1,1", n, d2.LastRequestID())
	}
}

func TestRoundTripIsByteExact(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	body := make([]byte, 256)
	for i := range body {
		body[i] = byte(i)
	}
	r := &Request{
		Summary: Summary{Method: "PUT", Target: "/p\xff\x1b[31m?a=1&a=2", Size: 256, Truncated: true, Status: 413},
		Host:    "h", Proto: "HTTP/1.1", RemoteAddr: "1.2.3.4:5",
		Headers: Headers{{"X-Bin", "\xff\xfe\x00"}, {"x-lower", "v"}, {"X-Bin", "second"}, {"Empty", ""}},
		Body:    body,
	}
	if err := d.InsertRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := d.GetRequest(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Target != r.Target || got.Method != "PUT" || !got.Truncated || got.Status != 413 {
		t.Errorf("summary mismatch: %+v", got.Summary)
	}
	if !bytes.Equal(got.Body, body) {
		t.Error("body changed in storage")
	}
	if len(got.Headers) != 4 || got.Headers[0] != r.Headers[0] || got.Headers[1].Name != "x-lower" || got.Headers[2].Value != "second" || got.Headers[3] != (Header{"Empty", ""}) {
		t.Errorf("headers %q", got.Headers)
	}
	// An empty body stays empty, not NULL.
	e := sample(2)
	e.Body = nil
	if err := d.InsertRequest(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, _ = d.GetRequest(ctx, e.ID)
	if got.Body == nil || len(got.Body) != 0 {
		t.Errorf("empty body came back as %v", got.Body)
	}
	if _, err := d.GetRequest(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing id: %v", err)
	}
}

func TestGroupCommitManyWriters(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	const writers, each = 64, 40
	var wg sync.WaitGroup
	ids := make(chan int64, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := sample(w*1000 + i)
				if err := d.InsertRequest(ctx, r); err != nil {
					t.Error(err)
					return
				}
				// Committed means readable by another connection, now.
				if _, err := d.GetRequest(ctx, r.ID); err != nil {
					t.Errorf("id %d acknowledged but not readable: %v", r.ID, err)
				}
				ids <- r.ID
			}
		}(w)
	}
	wg.Wait()
	close(ids)
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("id %d returned twice", id)
		}
		seen[id] = true
	}
	n, _ := d.CountRequests(ctx)
	if n != writers*each || len(seen) != writers*each {
		t.Fatalf("count %d, distinct ids %d, want %d", n, len(seen), writers*each)
	}
	if d.LastRequestID() != writers*each {
		t.Errorf("LastRequestID %d", d.LastRequestID())
	}
	var batches int64 = d.Version()
	if batches >= writers*each {
		t.Errorf("%d commits for %d inserts: writes were not grouped", batches, writers*each)
	}
}

func TestKeysetPaging(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	for i := 1; i <= 25; i++ {
		if err := d.InsertRequest(ctx, sample(i)); err != nil {
			t.Fatal(err)
		}
	}
	first, err := d.ListRequests(ctx, Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 10 || first[0].ID != 25 || first[9].ID != 16 {
		t.Fatalf("first page ids %d..%d", first[0].ID, first[len(first)-1].ID)
	}
	second, _ := d.ListRequests(ctx, Page{Before: first[9].ID, Limit: 10})
	if second[0].ID != 15 || second[9].ID != 6 {
		t.Fatalf("second page ids %d..%d", second[0].ID, second[9].ID)
	}
	last, _ := d.ListRequests(ctx, Page{Before: 6, Limit: 10})
	if len(last) != 5 || last[4].ID != 1 {
		t.Fatalf("last page %d rows", len(last))
	}
	up, _ := d.ListRequests(ctx, Page{After: 15, Limit: 3})
	if len(up) != 3 || up[0].ID != 18 || up[2].ID != 16 {
		t.Fatalf("after page %+v", ids(up))
	}
	old, _ := d.ListRequests(ctx, Page{Oldest: true, Limit: 4})
	if fmt.Sprint(ids(old)) != "[4 3 2 1]" {
		t.Fatalf("oldest page %v", ids(old))
	}
	if first[0].Path() != "/hook/25" || first[0].RawQuery() != "x=25" {
		t.Errorf("path/query split: %q %q", first[0].Path(), first[0].RawQuery())
	}
}

func ids(s []Summary) []int64 {
	var out []int64
	for _, x := range s {
		out = append(out, x.ID)
	}
	return out
}

func TestWatchCoalescesAndNeverBlocks(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ch, stop := d.Watch()
	defer stop()
	for i := 0; i < 20; i++ { // nobody reads ch meanwhile
		if err := d.InsertRequest(context.Background(), sample(i)); err != nil {
			t.Fatal(err)
		}
	}
	<-ch
	select {
	case <-ch:
		t.Fatal("signals were not coalesced")
	default:
	}
	if d.LastRequestID() != 20 {
		t.Fatalf("LastRequestID %d", d.LastRequestID())
	}
}

func TestCorruptFileIsRefusedAndUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaff.db")
	junk := bytes.Repeat([]byte("not a database\n"), 300)
	os.WriteFile(path, junk, 0o600)
	_, err := Open(path, Options{})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("not an SQLite database")) {
		t.Fatalf("want a clear corrupt-file error, got %v", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, junk) {
		t.Fatal("the corrupt file was modified")
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Error("a WAL file was created beside the corrupt file")
	}
	// A file with SQLite's magic but garbage after it is refused too.
	bad := append([]byte(sqliteMagic), bytes.Repeat([]byte{0xAB}, 8192)...)
	os.WriteFile(path, bad, 0o600)
	if _, err := Open(path, Options{}); err == nil {
		t.Fatal("garbage after the magic was accepted")
	}
	after, _ = os.ReadFile(path)
	if !bytes.Equal(after, bad) {
		t.Fatal("the damaged file was modified")
	}
}

func TestReadOnlyWhileAnotherWrites(t *testing.T) {
	d, path := openTemp(t, Options{})
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		d.InsertRequest(ctx, sample(i))
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 50; i++ {
			d.InsertRequest(ctx, sample(i))
		}
	}()
	for i := 0; i < 20; i++ {
		if _, err := ro.ListRequests(ctx, Page{Limit: 10}); err != nil {
			t.Fatal(err)
		}
	}
	<-done
	n, _ := ro.NewestRequestID(ctx)
	if n != 55 {
		t.Fatalf("reader sees newest %d, want 55", n)
	}
	if err := ro.InsertRequest(ctx, sample(1)); err == nil {
		t.Fatal("read-only DB accepted a write")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none.db"), Options{ReadOnly: true}); err == nil {
		t.Fatal("read-only open of a missing file succeeded")
	}
}

func TestFullDiskIsReportedAndRecovers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaff.db")
	d, err := Open(path, Options{MaxPageCount: 40})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	big := sample(0)
	big.Body = bytes.Repeat([]byte("x"), 64<<10)
	var fullErr error
	for i := 0; i < 20 && fullErr == nil; i++ {
		fullErr = d.InsertRequest(ctx, big)
	}
	if !errors.Is(fullErr, ErrFull) {
		t.Fatalf("want ErrFull, got %v", fullErr)
	}
	// Space returns: raise the cap, and writes succeed again.
	if _, err := d.rw.Exec("PRAGMA max_page_count = 100000"); err != nil {
		t.Fatal(err)
	}
	if err := d.InsertRequest(ctx, sample(1)); err != nil {
		t.Fatalf("after space returned: %v", err)
	}
}

func TestSubmitAfterCloseFails(t *testing.T) {
	d, _ := openTemp(t, Options{})
	d.Close()
	if err := d.InsertRequest(context.Background(), sample(1)); !errors.Is(err, ErrClosed) {
		t.Fatalf("got %v", err)
	}
}

func TestHeaderCodecRejectsDamage(t *testing.T) {
	h := Headers{{"A", "1"}, {"b", "2"}}
	enc := encodeHeaders(h)
	for cut := 0; cut < len(enc); cut++ {
		if _, err := decodeHeaders(enc[:cut]); err == nil {
			t.Errorf("truncated at %d decoded without error", cut)
		}
	}
}

func TestLockedByAnotherWriterIsABoundedWait(t *testing.T) {
	d, path := openTemp(t, Options{BusyTimeout: 300 * time.Millisecond})
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	err = d.InsertRequest(context.Background(), sample(1))
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("want ErrBusy, got %v", err)
	}
	conn.ExecContext(context.Background(), "ROLLBACK")
	if err := d.InsertRequest(context.Background(), sample(2)); err != nil {
		t.Fatalf("after the lock was released: %v", err)
	}
}
