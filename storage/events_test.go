package storage

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func newEvent(t *testing.T, d *DB, subID int64, at time.Time) *Event {
	t.Helper()
	e := &Event{SubscriptionID: subID, Time: at, Template: "github.push", MsgID: "msg_1", Type: "github.push", Method: "POST",
		Headers: Headers{{"Content-Type", "application/json"}}, Body: []byte(`{"n":1}`)}
	if err := d.CreateEvent(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEventLifecycleAndRecordAttempt(t *testing.T) {
	d, path := openTemp(t, Options{})
	ctx := context.Background()
	s := sampleSubscription("a")
	d.CreateSubscription(ctx, s)
	e := newEvent(t, d, s.ID, t0)
	if e.State != EventPending || !e.NextAttempt.Equal(t0) {
		t.Fatalf("new event: %+v", e)
	}

	x := &Delivery{SubscriptionID: s.ID, EventID: e.ID, Time: t0, Method: "POST", URL: s.URL, Body: e.Body,
		Status: 503, RespBody: []byte("busy"), Duration: time.Second}
	next := t0.Add(5 * time.Second)
	if err := d.RecordAttempt(ctx, x, AttemptResult{State: EventPending, NextAttempt: next, Error: "answered 503"}); err != nil {
		t.Fatal(err)
	}
	if x.ID == 0 || x.Attempt != 1 || x.Kind != KindSubscription {
		t.Fatalf("delivery after record: %+v", x)
	}
	got, _ := d.GetEvent(ctx, e.ID)
	if got.Attempts != 1 || got.State != EventPending || !got.NextAttempt.Equal(next) || got.LastStatus != 503 ||
		got.LastError != "answered 503" || !bytes.Equal(got.Body, e.Body) || got.MsgID != "msg_1" {
		t.Fatalf("event after attempt 1: %+v", got)
	}

	// Durable across a reopen: the schedule lives in the file.
	d.Close()
	d, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if due, _ := d.DueEvents(ctx, next.Add(-time.Nanosecond), 10); len(due) != 0 {
		t.Fatalf("due before its time: %v", due)
	}
	due, _ := d.DueEvents(ctx, next, 10)
	if len(due) != 1 || due[0].ID != e.ID || !bytes.Equal(due[0].Body, e.Body) {
		t.Fatalf("due at its time: %v", due)
	}

	y := &Delivery{SubscriptionID: s.ID, EventID: e.ID, Time: next, Method: "POST", URL: s.URL, Status: 200}
	d.RecordAttempt(ctx, y, AttemptResult{State: EventDelivered})
	got, _ = d.GetEvent(ctx, e.ID)
	if y.Attempt != 2 || got.State != EventDelivered || !got.NextAttempt.IsZero() || got.LastStatus != 200 || got.LastError != "" {
		t.Fatalf("after delivery: %+v", got)
	}
	atts, _ := d.ListDeliveries(ctx, DeliveryFilter{EventID: e.ID})
	if len(atts) != 2 || atts[0].Attempt != 2 || atts[1].Attempt != 1 || string(atts[1].RespBody) != "busy" {
		t.Fatalf("attempts: %+v", atts)
	}
	if _, ok, _ := d.NextDue(ctx); ok {
		t.Fatal("nothing should be due after delivery")
	}

	// Redeliver: pending again at the given time, the count carries on.
	if err := d.RetryEvent(ctx, e.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ = d.GetEvent(ctx, e.ID)
	if got.State != EventPending || got.Attempts != 2 || !got.NextAttempt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("after retry: %+v", got)
	}
	if at, ok, _ := d.NextDue(ctx); !ok || !at.Equal(t0.Add(time.Hour)) {
		t.Fatalf("next due %v %v", at, ok)
	}

	// Cancel; an attempt finishing afterwards is recorded, the state stays.
	if err := d.CancelEvent(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.CancelEvent(ctx, e.ID); err == nil {
		t.Fatal("cancelling a cancelled event should say it is already cancelled")
	}
	late := &Delivery{SubscriptionID: s.ID, EventID: e.ID, Method: "POST", URL: s.URL, Status: 200}
	d.RecordAttempt(ctx, late, AttemptResult{State: EventDelivered})
	got, _ = d.GetEvent(ctx, e.ID)
	if got.State != EventCancelled || got.Attempts != 3 || !got.NextAttempt.IsZero() {
		t.Fatalf("late attempt on a cancelled event: %+v", got)
	}
	if err := d.RetryEvent(ctx, 999, t0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("retry of a missing event: %v", err)
	}
}

func TestDueEventsOnePerEnabledSubscription(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	a, b, off := sampleSubscription("a"), sampleSubscription("b"), sampleSubscription("off")
	for _, s := range []*Subscription{a, b, off} {
		d.CreateSubscription(ctx, s)
	}
	d.SetSubscriptionEnabled(ctx, off.ID, false, "by the user")
	a1 := newEvent(t, d, a.ID, t0)
	newEvent(t, d, a.ID, t0.Add(time.Second))
	newEvent(t, d, a.ID, t0.Add(2*time.Second))
	b1 := newEvent(t, d, b.ID, t0.Add(3*time.Second))
	newEvent(t, d, off.ID, t0)

	due, err := d.DueEvents(ctx, t0.Add(time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 2 || due[0].ID != a1.ID || due[1].ID != b1.ID {
		t.Fatalf("want a's soonest then b's, got %v", eventIDs(due))
	}
	if due, _ := d.DueEvents(ctx, t0.Add(time.Minute), 1); len(due) != 1 || due[0].ID != a1.ID {
		t.Fatalf("limit 1: %v", eventIDs(due))
	}
	if at, ok, _ := d.NextDue(ctx); !ok || !at.Equal(t0) {
		t.Fatalf("next due %v", at)
	}
	if at, ok, _ := d.NextDue(ctx, a.ID); !ok || !at.Equal(b1.NextAttempt) {
		t.Fatalf("next due with a busy: %v, want b's %v", at, b1.NextAttempt)
	}
	if _, ok, _ := d.NextDue(ctx, a.ID, b.ID); ok {
		t.Fatal("next due with every enabled subscription busy")
	}

	// Enabling releases the held event.
	d.SetSubscriptionEnabled(ctx, off.ID, true, "")
	if due, _ := d.DueEvents(ctx, t0.Add(time.Minute), 10); len(due) != 3 {
		t.Fatalf("after enabling: %v", eventIDs(due))
	}

	page1, _ := d.ListEvents(ctx, EventFilter{SubscriptionID: a.ID, Limit: 2})
	page2, _ := d.ListEvents(ctx, EventFilter{SubscriptionID: a.ID, Before: page1[1].ID, Limit: 2})
	if len(page1) != 2 || len(page2) != 1 || page2[0].ID != a1.ID || page1[0].Body != nil || page1[0].Size != 7 {
		t.Fatalf("keyset pages: %v %v", eventIDs(page1), eventIDs(page2))
	}
}

func eventIDs(es []*Event) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}
