package storage

import (
	"context"
	"slices"
	"testing"
)

// A teammate's capture delivered twice is stored once, counted once, and
// found by from:NAME.
func TestInsertSharedStoresOnceAndSearchesByOrigin(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	local := &Request{Summary: Summary{Method: "POST", Target: "/mine"}, Body: []byte("alice too")}
	if err := d.InsertRequest(ctx, local); err != nil {
		t.Fatal(err)
	}
	shared := func(key, target string) *Request {
		return &Request{Summary: Summary{Method: "POST", Target: target, Origin: "Alice"}, OriginKey: key, Body: []byte("{}")}
	}
	n, err := d.InsertShared(ctx, []*Request{shared("db1-1", "/a"), shared("db1-2", "/b")})
	if err != nil || n != 2 {
		t.Fatalf("first apply: %d, %v", n, err)
	}
	again := []*Request{shared("db1-2", "/b"), shared("db1-3", "/c")}
	if n, err := d.InsertShared(ctx, again); err != nil || n != 1 || again[0].ID != 0 || again[1].ID <= 3 {
		t.Fatalf("second apply: %d new, ids %d %d, %v", n, again[0].ID, again[1].ID, err)
	}
	if c, err := d.CountRequests(ctx); err != nil || c != 4 {
		t.Fatalf("count %d, %v", c, err)
	}
	if _, err := d.InsertShared(ctx, []*Request{{Summary: Summary{Origin: "x"}}}); err == nil {
		t.Fatal("a shared capture without its key was stored")
	}
	indexAll(t, d)
	if got := searchIDs(t, d, "from:alice"); !slices.Equal(got, []int64{again[1].ID, 3, 2}) {
		t.Fatalf("from:alice found %v", got)
	}
	if got := searchIDs(t, d, "from:bob"); len(got) != 0 {
		t.Fatalf("from:bob found %v", got)
	}
}
