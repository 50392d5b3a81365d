package e2e

import (
	"strings"
	"testing"
)

// The TUI's fire form sends copies at the same moment: the shop's
// /together barrier answers 200 only when both copies are in flight at
// once, so a form that dropped the switch would show 500s.
func TestTUIFiresConcurrentCopies(t *testing.T) {
	sh := newShop(t)
	s := startTUI(t, 120, 30)
	s.gaff(t, "subs", "add", "racy", "--to", sh.URL+"/together", "--scheme", "stripe", "--secret", "whsec_test", "--retry", "none",
		"--events", "stripe.payment_intent.succeeded")
	s.keys("s")
	s.waitFor("racy")
	s.keys("f")
	s.waitFor("pick an event", "stripe.payment_intent.succeeded")
	s.keys("Enter")
	s.waitFor("Copies", "ctrl+s fire")
	if strings.Contains(s.screen(), "Concurrent") {
		t.Fatalf("concurrent offered for one copy:\n%s", s.screen())
	}
	s.keys("Tab", "Tab", "BSpace", "2", "Tab", "Space")
	s.waitFor("Concurrent  [x]")
	s.keys("C-s")
	s.waitFor("fired stripe.payment_intent.succeeded ×2 at once to racy → 200, 200", "delivered 2 attempts")
	ids, _ := sh.seen()
	if len(ids) != 1 {
		t.Fatalf("one event, twice: %v", ids)
	}
	for id, n := range ids {
		if n != 2 {
			t.Fatalf("event %s arrived %d times", id, n)
		}
	}
}
