package ui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A short last row of the hex dump keeps its closing │ in the same column
// as the full rows above it.
func TestHexDumpShortLastRowAligns(t *testing.T) {
	h := &hexLines{src: []byte(`{"id":"evt_1","data":"aGVsbG8gd29yBoaQ=="}`)}
	want := -1
	for i := 0; i < h.Count(); i++ {
		l, _ := h.Line(i)
		w := ansi.StringWidth(l)
		if want < 0 {
			want = w
		}
		if w != want {
			t.Fatalf("row %d is %d cells wide, row 0 is %d:\n%s", i, w, want, l)
		}
	}
}
