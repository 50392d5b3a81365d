package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// essential is what the help bar always keeps, at any width: the way out,
// the way to find things, and the way to every other key.
func essential(b key.Binding) bool {
	switch b.Help().Key {
	case "esc", "/", "?":
		return true
	}
	return false
}

// renderBindings shows as many bindings as fit, in the order given, after
// making room for the essential ones.
func (s *Styles) renderBindings(binds []key.Binding, w int) string {
	item := func(b key.Binding) string {
		h := b.Help()
		return s.HelpKey.Render(h.Key) + " " + s.HelpDesc.Render(h.Desc)
	}
	used := 1
	for _, b := range binds {
		if essential(b) {
			used += ansi.StringWidth(item(b)) + 2
		}
	}
	var parts []string
	for _, b := range binds {
		if !essential(b) {
			iw := ansi.StringWidth(item(b)) + 2
			if used+iw > w {
				continue
			}
			used += iw
		}
		parts = append(parts, item(b))
	}
	return fit(" "+strings.Join(parts, "  "), w)
}

type helpSection struct {
	title string
	binds []key.Binding
}

// helpLayer is the full key map, shown by ?: sections flow into as many
// columns as the width allows, never split across two, and it scrolls
// (j/k) when it is still taller than the screen.
type helpLayer struct {
	common *common
	view   *textView
}

func (hl *helpLayer) bindings() []key.Binding {
	k := &hl.common.keys
	return []key.Binding{bind("esc", "close", "esc"), k.List.Down, k.List.PageDown, k.Global.Quit}
}

// key scrolls with j/k and page down; any other key closes help, and q
// still quits.
func (hl *helpLayer) key(msg tea.KeyPressMsg) (bool, tea.Cmd) {
	k := &hl.common.keys
	if v := hl.view; v != nil {
		switch {
		case key.Matches(msg, k.List.Down):
			v.down(1)
			return false, nil
		case key.Matches(msg, k.List.Up):
			v.up(1)
			return false, nil
		case key.Matches(msg, k.List.PageDown):
			v.down(max(1, v.h-1))
			return false, nil
		}
	}
	if key.Matches(msg, k.Global.Quit) {
		return true, func() tea.Msg { return quitMsg{} }
	}
	return true, nil
}

func (hl *helpLayer) sections() []helpSection {
	k := &hl.common.keys
	return []helpSection{
		{"requests", []key.Binding{k.List.Up, k.List.Down, k.List.PageUp, k.List.PageDown, k.List.Top, k.List.Bottom, k.List.Follow, k.List.Open, k.List.Search, k.List.ClearSearch, k.List.Delete, k.List.Mark, k.List.Diff, k.List.Arrivals}},
		{"send (list and detail)", []key.Binding{k.Send.Replay, k.Send.ReplayResigned, k.Send.Target, k.Send.Edit, k.Send.CopyCurl}},
		{"everywhere", []key.Binding{k.Global.CopyURL, k.Global.Subscriptions, k.Global.Settings, k.Global.Log, k.Global.Help, k.Global.Quit, k.Global.ForceQuit}},
		{"request detail", []key.Binding{k.Detail.NextTab, k.Detail.PrevTab, k.Detail.Up, k.Detail.Down, k.Detail.PageUp, k.Detail.PageDown, k.Detail.Top, k.Detail.Bottom, k.Detail.Raw, k.Detail.Wrap, k.Detail.Find, k.Detail.NextMatch, k.Detail.PrevMatch, k.Detail.Left, k.Detail.Right, k.Detail.Back}},
		{"edit form (e)", []key.Binding{k.Edit.Send, k.Edit.Next, k.Edit.Prev, k.Edit.External, k.Edit.Resign, k.Edit.Cancel}},
		{"subscriptions (s)", []key.Binding{k.Subs.New, k.Subs.Edit, k.Subs.Fire, k.Subs.Toggle, k.Subs.Delete, k.Subs.Switch, k.Subs.Open, k.Subs.Retry, k.Subs.Cancel, k.Subs.Generate, k.Subs.Reveal, k.Subs.Back}},
		{"forms", []key.Binding{k.Form.Next, k.Form.Prev, k.Form.Submit, k.Form.Cancel}},
		{"settings (S)", []key.Binding{k.Settings.Edit, k.Settings.Add, k.Settings.Delete, k.Settings.ResetCounts, k.Settings.Back}},
	}
}

func (hl *helpLayer) render(w, h int) string {
	st := &hl.common.styles
	const colW = 38
	cols := max(1, min((w-2)/colW, 4))
	blocks := make([][]string, 0, 8)
	total := 0
	for _, sec := range hl.sections() {
		lines := []string{st.Bold.Render(sec.title)}
		for _, b := range sec.binds {
			hb := b.Help()
			lines = append(lines, "  "+st.HelpKey.Render(padTo(hb.Key, 11))+st.HelpDesc.Render(hb.Desc))
		}
		blocks = append(blocks, lines)
		total += len(lines) + 1
	}
	// Whole sections fill each column up to an even share of the lines.
	share := (total + cols - 1) / cols
	columns := make([][]string, 1, cols)
	for _, b := range blocks {
		c := &columns[len(columns)-1]
		if len(*c) > 0 && len(*c)+len(b) > share && len(columns) < cols {
			columns = append(columns, nil)
			c = &columns[len(columns)-1]
		}
		if len(*c) > 0 {
			*c = append(*c, "")
		}
		*c = append(*c, b...)
	}
	var rows staticLines
	for i := 0; ; i++ {
		var row string
		more := false
		for _, c := range columns {
			cell := ""
			if i < len(c) {
				cell, more = c[i], true
			}
			row += padTo(cell, colW)
		}
		if !more {
			break
		}
		rows = append(rows, row)
	}
	if hl.view == nil {
		hl.view = newTextView(rows)
	}
	hl.view.src = rows
	hl.view.wrap = false
	// The last line says how to leave, whatever the scroll.
	hl.view.setSize(w-2, h-3)
	hint := "any other key closes"
	if len(rows) > hl.view.h {
		hint = "j/k scroll · " + hint
	}
	lines := append(hl.view.render(), st.Muted.Render(hint))
	return st.box("help", lines, w, h, true)
}
