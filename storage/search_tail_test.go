package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tailFixture stores rows on a writer (the index writer, as a capturing
// gaff is) and indexes the first indexed of them; the rest stay past the
// index's mark. It returns the writer and a reader of the same files.
func tailFixture(t *testing.T, rows []*Request, indexed int, readerOpt Options) (w, ro *DB) {
	t.Helper()
	ctx := context.Background()
	w, path := openTemp(t, Options{})
	if err := w.InsertRequests(ctx, rows[:indexed]); err != nil {
		t.Fatal(err)
	}
	if left, err := w.CatchUpIndex(ctx); err != nil || left != 0 {
		t.Fatalf("%d left unindexed (%v)", left, err)
	}
	if err := w.InsertRequests(ctx, rows[indexed:]); err != nil {
		t.Fatal(err)
	}
	readerOpt.ReadOnly = true
	ro, err := Open(path, readerOpt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	return w, ro
}

func indexStamp(t *testing.T, d *DB) string {
	t.Helper()
	upTo, err := d.IndexedUpTo(context.Background())
	st, serr := os.Stat(searchPath(d.path))
	wal, _ := os.Stat(searchPath(d.path) + "-wal")
	if err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	s := fmt.Sprint(upTo, st.Size(), st.ModTime())
	if wal != nil {
		s += fmt.Sprint(wal.Size(), wal.ModTime())
	}
	return s
}

// A reader beside the capturing gaff finds rows stored past the index's
// mark by every kind of token the index holds, and writes nothing to the
// index to do so.
func TestSearchCoversRowsPastTheIndex(t *testing.T) {
	var rows []*Request
	for i := 1; i <= 4; i++ {
		rows = append(rows, sample(i))
	}
	word := sample(5)
	word.Body = []byte(`{"fruit":"kumquat"}`)
	first, again := sample(6), sample(7)
	first.DeliveryID, again.DeliveryID = "d-42", "d-42"
	hdr := sample(8)
	hdr.Headers = append(hdr.Headers, Header{"X-GitHub-Event", "push"})
	form := sample(9)
	form.Headers = Headers{{"Content-Type", "application/x-www-form-urlencoded"}}
	form.Body = []byte("name=J%C3%BCrgen+Quince&x=1")
	rows = append(rows, word, first, again, hdr, form)
	w, ro := tailFixture(t, rows, 4, Options{})
	if again.DuplicateOf != first.ID {
		t.Fatalf("#%d duplicate_of %d, want %d", again.ID, again.DuplicateOf, first.ID)
	}
	before := indexStamp(t, ro)
	for _, d := range []*DB{ro, w} {
		for q, want := range map[string]string{
			"kumquat":                    fmt.Sprint([]int64{word.ID}),
			"dup:yes":                    fmt.Sprint([]int64{again.ID}),
			"header:X-GitHub-Event=push": fmt.Sprint([]int64{hdr.ID}),
			"jurgen":                     fmt.Sprint([]int64{form.ID}),
			"method:POST":                fmt.Sprint([]int64{9, 8, 7, 6, 5, 4, 3, 2, 1}),
		} {
			if got := fmt.Sprint(searchIDs(t, d, q)); got != want {
				t.Errorf("%q → %s, want %s", q, got, want)
			}
		}
		if d == ro {
			if after := indexStamp(t, ro); after != before {
				t.Fatalf("a reader's search changed the index: %s → %s", before, after)
			}
			if n, err := ro.Unsearched(context.Background()); err != nil || n != 0 {
				t.Fatalf("Unsearched %d (%v), want 0", n, err)
			}
		}
	}
}

// Pages of a search are newest first and keyset-paged across the index's
// mark, with a limit smaller than the tail, in both directions.
func TestSearchPagesAcrossTheIndexMark(t *testing.T) {
	var rows []*Request
	for i := 1; i <= 20; i++ {
		r := sample(i)
		if i%2 == 0 {
			r.Method = "PUT"
		}
		rows = append(rows, r)
	}
	w, ro := tailFixture(t, rows, 9, Options{}) // 1-9 indexed, 10-20 past the mark
	// A row indexed, then changed: the index holds its old status.
	if err := w.SetStatus(context.Background(), 4, 502); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, d := range []*DB{ro, w} {
		q, _ := ParseQuery("method:PUT")
		var walked []int64
		before := int64(0)
		for range 10 {
			page, err := d.ListRequests(ctx, Page{Query: q, Limit: 3, Before: before})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			walked = append(walked, ids(page)...)
			before = page[len(page)-1].ID
		}
		if fmt.Sprint(walked) != "[20 18 16 14 12 10 8 6 4 2]" {
			t.Errorf("walked back %v", walked)
		}
		old, _ := d.ListRequests(ctx, Page{Query: q, Limit: 3, Oldest: true})
		up, _ := d.ListRequests(ctx, Page{Query: q, Limit: 3, After: 6})
		top, _ := d.ListRequests(ctx, Page{Query: q, Limit: 3})
		if got := fmt.Sprint(ids(old), ids(up), ids(top)); got != "[6 4 2] [12 10 8] [20 18 16]" {
			t.Errorf("oldest, after 6, newest: %s", got)
		}
		s502, _ := ParseQuery("status:502")
		s200, _ := ParseQuery("status:200 method:PUT")
		a, _ := d.ListRequests(ctx, Page{Query: s502, Limit: 5})
		b, _ := d.ListRequests(ctx, Page{Query: s200, Limit: 5, Oldest: true})
		if got := fmt.Sprint(ids(a), ids(b)); got != "[4] [12 10 8 6 2]" {
			t.Errorf("a row changed after indexing: status:502 %v, status:200 %v", ids(a), ids(b))
		}
	}
}

// A tail longer than the bound, in rows or in text, is not searched: the
// search answers from the index and Unsearched says how many it missed.
func TestSearchTailTooLong(t *testing.T) {
	defer func(r, b int64) { tailMaxRows, tailMaxBytes = r, b }(tailMaxRows, tailMaxBytes)
	for _, bound := range []struct{ rows, bytes int64 }{{5, 64 << 20}, {20000, 400}} {
		tailMaxRows, tailMaxBytes = bound.rows, bound.bytes
		var rows []*Request
		for i := 1; i <= 12; i++ {
			rows = append(rows, sample(i))
		}
		// The capturing gaff's indexer is busy, so the reader cannot catch
		// up either; it gives up waiting soon.
		w, ro := tailFixture(t, rows, 4, Options{BusyTimeout: 50 * time.Millisecond})
		hold := make(chan struct{})
		held := make(chan struct{})
		indexBatchHeld = func() { close(held); <-hold }
		busy := make(chan error, 1)
		go func() { _, err := w.IndexSome(context.Background()); busy <- err }()
		<-held
		q, _ := ParseQuery("method:POST")
		got, err := ro.ListRequests(context.Background(), Page{Query: q, Limit: 100})
		n, uerr := ro.Unsearched(context.Background())
		close(hold)
		if err := <-busy; err != nil {
			t.Fatal(err)
		}
		indexBatchHeld = nil
		if err != nil || uerr != nil || fmt.Sprint(ids(got)) != "[4 3 2 1]" || n != 8 {
			t.Fatalf("bound %+v: found %v (%v), unsearched %d (%v); want the 4 indexed and 8 unsearched", bound, ids(got), err, n, uerr)
		}
	}
}

// Measuring and reading a tail seeks the primary keys; it never reads the
// history.
func TestSearchTailSeeks(t *testing.T) {
	d, _ := openTemp(t, Options{})
	for _, q := range []string{
		`SELECT count(*), coalesce(max(id), 0) FROM (SELECT id, target FROM requests WHERE ` + tailWhere + ` LIMIT ?)`,
		`SELECT id, body FROM requests WHERE ` + tailWhere + ` AND id <= ?`,
	} {
		plan := strings.Join(queryPlan(t, d, q, 1, 2, 1, 0, 5), "; ")
		if strings.Contains(plan, "SCAN requests") || strings.Contains(plan, "SCAN reindex") {
			t.Errorf("%s reads every row: %s", q, plan)
		}
	}
}

// BenchmarkSearchTail5k is a reader's search for a word while the index
// lacks the newest 5,000 captures (1 KB GitHub pushes, 5,000 more
// indexed): each search indexes them in memory.
//
//	go test ./storage -run '^$' -bench SearchTail5k
func BenchmarkSearchTail5k(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "x.db")
	w, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	for i := range 10 {
		var rs []*Request
		for k := i * 1000; k < (i+1)*1000; k++ {
			rs = append(rs, pushSample(k))
		}
		if err := w.InsertRequests(ctx, rs); err != nil {
			b.Fatal(err)
		}
		if i == 4 {
			if _, err := w.CatchUpIndex(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer ro.Close()
	q, _ := ParseQuery("octocat")
	for b.Loop() {
		got, err := ro.ListRequests(ctx, Page{Query: q, Limit: 50})
		if err != nil || len(got) != 50 || got[0].ID != 10000 {
			b.Fatalf("%d found, newest %v (%v)", len(got), ids(got[:min(1, len(got))]), err)
		}
	}
	if lag, _ := ro.IndexLag(ctx); lag != 5000 {
		b.Fatalf("lag %d, want 5000", lag)
	}
}

// A page after an id (gaff mcp's wait polls so) needs only the tail past
// that id: a reader whose whole tail is too long to search in memory still
// covers the rows after it in memory, without indexing all the tail into
// the index file at each poll.
func TestSearchTailAfterAnID(t *testing.T) {
	defer func(r int64) { tailMaxRows = r }(tailMaxRows)
	tailMaxRows = 5
	var rows []*Request
	for i := 1; i <= 12; i++ {
		rows = append(rows, sample(i))
	}
	rows[11].Body = []byte(`{"fruit":"kumquat"}`)
	_, ro := tailFixture(t, rows, 4, Options{}) // 8 past the mark
	before := indexStamp(t, ro)
	q, _ := ParseQuery("kumquat")
	got, err := ro.ListRequests(context.Background(), Page{Query: q, Limit: 1, After: 10})
	if err != nil || fmt.Sprint(ids(got)) != "[12]" {
		t.Fatalf("after #10: %v (%v), want [12]", ids(got), err)
	}
	if after := indexStamp(t, ro); after != before {
		t.Fatalf("the search indexed the whole tail into the index file: %s → %s", before, after)
	}
}
