package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

type pickItem struct {
	key, label string
	id         int64
}

// picker is a list to choose one item from: enter picks, esc cancels.
type picker struct {
	common *common
	title  string
	items  []pickItem
	cursor int
	pick   func(pickItem) tea.Cmd
	// what enter picks, for the help bar ("event").
	what string
}

func (p *picker) bindings() []key.Binding {
	k := &p.common.keys
	return []key.Binding{k.Form.Cancel, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "pick "+p.what)), k.Subs.Down}
}

func newPicker(c *common, title, what string, items []pickItem, pick func(pickItem) tea.Cmd) *picker {
	return &picker{common: c, title: title, what: what, items: items, pick: pick}
}

func (p *picker) key(msg tea.KeyPressMsg) (done bool, cmd tea.Cmd) {
	k := &p.common.keys.Subs
	switch {
	case key.Matches(msg, p.common.keys.Form.Cancel):
		return true, nil
	case key.Matches(msg, k.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, k.Down):
		p.cursor = min(len(p.items)-1, p.cursor+1)
	case key.Matches(msg, k.Open):
		if p.cursor < len(p.items) {
			return true, p.pick(p.items[p.cursor])
		}
	}
	return false, nil
}

func (p *picker) render(w, h int) string {
	st := &p.common.styles
	inner := h - 2
	start := max(0, p.cursor-inner+1)
	var lines []string
	if len(p.items) == 0 {
		lines = append(lines, st.Muted.Render("nothing to pick: this subscription takes none of the templates (see its Events)"))
	}
	for i := start; i < len(p.items) && len(lines) < inner; i++ {
		line := "  " + p.items[i].label
		if i == p.cursor {
			line = st.Selected.Render(fit("▸ "+p.items[i].label, w-2))
		}
		lines = append(lines, line)
	}
	return st.box(p.title, lines, w, h, true)
}
