package ui

import (
	"fmt"
	"strings"
	"testing"
)

// longText is n numbered lines; every tenth carries "Needle", line 50 two.
func longText(n int) []byte {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "line %d", i)
		if i%10 == 0 {
			b.WriteString(" has a Needle here")
		}
		if i == 50 {
			b.WriteString(" and a second NEEDLE")
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// findIn opens a text body and types q in its find prompt.
func findIn(t *testing.T, body []byte, q string) *harness {
	h := newHarness(t, 100, 24)
	h.insert(req(1, "POST", "/t", hdrs("Content-Type", "text/plain"), body))
	h.keys("enter", "F")
	typeText(h, q)
	return h
}

// F finds in the body across many lines, counts, and n/N move from hit to
// hit with the view following, the current hit in its own colour.
func TestFindInBodyCountsAndMoves(t *testing.T) {
	h := findIn(t, longText(200), "needle")
	h.contains("1 of 21")
	h.keys("enter")
	h.contains("1 of 21", "line 10 has a Needle")
	st := &h.app.common.styles
	if v := h.app.View().Content; !strings.Contains(v, st.MatchNow.Render("Needle")) {
		t.Fatalf("the current hit is not drawn in the match colour:\n%q", v)
	}
	for range 4 {
		h.keys("n")
	}
	h.contains("5 of 21", "line 50 has a Needle here and a second NEEDLE")
	if v := h.app.View().Content; !strings.Contains(v, st.MatchNow.Render("Needle")) || !strings.Contains(v, st.Match.Render("NEEDLE")) {
		t.Fatalf("line 50's two hits are not both marked:\n%q", v)
	}
	for range 16 {
		h.keys("n")
	}
	h.contains("21 of 21", "line 200 has a Needle")
	h.keys("n")
	h.contains("1 of 21", "line 10 has a Needle")
	h.keys("N")
	h.contains("21 of 21", "line 200 has a Needle")
	h.keys("esc")
	h.lacks("of 21")
	if v := h.app.View().Content; strings.Contains(v, st.MatchNow.Render("Needle")) {
		t.Fatal("esc left the hit marked")
	}
	h.checkSize()
}

func TestFindNoMatch(t *testing.T) {
	h := findIn(t, longText(30), "haystack")
	h.keys("enter")
	h.contains("find “haystack” no match")
	h.keys("n") // nothing to go to: no panic, nothing moves
	h.contains("line 1 ")
}

// The pretty JSON is searched as shown, not as sent: keys found on the
// lines the pretty printer made.
func TestFindInPrettyJSON(t *testing.T) {
	h := newHarness(t, 100, 24)
	h.insert(fixtures()[1])
	h.keys("enter", "F")
	typeText(h, "\"object\"")
	h.keys("enter")
	h.contains("1 of 3")
	st := &h.app.common.styles
	if v := h.app.View().Content; !strings.Contains(v, st.MatchNow.Render(`"object"`)) {
		t.Fatalf("the hit in the pretty JSON is not marked:\n%q", v)
	}
}

// The hex dump is searched in its ASCII column only.
func TestFindInHexSearchesTheASCIIColumn(t *testing.T) {
	h := newHarness(t, 100, 24)
	body := append([]byte{0, 1, 2, 0xbe, 0xef}, []byte("MAGIC bytes\x00\x01")...)
	h.insert(req(1, "PUT", "/b", hdrs("Content-Type", "application/octet-stream"), body))
	h.keys("enter", "F")
	typeText(h, "magic")
	h.contains("1 of 1")
	h.keys("esc", "F")
	typeText(h, "be") // in the hex column only
	h.contains("no match")
}

// A long body says where the view is.
func TestScrollPosition(t *testing.T) {
	h := newHarness(t, 100, 24)
	h.insert(req(1, "POST", "/t", hdrs("Content-Type", "text/plain"), longText(3400)))
	h.keys("enter")
	h.contains("line 1 of 3,400 · 0%")
	for range 119 {
		h.keys("j")
	}
	h.contains("line 120 of 3,400 · 3%")
	h.keys("G")
	h.contains("· 100%")
}

// With wrap off, > shows the part of a long line past the right edge.
func TestHorizontalScroll(t *testing.T) {
	h := newHarness(t, 80, 24)
	long := "start " + strings.Repeat("x", 120) + " THE-END"
	h.insert(req(1, "POST", "/t", hdrs("Content-Type", "text/plain"), []byte(long)))
	h.keys("enter", "w")
	h.lacks("THE-END")
	for range 4 {
		h.keys(">")
	}
	h.contains("THE-END")
	h.lacks("start")
	for range 4 {
		h.keys("<")
	}
	h.contains("start")
	h.checkSize()
}

// One find reads at most findLines lines on the UI goroutine, whatever the
// body's size, and says so: the screen never stalls on a huge body.
func TestFindIsBoundedAndSaysSo(t *testing.T) {
	h := newHarness(t, 120, 24)
	h.insert(req(1, "POST", "/t", hdrs("Content-Type", "text/plain"), longText(findLines+5000)))
	h.keys("enter", "F")
	typeText(h, "needle")
	h.contains(commas(findLines/10+1) + " in the first " + commas(findLines) + " lines")
}
