package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// helpBar is the bottom line: the keys that matter where the user is.
func (a *App) helpBar() string {
	k := &a.ctx.keys
	var binds []key.Binding
	if a.edit != nil {
		ke := &k.Edit
		binds = []key.Binding{ke.Send, ke.Next, ke.External, ke.Resign, ke.Cancel, k.Global.ForceQuit}
	} else if a.screen == screenSettings {
		ks := &k.Settings
		binds = []key.Binding{ks.Down, ks.Edit, ks.Add, ks.Delete, ks.Back, k.Global.Help, k.Global.Quit}
	} else if a.focus == focusDetail {
		binds = []key.Binding{k.Detail.NextTab, k.Send.Replay, k.Send.Edit, k.Send.CopyCurl, k.Detail.Down, k.Detail.Raw, k.Detail.Wrap, k.Detail.Back, k.Global.Help, k.Global.Quit}
	} else {
		binds = []key.Binding{k.List.Down, k.List.Open, k.Send.Replay, k.Send.Edit, k.Send.CopyCurl, k.List.Search, k.List.Top, k.List.Bottom, k.Global.CopyURL, k.List.Delete, k.Global.Settings, k.Global.Help, k.Global.Quit}
		if a.list.query != nil {
			binds = append([]key.Binding{k.List.ClearSearch}, binds...)
		}
	}
	if a.flash != "" {
		return fit(" "+a.ctx.styles.Online.Render(a.flash), a.w)
	}
	return a.ctx.styles.renderBindings(binds, a.w)
}

// renderBindings shows as many bindings as fit, in the order given; the
// last two (help and quit) always stay, so ? leads to the rest.
func (s *Styles) renderBindings(binds []key.Binding, w int) string {
	item := func(b key.Binding) string {
		h := b.Help()
		return s.HelpKey.Render(h.Key) + " " + s.HelpDesc.Render(h.Desc)
	}
	keep := binds[max(0, len(binds)-2):]
	used := 1
	for _, b := range keep {
		used += ansi.StringWidth(item(b)) + 2
	}
	var parts []string
	for _, b := range binds[:len(binds)-len(keep)] {
		iw := ansi.StringWidth(item(b)) + 2
		if used+iw > w {
			break
		}
		used += iw
		parts = append(parts, item(b))
	}
	for _, b := range keep {
		parts = append(parts, item(b))
	}
	return fit(" "+strings.Join(parts, "  "), w)
}

type helpSection struct {
	title string
	binds []key.Binding
}

// helpView is the full key map, shown by ?.
func (a *App) helpView(w, h int) string {
	k := &a.ctx.keys
	st := &a.ctx.styles
	sections := []helpSection{
		{"requests", []key.Binding{k.List.Up, k.List.Down, k.List.PageUp, k.List.PageDown, k.List.Top, k.List.Bottom, k.List.Open, k.List.Search, k.List.ClearSearch, k.List.Delete}},
		{"request detail", []key.Binding{k.Detail.NextTab, k.Detail.PrevTab, k.Detail.Up, k.Detail.Down, k.Detail.PageUp, k.Detail.PageDown, k.Detail.Top, k.Detail.Bottom, k.Detail.Raw, k.Detail.Wrap, k.Detail.Back}},
		{"send", []key.Binding{k.Send.Replay, k.Send.ReplayResigned, k.Send.Target, k.Send.Edit, k.Send.CopyCurl}},
		{"edit form (e)", []key.Binding{k.Edit.Send, k.Edit.Next, k.Edit.Prev, k.Edit.External, k.Edit.Resign, k.Edit.Cancel}},
		{"settings (S)", []key.Binding{k.Settings.Edit, k.Settings.Add, k.Settings.Delete, k.Settings.Back}},
		{"everywhere", []key.Binding{k.Global.CopyURL, k.Global.Settings, k.Global.Help, k.Global.Quit, k.Global.ForceQuit}},
	}
	var lines []string
	for _, sec := range sections {
		lines = append(lines, st.Bold.Render(sec.title))
		for _, b := range sec.binds {
			hb := b.Help()
			lines = append(lines, "  "+st.HelpKey.Render(padRight(hb.Key, 11))+st.HelpDesc.Render(hb.Desc))
		}
		lines = append(lines, "")
	}
	lines = append(lines, st.Muted.Render("press any key to close"))
	return st.box("help", columns(lines, h-2, w-2), w, h, true)
}

// columns flows lines into as many columns as fit, so the help stays whole
// on a short terminal.
func columns(lines []string, h, w int) []string {
	if len(lines) <= h || h < 1 {
		return lines
	}
	colW := 0
	for _, l := range lines {
		colW = max(colW, ansi.StringWidth(l))
	}
	colW = min(colW+2, 40)
	var out []string
	for row := 0; row < h; row++ {
		var b strings.Builder
		for c := 0; c*h+row < len(lines) && (c+1)*colW <= w+colW; c++ {
			b.WriteString(fit(lines[c*h+row], colW))
		}
		out = append(out, b.String())
	}
	return out
}

func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-ansi.StringWidth(s)))
}
