package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func sampleSubscription(name string) *Subscription {
	return &Subscription{Name: name, URL: "http://127.0.0.1:3000/hook", Scheme: "github", Secret: "s3cret",
		Headers: Headers{{"X-Env", "test"}, {"x-env", "again"}}, Events: []string{"github.push", "stripe.*"},
		Timeout: 200 * time.Millisecond, Retry: "testing", Enabled: true}
}

func TestSubscriptionCRUD(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	s := sampleSubscription("local")
	if err := d.CreateSubscription(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err := d.SubscriptionByName(ctx, "local")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != s.ID || got.URL != s.URL || got.Scheme != "github" || got.Secret != "s3cret" || got.Timeout != 200*time.Millisecond ||
		got.Retry != "testing" || !got.Enabled || len(got.Headers) != 2 || got.Headers[1].Name != "x-env" ||
		strings.Join(got.Events, ",") != "github.push,stripe.*" || got.Created.IsZero() {
		t.Fatalf("round trip: %+v", got)
	}

	dup := sampleSubscription("local")
	if err := d.CreateSubscription(ctx, dup); !errors.Is(err, ErrDuplicateName) || !strings.Contains(err.Error(), `"local" already exists`) {
		t.Fatalf("duplicate name: %v", err)
	}

	got.URL, got.Events, got.Timeout = "https://example.com/h", nil, 0
	if err := d.UpdateSubscription(ctx, got); err != nil {
		t.Fatal(err)
	}
	again, _ := d.GetSubscription(ctx, s.ID)
	if again.URL != "https://example.com/h" || len(again.Events) != 0 || again.Timeout != DefaultSubscriptionTimeout {
		t.Fatalf("after update: %+v", again)
	}

	other := sampleSubscription("other")
	d.CreateSubscription(ctx, other)
	other.Name = "local"
	if err := d.UpdateSubscription(ctx, other); !errors.Is(err, ErrDuplicateName) {
		t.Fatalf("rename onto a taken name: %v", err)
	}

	if err := d.SetSubscriptionEnabled(ctx, s.ID, false, "410 Gone"); err != nil {
		t.Fatal(err)
	}
	off, _ := d.GetSubscription(ctx, s.ID)
	if off.Enabled || off.DisabledReason != "410 Gone" {
		t.Fatalf("disable: %+v", off)
	}
	d.SetSubscriptionEnabled(ctx, s.ID, true, "ignored")
	on, _ := d.GetSubscription(ctx, s.ID)
	if !on.Enabled || on.DisabledReason != "" {
		t.Fatalf("enable: %+v", on)
	}

	list, _ := d.ListSubscriptions(ctx)
	if len(list) != 2 || list[0].Name != "local" || list[1].Name != "other" {
		t.Fatalf("list: %v", list)
	}

	for _, err := range []error{
		d.DeleteSubscription(ctx, 999),
		d.UpdateSubscription(ctx, &Subscription{ID: 999, Name: "x"}),
		d.SetSubscriptionEnabled(ctx, 999, true, ""),
		func() error { _, err := d.GetSubscription(ctx, 999); return err }(),
		func() error { _, err := d.SubscriptionByName(ctx, "nope"); return err }(),
	} {
		if !errors.Is(err, ErrNotFound) || strings.Contains(err.Error(), "request") {
			t.Errorf("missing subscription: %v", err)
		}
	}
}

func TestDeleteSubscriptionTakesEventsAndAttempts(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	s := sampleSubscription("gone")
	d.CreateSubscription(ctx, s)
	e := &Event{SubscriptionID: s.ID, MsgID: "m1", Method: "POST", Body: []byte("{}")}
	if err := d.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	x := &Delivery{SubscriptionID: s.ID, EventID: e.ID, Method: "POST", URL: s.URL, Status: 500}
	if err := d.RecordAttempt(ctx, x, AttemptResult{State: EventFailed, Error: "answered 500"}); err != nil {
		t.Fatal(err)
	}
	keep := &Delivery{Kind: KindReplay, Method: "POST", URL: s.URL}
	d.InsertDelivery(ctx, keep)

	if err := d.DeleteSubscription(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.GetEvent(ctx, e.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("event survived: %v", err)
	}
	if got, _ := d.ListDeliveries(ctx, DeliveryFilter{SubscriptionID: s.ID}); len(got) != 0 {
		t.Fatalf("attempts survived: %d", len(got))
	}
	if _, err := d.GetDelivery(ctx, keep.ID); err != nil {
		t.Fatalf("an unrelated delivery went too: %v", err)
	}
	// An attempt that finishes after its subscription was removed is dropped.
	late := &Delivery{SubscriptionID: s.ID, EventID: e.ID, Method: "POST", URL: s.URL}
	if err := d.RecordAttempt(ctx, late, AttemptResult{State: EventDelivered}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("late attempt: %v", err)
	}
	if err := d.CreateEvent(ctx, &Event{SubscriptionID: s.ID, MsgID: "m2", Method: "POST"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("event for a removed subscription: %v", err)
	}
}
