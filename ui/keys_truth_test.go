package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/send"
	"gaff/storage"
)

// The fire picker's enter picks an event and the fire form's ctrl+s
// fires: the help bar says so.
func TestFireHintsSayWhatTheKeysDo(t *testing.T) {
	h := newHarness(t, 120, 30)
	withDispatcher(t, h)
	s := &storage.Subscription{Name: "local", URL: "http://127.0.0.1:9/x", Scheme: "none", Retry: send.RetryNone, Enabled: true, Timeout: time.Second}
	if err := send.CreateSubscription(context.Background(), h.db, s); err != nil {
		t.Fatal(err)
	}
	h.keys("s", "f")
	if bar := h.bottomLines(); !strings.Contains(bar, "enter pick event") {
		t.Errorf("the picker's help bar:\n%s", bar)
	}
	h.keys("enter")
	if bar := h.bottomLines(); !strings.Contains(bar, "ctrl+s fire") {
		t.Errorf("the fire form's help bar:\n%s", bar)
	}
}

// d deletes in the detail as in the list, and names what it deletes.
func TestDeleteWorksInTheDetail(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(3)...)
	h.keys("j", "enter", "d")
	h.contains("delete request #2 POST /n/2 (y/n)")
	h.keys("y")
	h.contains("deleted request #2 POST /n/2")
	if _, err := h.db.GetRequest(context.Background(), 2); err == nil {
		t.Fatal("#2 is still stored")
	}
}

// e with no target asks for one, as r does, instead of sending the copy
// back to gaff.
func TestEditAsksForATargetFirst(t *testing.T) {
	h := newHarness(t, 80, 24)
	withSender(h)
	tg := newTarget(t, 200)
	h.insert(many(1)...)
	h.keys("e")
	h.contains("your handler's base URL")
	typeText(h, tg.URL)
	h.keys("enter")
	h.contains("edit a copy of request #1", tg.URL+"/n/1")
}

// Prompts show examples as placeholders: what is typed is the value.
func TestPromptsStartEmpty(t *testing.T) {
	h := newHarness(t, 100, 40)
	handler := withPolicy(h)
	h.keys("S", "a")
	typeText(h, "/x 201")
	h.keys("enter")
	if r := handler.Policy().Match("/x"); r == nil || r.Status != 201 {
		t.Fatalf("typing /x 201 in the response prompt gave %+v", r)
	}
}

// A flood of commits while the deliveries tab is up starts one read at a
// time, not one per commit.
func TestDeliveriesReloadOneAtATime(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(1)...)
	h.keys("enter", "shift+tab")
	reads := 0
	for range 50 {
		_, cmd := h.app.Update(dbChangedMsg{})
		reads += countMsgs[deliveriesMsg](cmd)
	}
	if reads != 1 {
		t.Fatalf("50 commits started %d deliveries reads at once", reads)
	}
}

// countMsgs runs cmd, and the batches it returns, without handing the
// messages back to the app, and counts those of type T.
func countMsgs[T any](cmd tea.Cmd) int {
	if cmd == nil {
		return 0
	}
	msg := cmd()
	if l, ok := msg.(landedMsg); ok {
		msg = l.msg
	}
	switch m := msg.(type) {
	case tea.BatchMsg:
		n := 0
		for _, c := range m {
			n += countMsgs[T](c)
		}
		return n
	case T:
		return 1
	}
	return 0
}
