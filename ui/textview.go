package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// lineSource gives a text view its lines on demand, so a 25 MiB body is
// never formatted whole to show one screen of it.
type lineSource interface {
	// Line returns line i, styled and safe to print, and false past the end.
	Line(i int) (string, bool)
	// Count is the number of lines. Lazy sources compute it when asked.
	Count() int
}

// staticLines is a source over lines already built (headers, overview).
type staticLines []string

func (s staticLines) Line(i int) (string, bool) {
	if i < 0 || i >= len(s) {
		return "", false
	}
	return s[i], true
}

func (s staticLines) Count() int { return len(s) }

// textView scrolls over a lineSource, soft-wrapping long lines. Its position
// is a line and a row within that line's wrapped rows, so a 10,000-character
// line can be read through rather than skipped.
type textView struct {
	src  lineSource
	line int // first visible line
	row  int // first visible wrapped row of that line
	wrap bool
	w, h int
	xoff int     // first shown cell of every line when wrap is off
	find *finder // nil with no find
}

func newTextView(src lineSource) *textView {
	return &textView{src: src, wrap: true}
}

func (v *textView) setSize(w, h int) { v.w, v.h = max(1, w), max(1, h) }

// replace shows fresh lines in the same place: a refresh that arrives
// while the user reads (every commit refreshes the overview and the
// deliveries) must not scroll the view back to its top.
func (v *textView) replace(src lineSource) {
	v.src = src
	if _, ok := src.Line(v.line); !ok {
		v.bottom()
		return
	}
	if v.row >= len(v.rows(v.line)) {
		v.row = 0
	}
	if v.atEnd() {
		v.bottom()
	}
}

func (v *textView) rows(i int) []string {
	s, ok := v.src.Line(i)
	if !ok {
		return nil
	}
	s = v.marked(i, strings.ReplaceAll(s, "\t", "    "))
	if !v.wrap {
		if v.xoff > 0 {
			s = ansi.TruncateLeft(s, v.xoff, "")
		}
		return []string{s}
	}
	if ansi.StringWidth(s) <= v.w {
		return []string{s}
	}
	return strings.Split(ansi.Hardwrap(s, v.w, true), "\n")
}

// render returns exactly the visible rows (fewer at the end).
func (v *textView) render() []string {
	out := make([]string, 0, v.h)
	line, row := v.line, v.row
	for len(out) < v.h {
		rs := v.rows(line)
		if rs == nil {
			break
		}
		if row < len(rs) {
			for _, r := range rs[row:] {
				if len(out) == v.h {
					break
				}
				out = append(out, r)
			}
		}
		line, row = line+1, 0
	}
	return out
}

func (v *textView) down(n int) {
	for ; n > 0; n-- {
		rs := v.rows(v.line)
		if v.row+1 < len(rs) {
			v.row++
			continue
		}
		if _, ok := v.src.Line(v.line + 1); !ok {
			return
		}
		if v.atEnd() {
			return
		}
		v.line, v.row = v.line+1, 0
	}
}

// atEnd reports whether the last row is already on screen.
func (v *textView) atEnd() bool {
	line, row, shown := v.line, v.row, 0
	for shown <= v.h {
		rs := v.rows(line)
		if rs == nil {
			return true
		}
		shown += len(rs) - row
		line, row = line+1, 0
	}
	return false
}

func (v *textView) up(n int) {
	for ; n > 0; n-- {
		if v.row > 0 {
			v.row--
			continue
		}
		if v.line == 0 {
			return
		}
		v.line--
		v.row = max(0, len(v.rows(v.line))-1)
	}
}

func (v *textView) top() { v.line, v.row = 0, 0 }

// bottom places the last row at the bottom of the view.
func (v *textView) bottom() {
	n := v.src.Count()
	if n == 0 {
		v.top()
		return
	}
	line, need := n-1, v.h
	for line >= 0 {
		rs := v.rows(line)
		if len(rs) >= need {
			v.line, v.row = line, len(rs)-need
			return
		}
		need -= len(rs)
		line--
	}
	v.top()
}

func (v *textView) toggleWrap() {
	v.wrap = !v.wrap
	v.row, v.xoff = 0, 0
}

// scrollX moves the view sideways by n cells; lines only run past the
// view's edge with wrap off.
func (v *textView) scrollX(n int) {
	if v.wrap {
		return
	}
	v.xoff = max(0, v.xoff+n)
}

// position is "line 120 of 3,400 · 4%" once the lines do not fit, and ""
// while they do. A count not known yet (a large body still being indexed)
// is left out rather than computed here.
func (v *textView) position(known bool) string {
	if !known {
		return "line " + commas(int64(v.line+1))
	}
	n := v.src.Count()
	if n <= v.h && v.line == 0 && v.row == 0 && v.atEnd() {
		return ""
	}
	pct := 100
	if !v.atEnd() {
		pct = (v.line + 1) * 100 / n
	}
	return fmt.Sprintf("line %s of %s · %d%%", commas(int64(v.line+1)), commas(int64(n)), pct)
}
