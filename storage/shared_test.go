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

// One delivery that reached two members (a pooled URL, the provider
// retrying) is one delivery on each: whichever copy this database stored
// second is marked as repeating the first, local or shared, by the same
// marking the writer gives local captures.
func TestSharedCapturesAreMarkedAsRepeats(t *testing.T) {
	ctx := context.Background()
	delivery := func(origin, key string) *Request {
		return &Request{Summary: Summary{Method: "POST", Target: "/hook", DeliveryID: "evt_1", Origin: origin}, OriginKey: key, Body: []byte("{}")}
	}
	// At alice: her own capture first, bob's copy through the team after.
	alice, _ := openTemp(t, Options{})
	mine := delivery("", "")
	if err := alice.InsertRequest(ctx, mine); err != nil {
		t.Fatal(err)
	}
	fromBob := delivery("bob", "db2-1")
	if _, err := alice.InsertShared(ctx, []*Request{fromBob}); err != nil {
		t.Fatal(err)
	}
	if got := getSummary(t, alice, fromBob.ID); got.DuplicateOf != mine.ID {
		t.Fatalf("at alice, bob's copy repeats #%d, want #%d", got.DuplicateOf, mine.ID)
	}
	// At bob: alice's copy arrives first, his own retry after it.
	bob, _ := openTemp(t, Options{})
	fromAlice := delivery("alice", "db1-1")
	if _, err := bob.InsertShared(ctx, []*Request{fromAlice}); err != nil {
		t.Fatal(err)
	}
	retry := delivery("", "")
	if err := bob.InsertRequest(ctx, retry); err != nil {
		t.Fatal(err)
	}
	if got := getSummary(t, bob, retry.ID); got.DuplicateOf != fromAlice.ID || getSummary(t, bob, fromAlice.ID).DuplicateOf != 0 {
		t.Fatalf("at bob, the retry repeats #%d, want #%d", got.DuplicateOf, fromAlice.ID)
	}
	// A second shared copy in the same batch repeats the first of them.
	again := []*Request{delivery("carol", "db3-1"), delivery("carol", "db3-2")}
	if _, err := bob.InsertShared(ctx, again); err != nil {
		t.Fatal(err)
	}
	for _, r := range again {
		if got := getSummary(t, bob, r.ID); got.DuplicateOf != fromAlice.ID {
			t.Fatalf("carol's copy #%d repeats #%d, want #%d", r.ID, got.DuplicateOf, fromAlice.ID)
		}
	}
}

func getSummary(t *testing.T, d *DB, id int64) Summary {
	t.Helper()
	r, err := d.GetRequest(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r.Summary
}
