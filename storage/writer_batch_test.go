package storage

import (
	"context"
	"database/sql"
	"testing"
)

// rowJobs are capture jobs as InsertRequest makes them, one per sample.
func rowJobs(from, n int) []*job {
	js := make([]*job, n)
	for i := range js {
		js[i] = &job{row: requestArgs(sample(from + i)), added: 1, done: make(chan error, 1)}
	}
	return js
}

// A batch long enough to use every multi-row statement size (64+16+4+1+1
// rows, then a job of another kind, then 3 more rows) gives each capture
// the id of its own row, and the count moves by the rows stored.
func TestBatchOfCapturesGetsTheirOwnIDs(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	before, _ := d.CountRequests(ctx)
	rows := rowJobs(0, 86)
	other := &job{fn: func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE settings SET value = value WHERE 0`)
		return err
	}, done: make(chan error, 1)}
	more := rowJobs(86, 3)
	batch := append(append(append([]*job{}, rows...), other), more...)
	d.w.commit(batch)
	seen := map[int64]bool{}
	for i, j := range append(rows, more...) {
		if err := <-j.done; err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		if seen[j.id] || j.id == 0 {
			t.Fatalf("row %d got id %d twice or none", i, j.id)
		}
		seen[j.id] = true
		got, err := d.GetRequest(ctx, j.id)
		if err != nil {
			t.Fatal(err)
		}
		if want := sample(i).Target; got.Target != want {
			t.Errorf("id %d holds %q, want %q", j.id, got.Target, want)
		}
	}
	if err := <-other.done; err != nil {
		t.Fatal(err)
	}
	if after, _ := d.CountRequests(ctx); after-before != 89 {
		t.Errorf("count moved by %d, want 89", after-before)
	}
}

// A row the table refuses, inside a multi-row statement, fails alone.
func TestBadRowInBatchFailsAlone(t *testing.T) {
	d, _ := openTemp(t, Options{})
	batch := rowJobs(0, 20)
	batch[7].row[1] = nil // method is NOT NULL
	d.w.commit(batch)
	for i, j := range batch {
		err := <-j.done
		if i == 7 {
			if err == nil {
				t.Error("the row without a method was stored")
			}
			continue
		}
		if err != nil {
			t.Errorf("row %d: %v", i, err)
			continue
		}
		if got, err := d.GetRequest(context.Background(), j.id); err != nil || got.Target != sample(i).Target {
			t.Errorf("row %d: id %d holds %v, %v", i, j.id, got, err)
		}
	}
}
