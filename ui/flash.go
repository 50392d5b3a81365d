package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gaff/sanitize"
)

// A flash is a one-shot message in the help bar ("replayed #12 …"). One
// too long for a line wraps to a second; every flash is also kept in the
// message log (L) with its time, the last 100.

type flashMsg struct{ text string }

// note shows text as a flash.
func note(text string) tea.Cmd { return func() tea.Msg { return flashMsg{text} } }

const flashLogSize = 100

type flashEntry struct {
	at   time.Time
	text string
}

type flashes struct {
	now string
	log []flashEntry
}

func (f *flashes) add(text string, at time.Time) {
	f.now = text
	f.log = append(f.log, flashEntry{at, text})
	if len(f.log) > flashLogSize {
		f.log = f.log[len(f.log)-flashLogSize:]
	}
}

// lines is the flash on at most two lines of w cells; flashes quote
// errors and answers that carry network text.
func (f *flashes) lines(st *Styles, w int) []string {
	if f.now == "" {
		return nil
	}
	style := st.Online
	if strings.HasPrefix(f.now, "✗") {
		style = st.Error
	}
	return wrapLines(style, sanitize.Line(f.now), w, 2)
}

// logLayer lists the flashes and errors of this run, newest last.
type logLayer struct {
	common *common
	view   *textView
	placed bool // opened at the newest message, once laid out
}

func newLogLayer(c *common, f *flashes) *logLayer {
	st := &c.styles
	lines := staticLines{}
	if len(f.log) == 0 {
		lines = append(lines, st.Muted.Render("No messages yet."))
	}
	for _, e := range f.log {
		lines = append(lines, st.Muted.Render(e.at.Format("15:04:05"))+" "+sanitize.Line(e.text))
	}
	v := newTextView(lines)
	v.wrap = true
	return &logLayer{common: c, view: v}
}

func (l *logLayer) bindings() []key.Binding {
	return []key.Binding{bind("esc", "close", "esc"), l.common.keys.List.Down}
}

func (l *logLayer) key(msg tea.KeyPressMsg) (bool, tea.Cmd) {
	return !scrollKey(&l.common.keys.List, l.view, msg), nil
}

// scrollKey scrolls v for the list's moving keys and reports whether msg
// was one; a read-only overlay closes on any other key.
func scrollKey(k *ListKeys, v *textView, msg tea.KeyPressMsg) bool {
	return scrollBy(v, msg, k.Up, k.Down, k.PageUp, k.PageDown)
}

// scrollBy moves v a line or a page for the four bindings given and reports
// whether msg was one of them: the overlays' and the detail's scrolling.
func scrollBy(v *textView, msg tea.KeyPressMsg, up, down, pageUp, pageDown key.Binding) bool {
	switch {
	case key.Matches(msg, down):
		v.down(1)
	case key.Matches(msg, up):
		v.up(1)
	case key.Matches(msg, pageDown):
		v.down(max(1, v.h-1))
	case key.Matches(msg, pageUp):
		v.up(max(1, v.h-1))
	default:
		return false
	}
	return true
}

func (l *logLayer) render(w, h int) string {
	st := &l.common.styles
	l.view.setSize(w-2, h-2)
	if !l.placed {
		l.view.bottom()
		l.placed = true
	}
	return st.box("messages (last 100)", l.view.render(), w, h, true)
}
