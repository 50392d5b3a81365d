package storage

import (
	"context"
	"fmt"
	"testing"
)

// readAll follows from after until the follower has nothing more.
func readAll(t *testing.T, f *Follower, after int64) []*Request {
	t.Helper()
	var out []*Request
	for {
		rs, err := f.After(context.Background(), after, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			return out
		}
		for _, r := range rs {
			if r.ID != after+1 {
				t.Fatalf("after %d came %d", after, r.ID)
			}
			after = r.ID
		}
		out = append(out, rs...)
	}
}

// What this process commits is handed over as committed, not read back:
// the request comes with the very body the capture holds.
func TestFollowerHandsOverCommittedRequests(t *testing.T) {
	d, _ := openTemp(t, Options{})
	f := d.Follow()
	defer f.Stop()
	var sent []*Request
	for i := range 5 {
		r := sample(i)
		if err := d.InsertRequest(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, r)
	}
	got := readAll(t, f, 0)
	if len(got) != 5 {
		t.Fatalf("%d of 5 handed over", len(got))
	}
	for i, r := range got {
		if r.ID != sent[i].ID || &r.Body[0] != &sent[i].Body[0] || r.Target != sent[i].Target {
			t.Fatalf("request %d was not handed over as committed: %+v", i+1, r.Summary)
		}
	}
}

// Rows the follower never held (from before it started, from another
// process, or past what it holds while the reader is behind) are read from
// the database, in order, none skipped, none twice.
func TestFollowerFillsWhatItDidNotHold(t *testing.T) {
	d, path := openTemp(t, Options{})
	ctx := context.Background()
	d.InsertRequest(ctx, sample(1)) // before following
	f := d.Follow()
	defer f.Stop()
	d.InsertRequest(ctx, sample(2))
	other, err := Open(path, Options{}) // another gaff on the same file
	if err != nil {
		t.Fatal(err)
	}
	other.InsertRequest(ctx, sample(3))
	other.Close()
	d.InsertRequest(ctx, sample(4))
	// More than the follower holds, while nobody reads.
	var many []*Request
	for i := range followMaxRequests + 500 {
		many = append(many, sample(10+i))
	}
	if err := d.InsertRequests(ctx, many); err != nil {
		t.Fatal(err)
	}
	d.InsertRequest(ctx, sample(5))
	got := readAll(t, f, 0)
	if want := 5 + len(many); len(got) != want {
		t.Fatalf("%d followed, want %d", len(got), want)
	}
	if got[2].Target != sample(3).Target {
		t.Fatalf("the other process's row came as %s", got[2].Target)
	}
	if fmt.Sprint(got[len(got)-1].Headers) != fmt.Sprint(sample(5).Headers) {
		t.Fatalf("last row %+v", got[len(got)-1])
	}
}
