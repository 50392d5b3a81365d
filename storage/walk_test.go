package storage

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
)

// walkIDs collects the ids a walk yields, and the errors beside them.
func walkIDs(t *testing.T, d *DB, w Walk) (ids []int64, errs []error) {
	t.Helper()
	for r, err := range d.Requests(context.Background(), w) {
		if r == nil {
			t.Fatalf("the walk failed: %v", err)
		}
		if len(r.Body) == 0 || r.Host == "" {
			t.Fatalf("request %d is not whole: %+v", r.ID, r)
		}
		ids = append(ids, r.ID)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return ids, errs
}

func seq(from, to int64) []int64 {
	var out []int64
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func reversed(s []int64) []int64 {
	slices.Reverse(s)
	return s
}

// A walk crosses pages without losing or repeating a row, in either order,
// from any point, and stops at its limit.
func TestWalkYieldsWholeRequestsInOrder(t *testing.T) {
	d, _ := openTemp(t, Options{})
	n := int64(2*walkPage + 7)
	for i := range n {
		if err := d.InsertRequest(context.Background(), sample(int(i))); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		w    Walk
		want []int64
	}{
		{"all, oldest first", Walk{}, seq(1, n)},
		{"after an id", Walk{After: 300}, seq(301, n)},
		{"after the newest", Walk{After: n}, nil},
		{"limited", Walk{After: 10, Limit: 3}, seq(11, 13)},
		{"newest first", Walk{NewestFirst: true}, reversed(seq(1, n))},
		{"newest first, limited", Walk{NewestFirst: true, Limit: walkPage + 1}, reversed(seq(n-walkPage, n))},
	} {
		got, errs := walkIDs(t, d, c.w)
		if !slices.Equal(got, c.want) || len(errs) > 0 {
			t.Errorf("%s: %d ids %v…, errors %v; want %d", c.name, len(got), got[:min(5, len(got))], errs, len(c.want))
		}
	}
}

// With a query, only matches are yielded, whole, across pages.
func TestWalkWithAQuery(t *testing.T) {
	d, _ := openTemp(t, Options{})
	var want []int64
	for i := range 2*walkPage + 3 {
		r := sample(i)
		if i%3 == 0 {
			r.Method = "PUT"
			want = append(want, int64(i+1))
		}
		if err := d.InsertRequest(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	indexAll(t, d)
	q, err := ParseQuery("method:PUT")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := walkIDs(t, d, Walk{Query: q}); !slices.Equal(got, want) {
		t.Errorf("oldest first: %d ids, want %d", len(got), len(want))
	}
	if got, _ := walkIDs(t, d, Walk{Query: q, NewestFirst: true, Limit: 5}); !slices.Equal(got, reversed(want[len(want)-5:])) {
		t.Errorf("newest first: %v", got)
	}
}

// A row whose headers cannot be read is yielded with what could be read and
// its error, and the walk goes on.
func TestWalkYieldsADamagedRowWithItsError(t *testing.T) {
	d, _ := openTemp(t, Options{})
	for i := range 3 {
		if err := d.InsertRequest(context.Background(), sample(i)); err != nil {
			t.Fatal(err)
		}
	}
	err := d.write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE requests SET headers = x'ff' WHERE id = 2`)
		return err
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids, errs := walkIDs(t, d, Walk{})
	if !slices.Equal(ids, []int64{1, 2, 3}) || len(errs) != 1 || !errors.Is(errs[0], errBadHeaders) {
		t.Fatalf("ids %v, errors %v", ids, errs)
	}
}
