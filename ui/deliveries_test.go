package ui

import (
	"context"
	"errors"
	"testing"
	"time"

	"gaff/storage"
)

// The deliveries of the open request are current whichever tab is up,
// whether this gaff stored them (a commit) or another one did (the
// one-second tick).
func TestDeliveriesTabFollowsNewDeliveries(t *testing.T) {
	for _, via := range []string{"commit", "tick"} {
		t.Run(via, func(t *testing.T) {
			h := newHarness(t, 80, 24)
			h.insert(many(2)...)
			h.keys("enter") // #2, on the body tab
			h.contains("deliveries ")
			d := &storage.Delivery{Time: time.Now(), Kind: storage.KindForward, RequestID: 2, Method: "POST", URL: "http://127.0.0.1:9/n/2", Status: 202}
			if err := h.db.InsertDelivery(context.Background(), d); err != nil {
				t.Fatal(err)
			}
			if via == "commit" {
				h.send(dbChangedMsg{})
			} else {
				h.send(healthTickMsg{})
			}
			h.contains("deliveries 1")
			h.keys("shift+tab")
			h.contains("#1 forward", "[202]")
		})
	}
}

// A failed read says so; it never claims the request was not sent.
func TestDeliveriesReadFailureIsShown(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(1)...)
	h.keys("enter", "shift+tab")
	h.send(deliveriesMsg{id: 1, err: errors.New("database is locked")})
	h.contains("cannot read the deliveries: database is locked")
	h.lacks("Not sent anywhere yet")
}
