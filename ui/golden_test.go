package ui

import "testing"

func TestGoldenViews(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		name := func(s string) string { return s + "-" + itoa(sz[0]) + "x" + itoa(sz[1]) }
		h := newHarness(t, sz[0], sz[1])
		h.golden(name("empty"))
		h.insert(fixtures()...)
		h.golden(name("list"))
		h.keys("G", "enter")
		h.golden(name("detail-json"))
		h.keys("tab")
		h.golden(name("detail-headers"))
		h.keys("tab", "tab")
		h.golden(name("detail-overview"))
		h.keys("tab", "tab", "esc", "k", "k", "k", "enter")
		h.golden(name("detail-binary"))
		h.keys("esc", "?")
		h.golden(name("help"))
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
