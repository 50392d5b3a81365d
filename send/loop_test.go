package send_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"gaff/internal/testkit"
	"gaff/send"
	"gaff/storage"
)

// Every request gaff sends from a capture carries its id; a capture that
// comes back with it is recorded as not forwarded, and proxy mode answers
// it 508, while one that passed through other gaffs goes on with their ids
// kept.
func TestForwardMarksItsRequestsAndStopsTheirLoop(t *testing.T) {
	db := testkit.DB(t)
	base, target := testkit.CaptureServer(t)
	var l lines
	fw, err := send.NewForwarder(newSender(db, 0), base, send.ForwardOptions{OnResult: l.add})
	if err != nil {
		t.Fatal(err)
	}
	// Sorted: net/http writes differently spelled names in its own order.
	ids := func(r *storage.Request) []string {
		return slices.Sorted(slices.Values(r.Headers.Values(send.LoopHeader)))
	}
	me := send.InstanceID()

	fw.Proxy(context.Background(), testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/a"}}))
	sent := testkit.Newest(t, target)
	if !slices.Equal(ids(sent), []string{me}) {
		t.Fatalf("a forward carries %s %q, want this gaff's id %q", send.LoopHeader, ids(sent), me)
	}
	// The same request, come back to this gaff.
	back := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/a"}, Headers: sent.Headers})
	a, err := fw.Proxy(context.Background(), back)
	if err != nil || a.Status != 508 || !strings.Contains(string(a.Body), "loop") {
		t.Fatalf("proxy of a request that came back: %v %+v", err, a)
	}
	fw.Enqueue(back)
	// Through other gaffs, listed one per line or comma-separated.
	chain := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/b"},
		Headers: storage.Headers{{Name: "gaff-forwarded-by", Value: "aaaa, bbbb"}}})
	fw.Enqueue(chain)
	fw.Close()
	if n, _ := target.CountRequests(context.Background()); n != 2 {
		t.Fatalf("the target got %d requests, want 2: the first and the chain", n)
	}
	if got := ids(testkit.Newest(t, target)); !slices.Equal(got, slices.Sorted(slices.Values([]string{"aaaa, bbbb", me}))) {
		t.Errorf("a chained forward carries %q", got)
	}
	var loops int
	for _, d := range forwards(t, db) {
		if d.RequestID == back.ID {
			loops++
			if d.Status != 0 || !strings.HasPrefix(d.Error, "not forwarded: loop") {
				t.Errorf("loop recorded as %+v", d)
			}
		}
	}
	if loops != 2 {
		t.Errorf("%d records of the loop, want one per refusal", loops)
	}

	// Replays and edited sends are marked too.
	s := newSender(db, 0)
	if _, err := s.Replay(context.Background(), chain.ID, base, false); err != nil {
		t.Fatal(err)
	}
	if got := ids(testkit.Newest(t, target)); !slices.Equal(got, slices.Sorted(slices.Values([]string{"aaaa, bbbb", me}))) {
		t.Errorf("a replay carries %q", got)
	}
	if _, err := s.SendEdited(context.Background(), chain.ID, send.Outbound{Method: "PUT", URL: base + "/edited"}); err != nil {
		t.Fatal(err)
	}
	if got := ids(testkit.Newest(t, target)); !slices.Equal(got, []string{me}) {
		t.Errorf("an edited send carries %q", got)
	}
}
