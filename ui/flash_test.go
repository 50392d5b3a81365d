package ui

import (
	"strings"
	"testing"
)

// A message too long for the line wraps to a second one, so its remedy is
// on screen; L lists the messages of this run with their time.
func TestLongFlashWrapsAndIsLogged(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(1)...)
	h.send(clipboardMsg{text: strings.Repeat("x", osc52Limit+1), what: "#1 POST /n/1 as curl"})
	h.checkSize()
	h.contains("too big for the terminal")
	if s := strings.Join(strings.Fields(h.bottomLines()), " "); !strings.Contains(s, "use gaff export --format curl") {
		t.Fatalf("the remedy was cut:\n%s", h.bottomLines())
	}
	h.keys("j") // any key clears the flash
	h.lacks("too big")
	h.checkSize()
	h.keys("L")
	h.contains("messages (last 100)", "too big for the")
	h.checkSize()
	h.keys("esc")
	h.lacks("messages (last")
}
