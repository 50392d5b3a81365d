package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// box draws a bordered pane of outer size w×h with a title set into the top
// border (ARCHITECTURE.md, "The UI model"). Lines longer than the inner
// width are cut; missing lines are blank.
func (s *Styles) box(title string, lines []string, w, h int, focused bool) string {
	if w < 4 || h < 2 {
		return ""
	}
	bs, ts := s.Border, s.BoxTitle
	if focused {
		bs, ts = s.BorderFocus, s.BoxTitleFoc
	}
	inner := w - 2
	var b strings.Builder
	if title != "" {
		t := ansi.Truncate(" "+title+" ", inner-1, "… ")
		b.WriteString(bs.Render("┌─") + ts.Render(t) + bs.Render(strings.Repeat("─", max(0, inner-1-ansi.StringWidth(t)))+"┐"))
	} else {
		b.WriteString(bs.Render("┌" + strings.Repeat("─", inner) + "┐"))
	}
	side := bs.Render("│")
	for i := 0; i < h-2; i++ {
		b.WriteByte('\n')
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		b.WriteString(side)
		b.WriteString(fit(line, inner))
		b.WriteString(side)
	}
	b.WriteByte('\n')
	b.WriteString(bs.Render("└" + strings.Repeat("─", inner) + "┘"))
	return b.String()
}

// fit cuts or pads a (possibly styled) line to exactly w cells.
func fit(line string, w int) string {
	lw := ansi.StringWidth(line)
	if lw > w {
		line = ansi.Truncate(line, w, "…")
		lw = ansi.StringWidth(line)
	}
	if lw < w {
		line += strings.Repeat(" ", w-lw)
	}
	return line
}
