package ui

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gaff/sanitize"
	"gaff/storage"
)

// The keys of the requests screen, and the routing of every key to the
// screen, form or prompt that owns it.

func (a *App) key(msg tea.KeyPressMsg) tea.Cmd {
	a.flash = ""
	k := &a.common.keys
	if key.Matches(msg, k.Global.ForceQuit) {
		return a.quit()
	}
	if a.prompt != nil {
		done, cmd := a.prompt.update(msg)
		if done {
			a.prompt = nil
			a.layout()
		}
		return cmd
	}
	if a.edit != nil {
		done, cmd := a.edit.key(a, msg)
		if done {
			a.edit = nil
		}
		return cmd
	}
	if a.screen == screenSubs && (a.subs.form != nil || a.subs.pick != nil) {
		// A form owns every key but ctrl+c: typing "q" or "c" is text.
		cmd, p := a.subs.key(msg)
		a.openPrompt(p)
		return cmd
	}
	if a.showHelp {
		return a.helpKey(msg)
	}
	switch {
	case key.Matches(msg, k.Global.Quit):
		return a.quit()
	case key.Matches(msg, k.Global.Help):
		a.showHelp = true
		return nil
	case key.Matches(msg, k.Global.CopyURL):
		a.flash = "copied " + a.common.hookURL()
		return tea.SetClipboard(a.common.hookURL())
	}
	if a.screen != screenRequests {
		return a.screenKey(msg)
	}
	if key.Matches(msg, k.Global.Settings) {
		a.screen = screenSettings
		a.settings.rebuild()
		return nil
	}
	if key.Matches(msg, k.Global.Subscriptions) {
		a.screen = screenSubs
		return a.subs.reload()
	}
	if cmd, ok := a.sendKey(msg); ok {
		return cmd
	}
	if a.focus == focusDetail {
		return a.detailKey(msg)
	}
	return a.listKey(msg)
}

func (a *App) quit() tea.Cmd {
	a.Close()
	return tea.Quit
}

func (a *App) listKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &a.common.keys.List
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, k.Up):
		cmd = a.list.move(-1)
	case key.Matches(msg, k.Down):
		cmd = a.list.move(1)
	case key.Matches(msg, k.PageUp):
		cmd = a.list.move(-a.list.innerH())
	case key.Matches(msg, k.PageDown):
		cmd = a.list.move(a.list.innerH())
	case key.Matches(msg, k.Top):
		cmd = a.list.home()
	case key.Matches(msg, k.Bottom):
		cmd = a.list.end()
	case key.Matches(msg, k.Search):
		a.openPrompt(a.searchPrompt())
	case key.Matches(msg, k.ClearSearch) && a.list.query != nil:
		cmd = a.list.search(nil)
	case key.Matches(msg, k.Delete):
		a.openPrompt(a.deletePrompt())
	case key.Matches(msg, k.Open), key.Matches(msg, a.common.keys.Detail.NextTab) && a.split():
		if a.list.selected() != nil {
			a.focus = focusDetail
			a.layout()
		}
	}
	return tea.Batch(cmd, a.syncDetail())
}

func (a *App) detailKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &a.common.keys.Detail
	d := a.detail
	v := d.view()
	switch {
	case key.Matches(msg, k.Back):
		a.focus = focusList
		a.layout()
	case key.Matches(msg, a.common.keys.List.Search):
		// Searching is about the list: go back to it with the prompt open.
		a.focus = focusList
		a.openPrompt(a.searchPrompt())
	case key.Matches(msg, k.NextTab):
		d.nextTab(1)
	case key.Matches(msg, k.PrevTab):
		d.nextTab(-1)
	case key.Matches(msg, k.Raw):
		d.toggleRaw()
	case key.Matches(msg, k.Wrap):
		d.toggleWrap()
	case v == nil:
	case key.Matches(msg, k.Up):
		v.up(1)
	case key.Matches(msg, k.Down):
		v.down(1)
	case key.Matches(msg, k.PageUp):
		v.up(max(1, v.h-1))
	case key.Matches(msg, k.PageDown):
		v.down(max(1, v.h-1))
	case key.Matches(msg, k.Top):
		v.top()
	case key.Matches(msg, k.Bottom):
		d.bottom(v)
	}
	return nil
}

