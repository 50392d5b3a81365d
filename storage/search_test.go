package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func indexAll(t *testing.T, d *DB) {
	t.Helper()
	for {
		n, err := d.IndexSome(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func searchIDs(t *testing.T, d *DB, q string) []int64 {
	t.Helper()
	pq, err := ParseQuery(q)
	if err != nil {
		t.Fatalf("%q: %v", q, err)
	}
	rows, err := d.ListRequests(context.Background(), Page{Query: pq, Limit: 100})
	if err != nil {
		t.Fatalf("%q: %v", q, err)
	}
	return ids(rows)
}

func searchFixture(t *testing.T) *DB {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	base := time.Now().Add(-2 * time.Hour)
	add := func(min int, method, target string, status int, provider, sig string, h Headers, body string) {
		r := &Request{Summary: Summary{Time: base.Add(time.Duration(min) * time.Minute), Method: method, Target: target, Status: status,
			Provider: provider, Signature: sig, Size: int64(len(body))}, Headers: h, Body: []byte(body)}
		if err := d.InsertRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	add(0, "POST", "/github/hooks", 200, "github", "valid", Headers{{"X-GitHub-Event", "push"}}, `{"ref":"refs/heads/main","pusher":"octocat"}`) // 1
	add(10, "POST", "/stripe", 500, "stripe", "invalid", Headers{{"Stripe-Signature", "t=1,v1=x"}}, `{"type":"payment_intent.succeeded"}`)       // 2
	add(20, "GET", "/meta?hub.mode=subscribe", 200, "meta", "", nil, "")                                                                         // 3
	add(100, "POST", "/hooks/github", 404, "", "", Headers{{"X-GitHub-Event", "issues"}}, "zebra crossing")                                      // 4
	add(110, "PUT", "/upload", 413, "", "", nil, "\xff\xfe binary zebra")                                                                        // 5
	add(115, "POST", "/github-app/events", 201, "github", "no-secret", Headers{{"X-GitHub-Event", "push"}}, `{"action":"opened","zebra":true}`)  // 6
	indexAll(t, d)
	return d
}

func TestSearchFieldsAndText(t *testing.T) {
	d := searchFixture(t)
	cases := []struct{ q, want string }{
		{"method:POST", "[6 4 2 1]"},
		{"method:post status:4xx", "[4]"},
		{"status:500", "[2]"},
		{"status:2xx", "[6 3 1]"},
		{"path:/github*", "[6 1]"},
		{"path:/github/hooks", "[1]"},
		{"path:/stripe", "[2]"},
		{"path:/meta", "[3]"},
		{"path:*github*", "[6 4 1]"},
		{"path:*/events", "[6]"},
		{"path:/github*/events", "[6]"},
		{"provider:stripe", "[2]"},
		{"provider:GitHub", "[6 1]"},
		{"header:X-GitHub-Event=push", "[6 1]"},
		{"header:X-GitHub-Event", "[6 4 1]"},
		{"header:stripe-signature", "[2]"},
		{"sig:invalid", "[2]"},
		{"sig:no-secret", "[6]"},
		{"zebra", "[6 4]"}, // the binary body is not indexed
		{"octo*", "[1]"},
		{`"payment_intent.succeeded"`, "[2]"},
		{"payment_intent", "[2]"},
		{"zebra method:POST since:30m", "[6 4]"},
		{"since:30m", "[6 5 4]"},
		{"nothingmatchesthis", "[]"},
		{`"a ""quoted"" phrase" OR NEAR`, "[]"}, // FTS syntax typed by a user is just text
		{"/", "[6 5 4 3 2 1]"},                  // punctuation only selects all
	}
	for _, c := range cases {
		if got := fmt.Sprint(searchIDs(t, d, c.q)); got != c.want {
			t.Errorf("%q → %s, want %s", c.q, got, c.want)
		}
	}
}

func TestSearchPagesAndTrails(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	for i := 0; i < 30; i++ {
		r := sample(i)
		if i%3 == 0 {
			r.Method = "PUT"
		}
		d.InsertRequest(ctx, r)
	}
	if lag, _ := d.IndexLag(ctx); lag != 30 {
		t.Fatalf("lag %d before indexing", lag)
	}
	// Nothing is indexed yet: the search indexes the short gap first.
	if got := searchIDs(t, d, "method:PUT"); len(got) != 10 {
		t.Fatalf("of the rows not indexed yet, search found %v", got)
	}
	if lag, _ := d.IndexLag(ctx); lag != 0 {
		t.Fatalf("lag %d after a search", lag)
	}
	q, _ := ParseQuery("method:PUT")
	p1, _ := d.ListRequests(ctx, Page{Query: q, Limit: 4})
	p2, _ := d.ListRequests(ctx, Page{Query: q, Limit: 4, Before: p1[3].ID})
	old, _ := d.ListRequests(ctx, Page{Query: q, Limit: 2, Oldest: true})
	up, _ := d.ListRequests(ctx, Page{Query: q, Limit: 2, After: p2[0].ID})
	if fmt.Sprint(ids(p1), ids(p2), ids(old), ids(up)) != "[28 25 22 19] [16 13 10 7] [4 1] [22 19]" {
		t.Fatalf("pages %v %v %v %v", ids(p1), ids(p2), ids(old), ids(up))
	}
}

func TestQueryErrorsAreClear(t *testing.T) {
	for q, want := range map[string]string{
		"method:":          "needs a value",
		"status:abc":       "status:4xx",
		"status:700":       "status:404",
		"sig:maybe":        "sig:invalid",
		"since:yesterday":  "since:10m",
		"color:red":        "not a field",
		`"unclosed phrase`: "not closed",
		"path:github":      "starts with /",
		"header:=x":        "header:NAME",
		"path:/*":          "would read every stored request",
		"path:*":           "would read every stored request",
		"https://x.test/a": "put it in quotes",
	} {
		_, err := ParseQuery(q)
		var qe *QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error mentioning %q", q, err, want)
		}
	}
}

func TestDeleteAndPrune(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	now := time.Now()
	for i := 0; i < 1200; i++ {
		r := sample(i)
		r.Time = now.Add(-time.Duration(1200-i) * time.Minute)
		d.InsertRequest(ctx, r)
	}
	indexAll(t, d)
	d.InsertDelivery(ctx, &Delivery{Kind: KindReplay, RequestID: 5, Method: "POST", URL: "http://x"})
	if err := d.DeleteRequest(ctx, 1200); err != nil {
		t.Fatal(err)
	}
	if _, err := d.GetRequest(ctx, 1200); !errors.Is(err, ErrNotFound) {
		t.Fatal("deleted request still readable")
	}
	if got := searchIDs(t, d, "path:/hook/1199"); len(got) != 0 {
		t.Fatalf("search still finds the deleted row: %v", got)
	}
	n, err := d.Prune(ctx, 1000, 0, now)
	if err != nil || n != 199 {
		t.Fatalf("pruned %d (%v), want 199", n, err)
	}
	if c, _ := d.CountRequests(ctx); c != 1000 {
		t.Fatalf("count %d after keep=1000", c)
	}
	if dl, _ := d.ListDeliveries(ctx, DeliveryFilter{RequestID: 5}); len(dl) != 0 {
		t.Fatal("deliveries of pruned requests remain")
	}
	// keep-for: older than 10 hours goes.
	n, _ = d.Prune(ctx, 0, 10*time.Hour, now)
	if c, _ := d.CountRequests(ctx); c != 599 || n != 401 {
		t.Fatalf("after keep-for 10h: count %d, pruned %d", c, n)
	}
	oldest, _ := d.ListRequests(ctx, Page{Oldest: true, Limit: 1})
	if age := now.Sub(oldest[0].Time); age > 10*time.Hour {
		t.Fatalf("oldest kept is %s old", age)
	}
}

func TestIDsAreNeverReusedAndNewCapturesAreSearchable(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	a, b := sample(1), sample(2)
	d.InsertRequest(ctx, a)
	d.InsertRequest(ctx, b)
	indexAll(t, d)
	if err := d.DeleteRequest(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	c := sample(3)
	c.Body = []byte("quokka")
	d.InsertRequest(ctx, c)
	if c.ID == b.ID {
		t.Fatalf("id %d was given again after its row was deleted", c.ID)
	}
	indexAll(t, d)
	if got := fmt.Sprint(searchIDs(t, d, "quokka")); got != fmt.Sprint([]int64{c.ID}) {
		t.Fatalf("new capture not found: %s", got)
	}
}

func TestStatusChangeAfterIndexingIsSearchable(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	r := sample(1)
	r.Status = 200
	d.InsertRequest(ctx, r)
	indexAll(t, d)
	if err := d.SetStatus(ctx, r.ID, 502); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, d, "status:502"); len(got) != 1 {
		t.Fatalf("status:502 finds %v", got)
	}
	if got := searchIDs(t, d, "status:200"); len(got) != 0 {
		t.Fatalf("status:200 still finds %v", got)
	}
}
