package ui

import (
	"sort"
	"strings"
	"unicode"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// match is one find hit: a line and the cells it covers there.
type match struct {
	line, from, to int // to is exclusive; cells of the line as shown
}

// finder is a text view's find state. Matching is case-insensitive and per
// line: a hit never spans two lines, so a phrase broken by the pretty
// printer's line breaks is not found.
type finder struct {
	query   string
	matches []match
	cur     int
	hl, now lipgloss.Style // every hit, the current one
	partial bool           // the body has more lines than findLines
}

// findLines bounds what one find reads, on the UI goroutine and at every
// keystroke: the UI must never stall on a 25 MiB body. Beyond it the
// status says the rest was not searched.
const findLines = 20000

// findStarter is a source whose lines have a part that is not searched,
// such as a hex dump's offsets and hex bytes.
type findStarter interface {
	// findStart is the rune index from which a shown plain line is searched.
	findStart(plain string) int
}

// findStart searches the hex dump's ASCII column only: the hex digits would
// match words like "be" or "ad" by accident.
func (h *hexLines) findStart(plain string) int {
	if i := strings.IndexRune(plain, '│'); i >= 0 {
		return len([]rune(plain[:i])) + 1
	}
	return len([]rune(plain))
}

// plainLine is line i as the view shows it, without styling.
func (v *textView) plainLine(i int) (string, bool) {
	s, ok := v.src.Line(i)
	if !ok {
		return "", false
	}
	return strings.ReplaceAll(ansi.Strip(s), "\t", "    "), true
}

// setFind searches the whole source for q and keeps the current hit at the
// first one at or after the top of the view. An empty q clears the find.
func (v *textView) setFind(q string, hl, now lipgloss.Style) {
	v.find = nil
	if q == "" {
		return
	}
	f := &finder{query: q, hl: hl, now: now}
	needle := []rune(strings.ToLower(q))
	starter, _ := v.src.(findStarter)
	for i := 0; ; i++ {
		if i == findLines {
			_, f.partial = v.src.Line(i)
			break
		}
		plain, ok := v.plainLine(i)
		if !ok {
			break
		}
		start := 0
		if starter != nil {
			start = starter.findStart(plain)
		}
		f.matches = append(f.matches, lineMatches(i, plain, needle, start)...)
		if len(f.matches) >= findLines {
			// A one-letter find in a huge body: enough hits to step through.
			f.matches, f.partial = f.matches[:findLines], true
			break
		}
	}
	for f.cur < len(f.matches) && f.matches[f.cur].line < v.line {
		f.cur++
	}
	if f.cur == len(f.matches) {
		f.cur = 0
	}
	v.find = f
	v.showMatch()
}

// lineMatches finds needle in plain from rune start on, without overlaps.
// Runes are lowered one by one so rune indexes stay those of the shown line.
func lineMatches(line int, plain string, needle []rune, start int) []match {
	orig := []rune(plain)
	hay := make([]rune, len(orig))
	for i, r := range orig {
		hay[i] = unicode.ToLower(r)
	}
	var out []match
	// Widths add up as i moves, so a line of many hits costs one pass.
	width, at := 0, 0
	for i := start; i+len(needle) <= len(hay); {
		if string(hay[i:i+len(needle)]) != string(needle) {
			i++
			continue
		}
		width += ansi.StringWidth(string(orig[at:i]))
		w := ansi.StringWidth(string(orig[i : i+len(needle)]))
		out = append(out, match{line: line, from: width, to: width + w})
		width, at = width+w, i+len(needle)
		i += len(needle)
	}
	return out
}

// stepFind moves to the next (1) or previous (-1) hit, wrapping around.
func (v *textView) stepFind(delta int) {
	f := v.find
	if f == nil || len(f.matches) == 0 {
		return
	}
	f.cur = (f.cur + delta + len(f.matches)) % len(f.matches)
	v.showMatch()
}

// showMatch scrolls so the current hit is on screen: its line at the top
// unless it is already visible, and, with wrap off, its cells in view.
func (v *textView) showMatch() {
	f := v.find
	if f == nil || len(f.matches) == 0 {
		return
	}
	m := f.matches[f.cur]
	if !v.visible(m) {
		v.line, v.row = m.line, 0
		if v.wrap {
			v.row = m.from / v.w
		}
	}
	if !v.wrap && (m.from < v.xoff || m.to > v.xoff+v.w) {
		v.xoff = max(0, m.to-v.w)
		if m.from < v.xoff {
			v.xoff = m.from
		}
	}
}

// visible reports whether the hit's first cell is on screen.
func (v *textView) visible(m match) bool {
	if m.line < v.line {
		return false
	}
	line, row, shown := v.line, v.row, 0
	for shown < v.h {
		rs := v.rows(line)
		if rs == nil {
			return false
		}
		if line == m.line {
			r := 0
			if v.wrap {
				r = m.from / v.w
			}
			return r >= row && shown+r-row < v.h
		}
		shown += len(rs) - row
		line, row = line+1, 0
	}
	return false
}

// marked is line i's styled text with its hits highlighted; other styling
// is kept around them.
func (v *textView) marked(i int, s string) string {
	f := v.find
	if f == nil {
		return s
	}
	var b strings.Builder
	at := 0
	width := ansi.StringWidth(s)
	first := sort.Search(len(f.matches), func(k int) bool { return f.matches[k].line >= i })
	for k := first; k < len(f.matches) && f.matches[k].line == i; k++ {
		m := f.matches[k]
		st := f.hl
		if k == f.cur {
			st = f.now
		}
		b.WriteString(ansi.Cut(s, at, m.from))
		b.WriteString(st.Render(ansi.Strip(ansi.Cut(s, m.from, m.to))))
		at = m.to
	}
	if at == 0 {
		return s
	}
	b.WriteString(ansi.Cut(s, at, width))
	return b.String()
}

// findStatus is "3 of 12", "no match", or "" with no find.
func (v *textView) findStatus() string {
	switch {
	case v.find == nil:
		return ""
	case len(v.find.matches) == 0 && v.find.partial:
		return "no match in the first " + commas(findLines) + " lines"
	case len(v.find.matches) == 0:
		return "no match"
	}
	status := commas(int64(v.find.cur+1)) + " of " + commas(int64(len(v.find.matches)))
	if v.find.partial {
		status += " in the first " + commas(findLines) + " lines"
	}
	return status
}
