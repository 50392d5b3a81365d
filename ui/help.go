package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"gaff/sanitize"
)

// helpBar is the bottom line: the keys that matter where the user is.
func (a *App) helpBar() string {
	k := &a.common.keys
	var binds []key.Binding
	if a.screen == screenSubs {
		ks := &k.Subs
		switch {
		case a.subs.form != nil:
			kf := &k.Form
			binds = append([]key.Binding{kf.Submit, kf.Next, kf.Cancel}, a.subs.form.keys...)
			binds = append(binds, k.Global.ForceQuit, k.Global.Help)
		case a.subs.pick != nil:
			binds = []key.Binding{ks.Down, ks.Open, k.Form.Cancel, k.Global.ForceQuit}
		case a.subs.attemptsOf != 0:
			binds = []key.Binding{ks.Down, ks.Back, k.Global.Help, k.Global.Quit}
		case a.subs.onEvents:
			binds = []key.Binding{ks.Down, ks.Open, ks.Retry, ks.Cancel, ks.Fire, ks.Switch, ks.Back, k.Global.Help, k.Global.Quit}
		default:
			binds = []key.Binding{ks.Down, ks.Fire, ks.New, ks.Edit, ks.Toggle, ks.Delete, ks.Switch, ks.Back, k.Global.Help, k.Global.Quit}
		}
	} else if a.edit != nil {
		ke := &k.Edit
		binds = []key.Binding{ke.Send, ke.Next, ke.External, ke.Resign, ke.Cancel, k.Global.ForceQuit}
	} else if a.screen == screenSettings {
		ks := &k.Settings
		binds = []key.Binding{ks.Down, ks.Edit, ks.Add, ks.Delete, ks.Back, k.Global.Help, k.Global.Quit}
	} else if a.focus == focusDetail {
		binds = []key.Binding{k.Detail.NextTab, k.Send.Replay, k.Send.Edit, k.Send.CopyCurl, k.Detail.Down, k.Detail.Raw, k.Detail.Wrap, k.Detail.Back, k.Global.Help, k.Global.Quit}
	} else {
		binds = []key.Binding{k.List.Down, k.List.Open, k.Send.Replay, k.Send.Edit, k.Send.CopyCurl, k.List.Search, k.List.Top, k.List.Bottom, k.Global.CopyURL, k.Global.Subscriptions, k.List.Delete, k.Global.Settings, k.Global.Help, k.Global.Quit}
		if a.list.query != nil {
			binds = append([]key.Binding{k.List.ClearSearch}, binds...)
		}
	}
	if a.flash != "" {
		// Flashes quote errors and answers that carry network text.
		return fit(" "+a.common.styles.Online.Render(sanitize.Line(a.flash)), a.w)
	}
	return a.common.styles.renderBindings(binds, a.w)
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

// renderHelp is the full key map, shown by ?. It flows into as many
// columns as the width allows and scrolls (j/k) when it is still taller
// than the screen.
func (a *App) renderHelp(w, h int) string {
	k := &a.common.keys
	st := &a.common.styles
	sections := []helpSection{
		{"requests", []key.Binding{k.List.Up, k.List.Down, k.List.PageUp, k.List.PageDown, k.List.Top, k.List.Bottom, k.List.Open, k.List.Search, k.List.ClearSearch, k.List.Delete}},
		{"request detail", []key.Binding{k.Detail.NextTab, k.Detail.PrevTab, k.Detail.Up, k.Detail.Down, k.Detail.PageUp, k.Detail.PageDown, k.Detail.Top, k.Detail.Bottom, k.Detail.Raw, k.Detail.Wrap, k.Detail.Back}},
		{"send", []key.Binding{k.Send.Replay, k.Send.ReplayResigned, k.Send.Target, k.Send.Edit, k.Send.CopyCurl}},
		{"edit form (e)", []key.Binding{k.Edit.Send, k.Edit.Next, k.Edit.Prev, k.Edit.External, k.Edit.Resign, k.Edit.Cancel}},
		{"subscriptions (s)", []key.Binding{k.Subs.New, k.Subs.Edit, k.Subs.Fire, k.Subs.Toggle, k.Subs.Delete, k.Subs.Switch, k.Subs.Open, k.Subs.Retry, k.Subs.Cancel, k.Subs.Generate, k.Subs.Back}},
		{"forms", []key.Binding{k.Form.Next, k.Form.Prev, k.Form.Submit, k.Form.Cancel}},
		{"settings (S)", []key.Binding{k.Settings.Edit, k.Settings.Add, k.Settings.Delete, k.Settings.Back}},
		{"everywhere", []key.Binding{k.Global.CopyURL, k.Global.Subscriptions, k.Global.Settings, k.Global.Help, k.Global.Quit, k.Global.ForceQuit}},
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
	const colW = 36
	cols := max(1, (w-2)/colW)
	perCol := (len(lines) + cols - 1) / cols
	rows := make(staticLines, perCol)
	for i, l := range lines {
		rows[i%perCol] += padTo(l, colW)
	}
	rows = append(rows, st.Muted.Render("j/k scroll · any other key closes"))
	if a.helpView == nil {
		a.helpView = newTextView(rows)
	} else {
		a.helpView.src = rows
	}
	a.helpView.wrap = false
	a.helpView.setSize(w-2, h-2)
	return st.box("help", a.helpView.render(), w, h, true)
}

func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-ansi.StringWidth(s)))
}
