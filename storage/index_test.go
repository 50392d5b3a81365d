package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// An index batch, however long, never holds the database's writer: a
// capture arriving meanwhile commits at once. The index batch used to run
// inside the writer's transaction, so the capture waited for it.
func TestIndexBatchNeverHoldsTheWriter(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	for i := range 50 {
		if err := d.InsertRequest(ctx, sample(i)); err != nil {
			t.Fatal(err)
		}
	}
	inBatch, release := make(chan struct{}), make(chan struct{})
	indexBatchHeld = func() { close(inBatch); <-release }
	t.Cleanup(func() { indexBatchHeld = nil })
	indexed := make(chan error, 1)
	go func() { _, err := d.IndexSome(ctx); indexed <- err }()
	<-inBatch

	stored := make(chan error, 1)
	go func() { stored <- d.InsertRequest(ctx, sample(99)) }()
	select {
	case err := <-stored:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second): // a hang, not a speed
		close(release)
		t.Fatal("a capture waited for an index batch to finish")
	}
	close(release)
	if err := <-indexed; err != nil {
		t.Fatal(err)
	}
}

// A process that only reads (gaff list) finds captures the capturing gaff
// stored but never indexed: it searches them in memory, and the index
// stays as it was.
func TestReaderSearchFindsRowsNeverIndexed(t *testing.T) {
	d, path := openTemp(t, Options{})
	ctx := context.Background()
	r := sample(1)
	r.Body = []byte(`{"word":"kumquat"}`)
	if err := d.InsertRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	d.Close()

	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got := fmt.Sprint(searchIDs(t, ro, "kumquat")); got != "[1]" {
		t.Fatalf("a reader's search for a capture never indexed found %s", got)
	}
	if lag, _ := ro.IndexLag(ctx); lag != 1 {
		t.Fatalf("lag %d after the reader's search, want 1: it wrote the index", lag)
	}
}

// An index file made for another database (a copy, a database restored
// from backup) is emptied and rebuilt, never searched as this one's.
func TestIndexOfAnotherDatabaseIsRebuilt(t *testing.T) {
	a, pathA := openTemp(t, Options{})
	b, pathB := openTemp(t, Options{})
	ctx := context.Background()
	ra, rb := sample(1), sample(1)
	ra.Body, rb.Body = []byte("apricot"), []byte("blueberry")
	a.InsertRequest(ctx, ra)
	b.InsertRequest(ctx, rb)
	indexAll(t, a)
	indexAll(t, b)
	a.Close()
	b.Close()
	idx, err := os.ReadFile(searchPath(pathA))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(searchPath(pathB) + "-wal")
	os.Remove(searchPath(pathB) + "-shm")
	if err := os.WriteFile(searchPath(pathB), idx, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := Open(pathB, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := searchIDs(t, d, "apricot"); len(got) != 0 {
		t.Fatalf("the other database's index was searched: %v", got)
	}
	if got := fmt.Sprint(searchIDs(t, d, "blueberry")); got != "[1]" {
		t.Fatalf("blueberry → %s after the rebuild", got)
	}
}

// Deleting a request takes its words out of the index too (they may be a
// secret's), not only out of the results.
func TestDeletedRequestLeavesTheIndex(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	for i := range 3 {
		d.InsertRequest(ctx, sample(i))
	}
	indexAll(t, d)
	if err := d.DeleteRequest(ctx, 2); err != nil {
		t.Fatal(err)
	}
	indexAll(t, d)
	var n int
	err := d.withIndex(ctx, func(c *sql.Conn, ok bool) error {
		if !ok {
			return errors.New("no index")
		}
		return c.QueryRowContext(ctx, `SELECT count(*) FROM search.requests_fts WHERE rowid = 2`).Scan(&n)
	})
	if err != nil || n != 0 {
		t.Fatalf("the deleted request has %d entries in the index (%v)", n, err)
	}
}

// The index holds words of every capture: its files are private, and a
// file of another program's in its place is refused, not overwritten.
func TestIndexFileIsPrivateAndOurs(t *testing.T) {
	d, path := openTemp(t, Options{})
	d.InsertRequest(context.Background(), sample(1))
	indexAll(t, d)
	for _, p := range []string{searchPath(path), searchPath(path) + "-wal"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s is %o, want 600", p, st.Mode().Perm())
		}
	}
	d.Close()

	other := t.TempDir() + "/g.db"
	sqliteFile(t, other+searchSuffix, "CREATE TABLE notes(x)")
	before := stateOf(t, other+searchSuffix)
	if d, err := Open(other, Options{}); err == nil || !strings.Contains(err.Error(), "another program's") {
		if d != nil {
			d.Close()
		}
		t.Fatalf("opened beside another program's file in the index's place: %v", err)
	}
	if after := stateOf(t, other+searchSuffix); after.sum != before.sum {
		t.Error("the other program's file was changed")
	}
}

// Under a flood with the indexer running, every insert that returned
// (what capture answers 2xx on) is stored at that moment, and all of them
// are searchable once the index catches up.
func TestIndexerUnderLoadKeepsEveryAck(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { d.RunIndexer(ctx, func(err error) { t.Error(err) }) })
	const writers, each = 16, 100
	var mu sync.Mutex
	var acked []int64
	var load sync.WaitGroup
	for w := range writers {
		load.Go(func() {
			for i := range each {
				r := sample(w*each + i)
				r.Body = []byte(fmt.Sprintf(`{"token":"tok%dx%d"}`, w, i))
				if err := d.InsertRequest(context.Background(), r); err != nil {
					t.Error(err)
					return
				}
				if _, err := d.GetRequest(context.Background(), r.ID); err != nil {
					t.Errorf("acked request %d is not stored: %v", r.ID, err)
				}
				mu.Lock()
				acked = append(acked, r.ID)
				mu.Unlock()
			}
		})
	}
	load.Wait()
	cancel()
	wg.Wait()
	if left, err := d.CatchUpIndex(context.Background()); err != nil || left != 0 {
		t.Fatalf("%d left unindexed (%v)", left, err)
	}
	if len(acked) != writers*each {
		t.Fatalf("%d acked", len(acked))
	}
	for _, probe := range []string{"tok0x0", "tok15x99", "tok7x42"} {
		if got := searchIDs(t, d, probe); len(got) != 1 {
			t.Errorf("%s → %v", probe, got)
		}
	}
}

// gaff list on a database an older gaff wrote (its index still inside it)
// searches nothing it cannot, says how much, and leaves no index file: it
// only reads.
func TestReaderOfAnOlderDatabaseMakesNoIndex(t *testing.T) {
	path := t.TempDir() + "/old.db"
	stmts := append([]string{"PRAGMA journal_mode = WAL"}, migrations[:4]...)
	stmts = append(stmts, "PRAGMA user_version = 4", fmt.Sprintf("PRAGMA application_id = %d", applicationID),
		`INSERT INTO requests(received_at, method, target, host, proto, remote_addr, headers, body, size) VALUES (1, 'POST', '/x', 'h', 'HTTP/1.1', 'r', x'00', 'papaya', 6)`)
	sqliteFile(t, path, stmts...)
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got := searchIDs(t, ro, "papaya"); len(got) != 0 {
		t.Fatalf("found %v", got)
	}
	if lag, err := ro.IndexLag(context.Background()); err != nil || lag != 1 {
		t.Fatalf("lag %d (%v), want 1", lag, err)
	}
	if _, err := os.Stat(searchPath(path)); err == nil {
		t.Fatal("a reader made an index file beside an older gaff's database")
	}
}
