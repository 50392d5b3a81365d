package cli

import (
	"context"
	"fmt"
	"testing"

	"gaff/internal/testkit"
	"gaff/storage"
)

// A scenario's captures are its ranges' (or all), matching its search, in
// capture order and each once, across pages of summaries.
func TestSelectCaptures(t *testing.T) {
	db := testkit.DB(t)
	const n = selectPage + 20
	for i := 1; i <= n; i++ {
		method := "POST"
		if i%3 == 0 {
			method = "PUT"
		}
		testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: method, Target: "/h"}})
	}
	put, err := storage.ParseQuery("method:PUT")
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ranges []idRange, q *storage.Query) string {
		caps, err := selectCaptures(context.Background(), db, ranges, q)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]int64, len(caps))
		for i, c := range caps {
			out[i] = c.ID
		}
		if len(out) > 6 {
			return fmt.Sprint(len(out), out[:3], out[len(out)-3:])
		}
		return fmt.Sprint(out)
	}
	for _, c := range []struct {
		ranges []idRange
		q      *storage.Query
		want   string
	}{
		{nil, nil, fmt.Sprint(n, []int{1, 2, 3}, []int{n - 2, n - 1, n})},
		{nil, put, fmt.Sprint(n/3, []int{3, 6, 9}, []int{513, 516, 519})},
		{[]idRange{{5, 7}, {6, 9}, {2, 2}}, nil, "[2 5 6 7 8 9]"},
		{[]idRange{{1, 10}, {n - 3, n + 5}}, put, "[3 6 9 519]"},
		{[]idRange{{n + 1, n + 9}}, nil, "[]"},
	} {
		if got := ids(c.ranges, c.q); got != c.want {
			t.Errorf("ranges %v, search %v: %s, want %s", c.ranges, c.q != nil, got, c.want)
		}
	}
}
