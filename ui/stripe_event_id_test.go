package ui

import "testing"

// The overview of a Stripe capture names its event by id (evt_…), the
// handle the Stripe dashboard and CLI take.
func TestOverviewShowsStripeEventID(t *testing.T) {
	h := newHarness(t, 80, 40)
	h.insert(fixtures()[1])
	h.keys("enter", "tab", "tab", "tab")
	h.contains("Event ID  evt_1QbTEST")
}
