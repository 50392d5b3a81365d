package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// eventFixture stores captures with the events a GitHub, a Stripe and an
// unknown sender carried: 1 push, 2 pull_request.opened,
// 3 payment_intent.succeeded, 4 none, 5 pull_request_review.submitted,
// 6 pull_request.closed.
func eventFixture(t *testing.T) *DB {
	t.Helper()
	d, _ := openTemp(t, Options{})
	for _, e := range []struct{ provider, event string }{
		{"github", "push"}, {"github", "pull_request.opened"}, {"stripe", "payment_intent.succeeded"},
		{"", ""}, {"github", "pull_request_review.submitted"}, {"github", "pull_request.closed"},
	} {
		r := &Request{Summary: Summary{Method: "POST", Target: "/hooks", Provider: e.provider, Event: e.event}, Body: []byte(`{}`)}
		if err := d.InsertRequest(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	indexAll(t, d)
	return d
}

func TestEventIsStoredAndRead(t *testing.T) {
	d := eventFixture(t)
	ctx := context.Background()
	r, err := d.GetRequest(ctx, 2)
	if err != nil || r.Event != "pull_request.opened" {
		t.Fatalf("GetRequest(2): event %q (%v), want pull_request.opened", r.Event, err)
	}
	rows, err := d.ListRequests(ctx, Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range rows {
		got = append(got, s.Event)
	}
	want := "[pull_request.closed pull_request_review.submitted  payment_intent.succeeded pull_request.opened push]"
	if fmt.Sprint(got) != want {
		t.Fatalf("listed events %q, want %s", got, want)
	}
}

func TestSearchByEvent(t *testing.T) {
	d := eventFixture(t)
	for _, c := range []struct{ q, want string }{
		{"event:push", "[1]"},
		{"event:pull_request.*", "[6 2]"},
		{"event:pull_request*", "[6 5 2]"},
		{"event:pull_request.opened", "[2]"},
		{"event:payment_intent.succeeded", "[3]"},
		{"event:Push", "[]"}, // names are the provider's, case and all
		{"event:*.opened provider:github", "[2]"},
		{"event:pull_request.* method:POST", "[6 2]"},
	} {
		if got := fmt.Sprint(searchIDs(t, d, c.q)); got != c.want {
			t.Errorf("%q: %s, want %s", c.q, got, c.want)
		}
	}
}

// An event filter is a seek on the event index, never a read of every row.
func TestEventSearchUsesTheIndex(t *testing.T) {
	d := eventFixture(t)
	for _, q := range []string{"event:push", "event:pull_request.*"} {
		pq, err := ParseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		plan := queryPlan(t, d, `SELECT id FROM requests r WHERE `+strings.Join(pq.where, " AND ")+` ORDER BY id DESC LIMIT 50`, pq.args...)
		if p := strings.Join(plan, "; "); !strings.Contains(p, "USING") || !strings.Contains(p, "requests_by_event") {
			t.Errorf("%s: plan %q does not use requests_by_event", q, p)
		}
	}
}

// An event filter reads the rows, not the full-text index: gaff list does
// not warn that unindexed captures are left out of it.
func TestEventFilterNeedsNoFullTextIndex(t *testing.T) {
	for q, want := range map[string]bool{"event:push": false, "event:pull_request.* since:1h": false, "event:push zebra": true} {
		pq, err := ParseQuery(q)
		if err != nil || pq.NeedsIndex() != want {
			t.Errorf("%q: NeedsIndex %v (%v), want %v", q, pq.NeedsIndex(), err, want)
		}
	}
}

func TestEventGlobWithoutLiteralStartIsRefused(t *testing.T) {
	_, err := ParseQuery("event:*.opened")
	var qe *QueryError
	if !errors.As(err, &qe) || !strings.Contains(err.Error(), "would read every stored request") {
		t.Fatalf("event:*.opened: %v, want a refusal that says it would read every request", err)
	}
}
