package storage

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

func TestDeliveriesRoundTripAndFilter(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	r := sample(1)
	d.InsertRequest(ctx, r)
	mk := func(kind string, req, sub int64) *Delivery {
		return &Delivery{Kind: kind, RequestID: req, SubscriptionID: sub, Method: "POST", URL: "http://127.0.0.1:3000/hook",
			Headers: Headers{{"X-A", "1"}, {"x-a", "2"}}, Body: []byte{0, 1, 0xff},
			Status: 500, RespHeaders: Headers{{"Content-Type", "text/plain"}}, RespBody: []byte("boom"),
			RespTruncated: true, Duration: 1500 * time.Millisecond}
	}
	a := mk(KindReplay, r.ID, 0)
	b := mk(KindSubscription, 0, 7)
	b.Error, b.Status = "connection refused", 0
	for _, x := range []*Delivery{a, b, mk(KindEdit, r.ID, 0)} {
		if err := d.InsertDelivery(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	got, err := d.GetDelivery(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != KindReplay || got.RequestID != r.ID || got.SubscriptionID != 0 || !bytes.Equal(got.Body, a.Body) ||
		got.Headers[1].Name != "x-a" || string(got.RespBody) != "boom" || !got.RespTruncated || got.Duration != a.Duration || got.Status != 500 {
		t.Fatalf("round trip: %+v", got)
	}
	byReq, _ := d.ListDeliveries(ctx, DeliveryFilter{RequestID: r.ID})
	if len(byReq) != 2 || byReq[0].Kind != KindEdit {
		t.Fatalf("by request: %d rows", len(byReq))
	}
	bySub, _ := d.ListDeliveries(ctx, DeliveryFilter{SubscriptionID: 7})
	if len(bySub) != 1 || bySub[0].Error != "connection refused" {
		t.Fatalf("by subscription: %+v", bySub)
	}
	page, _ := d.ListDeliveries(ctx, DeliveryFilter{Before: byReq[0].ID, Limit: 1})
	if len(page) != 1 || page[0].ID != b.ID {
		t.Fatalf("keyset page: %+v", page)
	}
	if _, err := d.GetDelivery(ctx, 99); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing delivery: %v", err)
	}
}

func TestSettings(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	if _, ok, err := d.Setting(ctx, "forward.target"); ok || err != nil {
		t.Fatalf("unset setting: ok=%v err=%v", ok, err)
	}
	d.SetSetting(ctx, "forward.target", "http://localhost:3000")
	d.SetSetting(ctx, "forward.target", "http://localhost:4000")
	if v, ok, _ := d.Setting(ctx, "forward.target"); !ok || v != "http://localhost:4000" {
		t.Fatalf("got %q %v", v, ok)
	}
	d.SetSetting(ctx, "forward.target", "")
	if _, ok, _ := d.Setting(ctx, "forward.target"); ok {
		t.Fatal("empty value did not delete")
	}
}

func TestLatestOutcomes(t *testing.T) {
	d, _ := openTemp(t, Options{})
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		d.InsertRequest(ctx, sample(i))
	}
	d.InsertDelivery(ctx, &Delivery{Kind: KindForward, RequestID: 1, Method: "POST", URL: "u", Status: 500})
	d.InsertDelivery(ctx, &Delivery{Kind: KindReplay, RequestID: 1, Method: "POST", URL: "u", Status: 200})
	d.InsertDelivery(ctx, &Delivery{Kind: KindForward, RequestID: 2, Method: "POST", URL: "u", Error: "connection refused"})
	got, err := d.LatestOutcomes(ctx, []int64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1] != (Outcome{Status: 200}) || !got[2].Error {
		t.Fatalf("%+v", got)
	}
}