// searchPrompt filters the list as the user types; each keystroke starts a
// query in a Cmd and results of older keystrokes are dropped by the list.
func (a *App) searchPrompt() *prompt {
	prev := a.list.query
	value := ""
	if prev != nil {
		value = prev.Raw
	}
	p := newPrompt("search", value, false, func(string) (tea.Cmd, error) { return nil, nil })
	p.hint = "method:POST status:4xx path:/github* provider:stripe header:X-GitHub-Event=push sig:invalid since:10m · enter keep · esc cancel"
	p.change = func(v string) (tea.Cmd, error) {
		q, err := storage.ParseQuery(v)
		if err != nil {
			return nil, err
		}
		return a.list.search(q), nil
	}
	p.cancel = func() tea.Cmd { return a.list.search(prev) }
	return p
}

// deletePrompt asks before deleting the selected request.
func (a *App) deletePrompt() *prompt {
	sel := a.list.selected()
	if sel == nil {
		return nil
	}
	id, db := sel.ID, a.common.db
	return newConfirm(fmt.Sprintf("delete request #%d %s %s", id, sanitize.Line(sel.Method), sanitize.Line(sel.Path())), func() tea.Cmd {
		return func() tea.Msg {
			if err := db.DeleteRequest(context.Background(), id); err != nil {
				return deletedMsg{id: id, err: err}
			}
			return deletedMsg{id: id}
		}
	})
}

func (a *App) openPrompt(p *prompt) {
	if p != nil {
		a.prompt = p
		a.layout()
	}
}

// helpKey handles a key while help is open: j/k and page down scroll, any
// other key closes help, and q still quits.
func (a *App) helpKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &a.common.keys
	a.renderHelp(a.w, a.bodyH()) // lay the help out for this size
	if v := a.helpView; v != nil {
		switch {
		case key.Matches(msg, k.List.Down):
			v.down(1)
			return nil
		case key.Matches(msg, k.List.Up):
			v.up(1)
			return nil
		case key.Matches(msg, k.List.PageDown):
			v.down(max(1, v.h-1))
			return nil
		}
	}
	a.showHelp, a.helpView = false, nil
	if key.Matches(msg, k.Global.Quit) {
		return a.quit()
	}
	return nil
}

// screenKey handles a key on the subscriptions or the settings screen;
// their back key returns to the requests.
func (a *App) screenKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &a.common.keys
	var cmd tea.Cmd
	var p *prompt
	switch {
	case a.screen == screenSubs && a.subs.attemptsOf == 0 && key.Matches(msg, k.Subs.Back),
		a.screen == screenSettings && key.Matches(msg, k.Settings.Back):
		a.screen = screenRequests
		return nil
	case a.screen == screenSubs:
		cmd, p = a.subs.key(msg)
	default:
		cmd, p = a.settings.key(msg)
	}
	a.openPrompt(p)
	return cmd
}

// sendKey handles the keys that replay, edit or copy the selected request;
// ok is false for any other key.
func (a *App) sendKey(msg tea.KeyPressMsg) (cmd tea.Cmd, ok bool) {
	k := &a.common.keys.Send
	if a.common.deps.Sender != nil {
		switch {
		case key.Matches(msg, k.Replay):
			return a.replay(false), true
		case key.Matches(msg, k.ReplayResigned):
			return a.replay(true), true
		case key.Matches(msg, k.Target):
			a.openPrompt(a.targetPrompt(nil))
			return nil, true
		case key.Matches(msg, k.Edit):
			return a.openEditForm(), true
		}
	}
	if key.Matches(msg, k.CopyCurl) {
		return a.copyCurl(), true
	}
	return nil, false
}
