package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func withDelivery(i int, id string, at time.Time) *Request {
	r := sample(i)
	r.DeliveryID, r.Time = id, at
	return r
}

func insert(t *testing.T, d *DB, r *Request) *Request {
	t.Helper()
	if err := d.InsertRequest(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

func summaries(t *testing.T, d *DB) map[int64]Summary {
	t.Helper()
	rows, err := d.ListRequests(context.Background(), Page{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	m := map[int64]Summary{}
	for _, s := range rows {
		m[s.ID] = s
	}
	return m
}

// Repeats in separate batches point at the first, whatever their age, and
// the list numbers them.
func TestDuplicatesAcrossBatchesPointAtTheFirst(t *testing.T) {
	d, _ := openTemp(t, Options{})
	now := time.Now()
	first := insert(t, d, withDelivery(1, "github:72d3162e", now))
	other := insert(t, d, withDelivery(2, "github:other", now))
	plain := insert(t, d, sample(3))
	second := insert(t, d, withDelivery(4, "github:72d3162e", now.Add(time.Minute)))
	third := insert(t, d, withDelivery(5, "github:72d3162e", now.Add(72*time.Hour))) // a redelivery days later still counts
	for _, c := range []struct {
		r    *Request
		want int64
	}{{first, 0}, {other, 0}, {plain, 0}, {second, first.ID}, {third, first.ID}} {
		if c.r.DuplicateOf != c.want {
			t.Errorf("#%d (%s): DuplicateOf %d, want %d", c.r.ID, c.r.DeliveryID, c.r.DuplicateOf, c.want)
		}
	}
	got := summaries(t, d)
	for id, want := range map[int64]struct {
		dup     int64
		attempt int
		mark    string
	}{
		first.ID:  {0, 1, ""},
		plain.ID:  {0, 0, ""},
		second.ID: {first.ID, 2, fmt.Sprintf("dup #%d (2nd)", first.ID)},
		third.ID:  {first.ID, 3, fmt.Sprintf("dup #%d (3rd)", first.ID)},
	} {
		s := got[id]
		if s.DuplicateOf != want.dup || s.Attempt != want.attempt || s.DuplicateMark() != want.mark {
			t.Errorf("#%d listed as dup %d attempt %d %q, want %d %d %q", id, s.DuplicateOf, s.Attempt, s.DuplicateMark(), want.dup, want.attempt, want.mark)
		}
	}
	// Stored, not just set on the struct: a fresh read agrees.
	r, err := d.GetRequest(context.Background(), third.ID)
	if err != nil || r.DuplicateOf != first.ID || r.DeliveryID != "github:72d3162e" {
		t.Fatalf("GetRequest(%d) = dup %d id %q, %v", third.ID, r.DuplicateOf, r.DeliveryID, err)
	}
}

// Repeats inside one transaction see the rows before them: a bulk insert,
// and concurrent captures that the writer groups into shared batches.
func TestDuplicatesWithinOneBatch(t *testing.T) {
	d, _ := openTemp(t, Options{})
	now := time.Now()
	rs := []*Request{withDelivery(1, "stripe:evt_1", now), withDelivery(2, "stripe:evt_2", now),
		withDelivery(3, "stripe:evt_1", now), withDelivery(4, "stripe:evt_1", now)}
	if err := d.InsertRequests(context.Background(), rs); err != nil {
		t.Fatal(err)
	}
	if rs[1].DuplicateOf != 0 || rs[2].DuplicateOf != rs[0].ID || rs[3].DuplicateOf != rs[0].ID {
		t.Fatalf("bulk: dup_of = %d %d %d, want 0 %d %d", rs[1].DuplicateOf, rs[2].DuplicateOf, rs[3].DuplicateOf, rs[0].ID, rs[0].ID)
	}

	const n = 64
	var wg sync.WaitGroup
	conc := make([]*Request, n)
	for i := range conc {
		conc[i] = withDelivery(10+i, "twitch:befa7b53", now)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := d.InsertRequest(context.Background(), conc[i]); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	firstID := conc[0].ID
	for _, r := range conc {
		firstID = min(firstID, r.ID)
	}
	for _, r := range conc {
		want := firstID
		if r.ID == firstID {
			want = 0
		}
		if r.DuplicateOf != want {
			t.Errorf("#%d: DuplicateOf %d, want %d", r.ID, r.DuplicateOf, want)
		}
	}
}

// Without a provider id, the same bytes count as a repeat only within
// BodyKeyWindow of the first of their group; later, they start a new group.
func TestBodyKeyWindow(t *testing.T) {
	d, _ := openTemp(t, Options{})
	t0 := time.Now().Add(-time.Hour)
	key := BodyKeyPrefix + "0123abcd"
	a := insert(t, d, withDelivery(1, key, t0))
	b := insert(t, d, withDelivery(2, key, t0.Add(5*time.Minute)))
	c := insert(t, d, withDelivery(3, key, t0.Add(BodyKeyWindow)))             // at the edge: still a repeat
	e := insert(t, d, withDelivery(4, key, t0.Add(BodyKeyWindow+time.Second))) // the first is too old now
	f := insert(t, d, withDelivery(5, key, t0.Add(BodyKeyWindow+2*time.Minute)))
	g := insert(t, d, withDelivery(6, BodyKeyPrefix+"other", t0.Add(5*time.Minute)))
	for _, c := range []struct {
		name string
		r    *Request
		want int64
	}{{"first", a, 0}, {"5 min later", b, a.ID}, {"10 min later", c, a.ID}, {"10 min 1 s later", e, 0},
		{"2 min after the new first", f, e.ID}, {"other bytes", g, 0}} {
		if c.r.DuplicateOf != c.want {
			t.Errorf("%s: DuplicateOf %d, want %d", c.name, c.r.DuplicateOf, c.want)
		}
	}
	// The second group is numbered from its own first.
	if s := summaries(t, d)[f.ID]; s.Attempt != 2 {
		t.Errorf("second group's repeat: attempt %d, want 2", s.Attempt)
	}
}

func TestDupSearch(t *testing.T) {
	d, _ := openTemp(t, Options{})
	now := time.Now()
	a := insert(t, d, withDelivery(1, "github:x", now))
	b := insert(t, d, withDelivery(2, "github:x", now))
	c := insert(t, d, sample(3))
	e := insert(t, d, withDelivery(4, "github:x", now))
	indexAll(t, d)
	if got, want := searchIDs(t, d, "dup:yes"), []int64{e.ID, b.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("dup:yes = %v, want %v", got, want)
	}
	if got, want := searchIDs(t, d, "dup:no"), []int64{c.ID, a.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("dup:no = %v, want %v", got, want)
	}
	if got, want := searchIDs(t, d, "DUP:Yes method:POST"), []int64{e.ID, b.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("DUP:Yes method:POST = %v, want %v", got, want)
	}
	if _, err := ParseQuery("dup:maybe"); err == nil || err.Error() != "dup:maybe: write dup:yes (repeats of an earlier delivery) or dup:no (first arrivals)" {
		t.Errorf("dup:maybe: %v", err)
	}
	// delivery:ID lists every arrival of one delivery, the first included.
	spaced := insert(t, d, withDelivery(5, `twilio:a "b c`, now))
	for q, want := range map[string][]int64{
		DeliveryQuery("github:x"):        {e.ID, b.ID, a.ID},
		DeliveryQuery("github:nothing"):  nil,
		DeliveryQuery(spaced.DeliveryID): nil, // a quote cannot be written in a search
		`delivery:"twilio:a b c"`:        nil,
	} {
		if got := searchIDs(t, d, q); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", q, got, want)
		}
	}
	if got := searchIDs(t, d, DeliveryQuery("github:x")+" dup:yes"); fmt.Sprint(got) != fmt.Sprint([]int64{e.ID, b.ID}) {
		t.Errorf("delivery with dup:yes = %v", got)
	}
}

func TestAttemptsAreBounded(t *testing.T) {
	d, _ := openTemp(t, Options{})
	now := time.Now()
	var all []*Request
	for i := range 8 {
		all = append(all, insert(t, d, withDelivery(i, "slack:Ev1", now.Add(time.Duration(i)*time.Minute))))
		insert(t, d, withDelivery(100+i, "slack:Ev2", now))
	}
	got, more, err := d.Attempts(context.Background(), &all[5].Summary, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || more != 5 || got[0].ID != all[0].ID || got[2].ID != all[2].ID || got[2].Attempt != 3 {
		t.Fatalf("Attempts(limit 3) = %v (attempt of last %d), %d more; want ids %d..%d and 5 more", ids(got), got[len(got)-1].Attempt, more, all[0].ID, all[2].ID)
	}
	got, more, err = d.Attempts(context.Background(), &all[0].Summary, 50)
	if err != nil || len(got) != 8 || more != 0 {
		t.Fatalf("Attempts(limit 50) = %d rows, %d more, %v; want 8, 0", len(got), more, err)
	}
	lone := insert(t, d, sample(200))
	if got, more, err := d.Attempts(context.Background(), &lone.Summary, 50); err != nil || len(got) != 1 || got[0].ID != lone.ID || more != 0 {
		t.Fatalf("a capture without a delivery id: %v, %d, %v", ids(got), more, err)
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 101: "101st", 111: "111th", MaxCounted: "10000th+"} {
		if got := Ordinal(n); got != want {
			t.Errorf("Ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestAttemptLineAndGaps(t *testing.T) {
	for d, want := range map[time.Duration]string{250 * time.Millisecond: "250ms", 1300 * time.Millisecond: "1.3s", 5 * time.Minute: "5m",
		5*time.Minute + 7*time.Second: "5m7s", 80 * time.Minute: "1h20m", 76 * time.Hour: "3d4h", -2 * time.Second: "-2.0s"} {
		if got := GapText(d); got != want {
			t.Errorf("GapText(%v) = %q, want %q", d, got, want)
		}
	}
	t0 := time.Date(2026, 11, 28, 6, 53, 45, 123e6, time.Local)
	a := Summary{ID: 3, Time: t0, Status: 500}
	b := Summary{ID: 7, Time: t0.Add(61 * time.Second), Status: 200}
	if got, want := AttemptLine(&a, nil), "#3      Nov 28 06:53:45.123  first    answered 500"; got != want {
		t.Errorf("first: %q, want %q", got, want)
	}
	if got, want := AttemptLine(&b, &a), "#7      Nov 28 06:54:46.123  +1m1s    answered 200"; got != want {
		t.Errorf("repeat: %q, want %q", got, want)
	}
	// A hang or reset arrival (status 0) got no answer: saying it was
	// "answered 0" would read as a status the sender saw.
	c := Summary{ID: 9, Time: t0.Add(62 * time.Second)}
	if got, want := AttemptLine(&c, &b), "#9      Nov 28 06:54:47.123  +1.0s    not answered"; got != want {
		t.Errorf("unanswered: %q, want %q", got, want)
	}
}

// deliveryPlan is the query plan of q, a query of one delivery id.
func deliveryPlan(t *testing.T, d *DB, q string) []string {
	args := make([]any, strings.Count(q, "?"))
	for i := range args {
		args[i] = 1
	}
	args[0] = "github:x"
	return queryPlan(t, d, q, args...)
}

// Every delivery query seeks requests_by_delivery. The index is partial,
// and a query that does not imply its condition scans the whole table
// instead, once per capture: ingest fell twentyfold before this held.
func TestDeliveryQueriesUseTheIndex(t *testing.T) {
	d, _ := openTemp(t, Options{})
	for name, q := range map[string]string{"firstDelivery": firstDeliverySQL, "attempts": attemptsSQL, "attemptsAfter": attemptsAfterSQL, "attempt": attemptSQL, "providerAttemptsAfter": providerAttemptsAfterSQL} {
		plan := deliveryPlan(t, d, q)
		all := strings.Join(plan, "; ")
		if !strings.Contains(all, "requests_by_delivery") {
			t.Errorf("%s does not use requests_by_delivery: %s", name, all)
		}
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN requests") || strings.HasPrefix(step, "SCAN f") {
				t.Errorf("%s scans the table: %s", name, all)
			}
		}
	}
	// Counts over a flood read the index alone, never the rows.
	for name, q := range map[string]string{"attempt": attemptSQL, "providerAttemptsAfter": providerAttemptsAfterSQL} {
		if all := strings.Join(deliveryPlan(t, d, q), "; "); !strings.Contains(all, "COVERING INDEX") {
			t.Errorf("%s reads rows: %s", name, all)
		}
	}
}

// A multi-row INSERT cannot see its own rows: repeats of a capture stored
// in the same statement are marked once the run's ids are known, and a run
// retried alone marks again from scratch.
func TestDuplicatesWithinOneInsertRun(t *testing.T) {
	d, _ := openTemp(t, Options{})
	now := time.Now()
	stored := insert(t, d, withDelivery(1, "github:stored", now))
	key := BodyKeyPrefix + "feed"
	rs := []*Request{
		withDelivery(2, "stripe:evt_1", now), withDelivery(3, "github:stored", now),
		withDelivery(4, "stripe:evt_1", now), withDelivery(5, key, now.Add(-time.Hour)),
		withDelivery(6, key, now), withDelivery(7, key, now.Add(time.Minute)), withDelivery(8, "stripe:evt_1", now),
	}
	jobs := make([]*job, len(rs))
	for i, r := range rs {
		r.DuplicateOf = 99 // a stale mark from a failed batch must not survive
		jobs[i] = &job{row: requestArgs(r), req: r, added: 1}
	}
	tx, err := d.rw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.insertRun(tx, jobs); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	id := func(i int) int64 { return jobs[i].id }
	want := []int64{0, stored.ID, id(0), 0, 0, id(4), id(0)}
	for i, r := range rs {
		got, err := d.GetRequest(context.Background(), id(i))
		if err != nil {
			t.Fatal(err)
		}
		if r.DuplicateOf != want[i] || got.DuplicateOf != want[i] {
			t.Errorf("row %d (#%d, %s): DuplicateOf %d, stored %d, want %d", i, id(i), r.DeliveryID, r.DuplicateOf, got.DuplicateOf, want[i])
		}
	}
}

// A page of many repeats of one delivery counts each from the one before
// it: the ordinals are those a count from the first gives, the cap holds.
func TestPageOfRepeatsCountsOn(t *testing.T) {
	d, _ := openTemp(t, Options{})
	now := time.Now()
	var rs []*Request
	for i := range 40 {
		rs = append(rs, withDelivery(i, "github:flood", now), withDelivery(100+i, "stripe:evt_"+strconv.Itoa(i%3), now))
	}
	if err := d.InsertRequests(context.Background(), rs); err != nil {
		t.Fatal(err)
	}
	page, err := d.ListRequests(context.Background(), Page{Before: rs[60].ID, Limit: 25})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]int{}
	for i, r := range rs {
		n := 0
		for _, q := range rs[:i+1] {
			if q.DeliveryID == r.DeliveryID {
				n++
			}
		}
		byID[r.ID] = n
	}
	for _, s := range page {
		if s.Attempt != byID[s.ID] {
			t.Errorf("#%d (%s): attempt %d, want %d", s.ID, s.DeliveryID, s.Attempt, byID[s.ID])
		}
	}
}
