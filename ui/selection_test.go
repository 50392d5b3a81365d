package ui

import (
	"context"
	"testing"
	"time"
)

// The request the user reads or acts on never changes under them: an
// arrival is announced, never followed, once they have opened or moved.

func TestArrivalKeepsTheOpenRequest(t *testing.T) {
	for _, w := range []int{80, 160} { // alone, and beside the list
		h := newHarness(t, w, 24)
		h.insert(many(3)...)
		h.keys("enter")
		if got := h.shownID(); got != 3 {
			t.Fatalf("%d cols: opened #%d, want #3", w, got)
		}
		h.insert(req(50, "POST", "/late", nil, nil))
		if got := h.shownID(); got != 3 {
			t.Fatalf("%d cols: an arrival replaced the open request #3 with #%d", w, got)
		}
		h.contains("/n/3", "▲ 1 new") // in the list's title, or the header while it is hidden
		h.keys("esc")
		h.contains("▲ 1 new · g")
		if got := h.selectedTarget(); got != "/n/3" {
			t.Fatalf("%d cols: back on the list the cursor is on %s, want /n/3", w, got)
		}
	}
}

func TestArrivalWhileScrolledIsAnnounced(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(3)...) // a short list: the window reaches the newest row
	h.keys("j")
	h.insert(req(50, "POST", "/late", nil, nil), req(51, "POST", "/later", nil, nil))
	h.contains("▲ 2 new · g")
	if got := h.selectedTarget(); got != "/n/2" {
		t.Fatalf("the cursor moved to %s on arrival", got)
	}
	h.keys("g")
	h.lacks("▲")
	if got := h.selectedTarget(); got != "/later" {
		t.Fatalf("g went to %s", got)
	}
}

func TestFollowIsAStateTheUserSeesAndToggles(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(3)...)
	h.contains("following")
	h.keys("f") // stop following while on the newest row
	h.lacks("following")
	h.insert(req(50, "POST", "/late", nil, nil))
	if got := h.selectedTarget(); got != "/n/3" {
		t.Fatalf("not following, yet the cursor moved to %s", got)
	}
	h.contains("▲ 1 new · g")
	h.keys("f")
	h.contains("following")
	if got := h.selectedTarget(); got != "/late" {
		t.Fatalf("f did not go to the newest row: on %s", got)
	}
	h.insert(req(51, "POST", "/later", nil, nil))
	if got := h.selectedTarget(); got != "/later" {
		t.Fatalf("following, yet the cursor stayed on %s", got)
	}
}

func TestRetentionRemovesRowsAtOnce(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(10)...)
	h.keys("G") // on the oldest, /n/1
	if _, err := h.db.Prune(context.Background(), 6, 0, time.Now()); err != nil {
		t.Fatal(err)
	}
	h.send(dbChangedMsg{}) // the pruning commit, as the feed announces it
	h.lacks("/n/1 ", "/n/2 ", "/n/3 ", "/n/4 ")
	if got := h.selectedTarget(); got != "/n/5" {
		t.Fatalf("with the selected row pruned the cursor is on %s, want the oldest left, /n/5", got)
	}
}

func TestEnterNeverOpensAnotherRequest(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(3)...)
	h.keys("G") // /n/1
	// Another gaff prunes it before this one hears of it.
	if err := h.db.DeleteRequest(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	h.keys("enter")
	if got := h.shownID(); got != 0 && got != 1 {
		t.Fatalf("enter on #1 opened #%d", got)
	}
	h.contains("request #1 is gone")
	h.lacks("/n/2")
}

func TestActionsActOnTheRequestOnScreen(t *testing.T) {
	h := newHarness(t, 80, 24)
	withSender(h)
	tg := newTarget(t, 200)
	h.app.common.deps.Sender.SetTarget(context.Background(), tg.URL)
	h.run(h.app.Init())
	h.insert(many(3)...)
	h.keys("enter") // /n/3
	h.insert(req(50, "POST", "/late", nil, []byte("late")))
	h.keys("r")
	got, body := tg.Last()
	if got == nil || got.URL.Path != "/n/3" || string(body) != "3" {
		t.Fatalf("r replayed %v %q, want /n/3", got, body)
	}
	h.contains("replayed #3 POST /n/3 → 200")
}

// shownID is the request the detail shows (0: none).
func (h *harness) shownID() int64 { return h.app.requests.detail.id() }

// selectedTarget is the path of the row under the cursor.
func (h *harness) selectedTarget() string {
	if s := h.app.requests.list.selected(); s != nil {
		return s.Target
	}
	return ""
}

// Not following on an empty list: the first arrivals are still listed,
// with the cursor on the newest and the arrivals announced.
func TestNotFollowingAnEmptyList(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.keys("f")
	h.insert(many(2)...)
	h.contains("/n/1 ", "/n/2 ", "▲ 2 new · g")
	if got := h.selectedTarget(); got != "/n/2" {
		t.Fatalf("the cursor is on %q", got)
	}
}
