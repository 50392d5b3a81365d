package ui

import (
	"fmt"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gaff/diff"
	"gaff/storage"
)

// m marks the request on screen and D compares the one on screen with the
// mark, field by field (ARCHITECTURE.md, "Structural diff"). Both are read
// and compared in a Cmd; the overlay only styles the lines it is given.

// Bounds on what one diff puts in memory and on screen: gaff diff prints
// the whole of a larger one.
const (
	diffMaxLines    = 1000
	diffMaxLineSize = 2000
)

type diffLine struct {
	kind string // diff.Added, diff.Removed or diff.Changed
	text string // Change.String, already sanitized
}

type diffMsg struct {
	a, b  storage.Summary
	lines []diffLine
	total int
	err   error
}

func (r *requestsScreen) setMark(sel storage.Summary) tea.Cmd {
	r.mark = &sel
	return note(fmt.Sprintf("marked %s; D on another request compares it with this one", describe(&sel)))
}

func (r *requestsScreen) diffWithMark(sel storage.Summary) tea.Cmd {
	switch {
	case r.mark == nil:
		return note("✗ nothing marked: m marks a request, then D on another compares them")
	case r.mark.ID == sel.ID:
		return note("✗ " + describe(&sel) + " is the marked request: D compares another request with it")
	}
	db, run, a, b := r.common.db, r.common.run, *r.mark, sel
	return func() tea.Msg {
		ra, err := db.GetRequest(run, a.ID)
		if err != nil {
			return diffMsg{a: a, b: b, err: err}
		}
		rb, err := db.GetRequest(run, b.ID)
		if err != nil {
			return diffMsg{a: a, b: b, err: err}
		}
		changes := diff.Requests(ra, rb, diff.Options{})
		m := diffMsg{a: a, b: b, total: len(changes)}
		for _, c := range changes[:min(len(changes), diffMaxLines)] {
			m.lines = append(m.lines, diffLine{c.Kind, cut(c.String(), diffMaxLineSize)})
		}
		return m
	}
}

// cut shortens s to at most n bytes, on a rune boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func (r *requestsScreen) diffed(m diffMsg) (tea.Cmd, layer) {
	what := fmt.Sprintf("#%d and #%d", m.a.ID, m.b.ID)
	switch {
	case m.err != nil:
		return note(fmt.Sprintf("✗ cannot compare %s: %v", what, m.err)), nil
	case m.total == 0:
		return note("no differences between " + what), nil
	}
	return nil, newDiffLayer(r.common, m)
}

// diffLayer shows a diff as coloured lines: added green, removed red,
// changed yellow.
type diffLayer struct {
	common *common
	title  string
	view   *textView
}

func newDiffLayer(c *common, m diffMsg) *diffLayer {
	st := &c.styles
	style := map[string]func(...string) string{diff.Added: st.Online.Render, diff.Removed: st.Error.Render, diff.Changed: st.Warn.Render}
	lines := make(staticLines, 0, len(m.lines)+1)
	for _, l := range m.lines {
		lines = append(lines, style[l.kind](l.text))
	}
	if more := m.total - len(m.lines); more > 0 {
		lines = append(lines, st.Muted.Render(fmt.Sprintf("… %d more; gaff diff %d %d shows them all", more, m.a.ID, m.b.ID)))
	}
	title := fmt.Sprintf("diff #%d → #%d (%d changes)", m.a.ID, m.b.ID, m.total)
	return &diffLayer{common: c, title: title, view: newTextView(lines)}
}

func (l *diffLayer) bindings() []key.Binding {
	return []key.Binding{bind("esc", "close", "esc"), l.common.keys.List.Down}
}

func (l *diffLayer) key(msg tea.KeyPressMsg) (bool, tea.Cmd) {
	return !scrollKey(&l.common.keys.List, l.view, msg), nil
}

func (l *diffLayer) render(w, h int) string {
	l.view.setSize(w-2, h-2)
	return l.common.styles.box(l.title, l.view.render(), w, h, true)
}
