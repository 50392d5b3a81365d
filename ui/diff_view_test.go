package ui

import (
	"context"
	"strings"
	"testing"
)

func diffPair(h *harness) {
	json := hdrs("Content-Type", "application/json")
	h.insert(
		req(1, "POST", "/pay?try=1", json, []byte(`{"amount":2000,"items":[1,2],"id":"\u001b]0;evil\u0007"}`)),
		req(2, "POST", "/pay?try=2", hdrs("Content-Type", "application/json", "X-Tag", "\x1b[31mred"), []byte(`{"amount":2500,"items":[1],"new":true,"id":"x"}`)),
	)
}

// m marks the row under the cursor; D on another opens the diff, from
// the mark to the one on screen, coloured and sanitized.
func TestMarkThenDiff(t *testing.T) {
	h := newHarness(t, 100, 30)
	diffPair(h)
	h.keys("D")
	h.contains("nothing marked: m marks a request")
	h.keys("j", "m") // #1, the older
	h.contains("marked #1 POST /pay")
	h.keys("D")
	h.contains("#1 POST /pay is the marked request")
	if bar := h.bottomLines(); strings.Contains(bar, "D diff") {
		t.Errorf("the help bar offers D on the marked request itself:\n%s", bar)
	}
	h.keys("k", "enter") // open #2: D works in the detail too
	if bar := h.bottomLines(); !strings.Contains(bar, "D diff with mark") {
		t.Errorf("the help bar does not offer D with a mark set:\n%s", bar)
	}
	h.keys("D")
	h.contains("diff #1 → #2 (6 changes)",
		`+ headers.X-Tag: \e[31mred`,
		"query.try: 1 → 2",
		".amount: 2000 → 2500",
		`.id: "\u001b]0;evil\u0007" → "x"`,
		"- .items[1]: 2",
		"+ .new: true",
	)
	if v := h.app.View().Content; strings.Contains(v, "\x1b]0;") {
		t.Error("the diff let an OSC sequence through to the terminal")
	}
	h.keys("esc")
	h.lacks("diff #1 → #2")
}

func TestDiffSameAndGone(t *testing.T) {
	h := newHarness(t, 100, 30)
	json := hdrs("Content-Type", "application/json")
	h.insert(req(1, "POST", "/a", json, []byte(`{"a":1}`)), req(2, "POST", "/a", json, []byte(`{"a":1}`)), req(3, "POST", "/b", json, nil))
	h.keys("m", "j", "D") // #3 marked, #2 on screen
	h.contains("diff #3 → #2")
	h.keys("esc", "m", "j", "D") // #2 marked, #1 the same
	h.contains("no differences between #2 and #1")
	if err := h.db.DeleteRequest(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	h.keys("D")
	h.contains("cannot compare #2 and #1")
}
