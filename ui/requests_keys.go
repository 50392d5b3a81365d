package ui

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gaff/storage"
)

// The keys of the requests screen: moving, opening, searching, and acting
// on the request on screen.

func (r *requestsScreen) key(msg tea.KeyPressMsg) (tea.Cmd, layer) {
	if cmd, l, ok := r.actionKey(msg); ok {
		return cmd, l
	}
	if r.focus == focusDetail {
		return r.detailKey(msg)
	}
	return r.listKey(msg)
}

// actionKey handles the keys that act on the request on screen, in the
// list and the detail alike; ok is false for any other key.
func (r *requestsScreen) actionKey(msg tea.KeyPressMsg) (cmd tea.Cmd, l layer, ok bool) {
	k := &r.common.keys
	sel := r.onScreen()
	sender := r.common.deps.Sender != nil
	switch {
	case key.Matches(msg, k.Send.Target) && sender:
		return nil, r.targetPrompt(nil), true
	case sel == nil:
		return nil, nil, false
	case key.Matches(msg, k.Send.Replay) && sender:
		cmd, l = r.replay(*sel, false)
	case key.Matches(msg, k.Send.ReplayResigned) && sender:
		cmd, l = r.replay(*sel, true)
	case key.Matches(msg, k.Send.Edit) && sender:
		cmd, l = r.openEditForm(*sel)
	case key.Matches(msg, k.Send.CopyCurl):
		cmd = r.copyCurl(*sel)
	case key.Matches(msg, k.List.Delete):
		l = r.deletePrompt(*sel)
	case key.Matches(msg, k.List.Mark):
		cmd = r.setMark(*sel)
	case key.Matches(msg, k.List.Diff):
		cmd = r.diffWithMark(*sel)
	case key.Matches(msg, k.List.Arrivals) && sel.DeliveryID != "":
		cmd = r.listArrivals(*sel)
	default:
		return nil, nil, false
	}
	return cmd, l, true
}

func (r *requestsScreen) listKey(msg tea.KeyPressMsg) (tea.Cmd, layer) {
	k := &r.common.keys.List
	l := r.list
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, k.Up):
		cmd = l.move(-1)
	case key.Matches(msg, k.Down):
		cmd = l.move(1)
	case key.Matches(msg, k.PageUp):
		cmd = l.move(-l.innerH())
	case key.Matches(msg, k.PageDown):
		cmd = l.move(l.innerH())
	case key.Matches(msg, k.Top):
		cmd = l.home()
	case key.Matches(msg, k.Bottom):
		cmd = l.end()
	case key.Matches(msg, k.Follow):
		cmd = l.setFollow(!l.follow)
	case key.Matches(msg, k.Search):
		return nil, r.searchPrompt()
	case key.Matches(msg, k.ClearSearch) && l.query != nil:
		cmd = l.search(nil)
	case key.Matches(msg, k.Open), key.Matches(msg, r.common.keys.Detail.NextTab) && r.split():
		cmd = r.open()
	}
	return tea.Batch(cmd, r.syncDetail()), nil
}

func (r *requestsScreen) detailKey(msg tea.KeyPressMsg) (tea.Cmd, layer) {
	k := &r.common.keys.Detail
	d := r.detail
	v := d.view()
	switch {
	case key.Matches(msg, k.Back) && d.findQuery != "":
		d.find("") // esc clears a find before it leaves the detail
	case key.Matches(msg, k.Back):
		return r.back(), nil
	case key.Matches(msg, k.Find) && d.req != nil:
		return nil, r.findPrompt()
	case key.Matches(msg, r.common.keys.List.Search):
		// Searching is about the list: go back to it with the prompt open.
		return r.back(), r.searchPrompt()
	case key.Matches(msg, k.NextTab):
		d.nextTab(1)
	case key.Matches(msg, k.PrevTab):
		d.nextTab(-1)
	case key.Matches(msg, k.Raw):
		d.toggleRaw()
	case key.Matches(msg, k.Wrap):
		d.toggleWrap()
	case v == nil:
	case scrollBy(v, msg, k.Up, k.Down, k.PageUp, k.PageDown):
	case key.Matches(msg, k.Top):
		v.top()
	case key.Matches(msg, k.Bottom):
		d.bottom(v)
	case key.Matches(msg, k.NextMatch):
		v.stepFind(1)
	case key.Matches(msg, k.PrevMatch):
		v.stepFind(-1)
	case key.Matches(msg, k.Left):
		v.scrollX(-max(1, v.w/4))
	case key.Matches(msg, k.Right):
		v.scrollX(max(1, v.w/4))
	}
	return nil, nil
}

// findPrompt finds in the open body as the user types; esc puts back the
// find there was before.
func (r *requestsScreen) findPrompt() *prompt {
	d := r.detail
	prev := d.findQuery
	p := newPrompt("find in body", prev, false, func(string) (tea.Cmd, error) { return nil, nil })
	p.hint = "enter keep · esc cancel · then n/N next/previous · case-insensitive, within a line"
	p.change = func(v string) (tea.Cmd, error) {
		d.find(v)
		return nil, nil
	}
	p.cancel = func() tea.Cmd {
		d.find(prev)
		return nil
	}
	return p
}

// searchPrompt filters the list as the user types; each keystroke starts a
// query in a Cmd and results of older keystrokes are dropped by the list.
func (r *requestsScreen) searchPrompt() *prompt {
	prev := r.list.query
	value := ""
	if prev != nil {
		value = prev.Raw
	}
	p := newPrompt("search", value, false, func(string) (tea.Cmd, error) { return nil, nil })
	p.input.Placeholder = "method:POST status:4xx path:/github* provider:stripe sig:invalid since:10m"
	p.hint = "enter keep · esc cancel · also header:X-GitHub-Event=push, words in the body"
	p.change = func(v string) (tea.Cmd, error) {
		q, err := storage.ParseQuery(v)
		if err != nil {
			return nil, err
		}
		return r.list.search(q), nil
	}
	p.cancel = func() tea.Cmd {
		if r.list.query == prev {
			return nil // nothing typed: the list and its cursor stay
		}
		return r.list.search(prev)
	}
	return p
}

// listArrivals shows, in the list, every arrival of the delivery sel
// belongs to: the overview names them, and this is how to open one.
func (r *requestsScreen) listArrivals(sel storage.Summary) tea.Cmd {
	q, err := storage.ParseQuery(storage.DeliveryQuery(sel.DeliveryID))
	if err != nil {
		return note("✗ cannot list the arrivals: " + err.Error())
	}
	var back tea.Cmd
	if r.focus == focusDetail {
		back = r.back()
	}
	return tea.Batch(back, r.list.search(q))
}

// deletePrompt asks before deleting the request on screen.
func (r *requestsScreen) deletePrompt(sel storage.Summary) *prompt {
	id, db, what := sel.ID, r.common.db, "request "+describe(&sel)
	return newConfirm("delete "+what, func() tea.Cmd {
		return func() tea.Msg {
			return deletedMsg{id: id, what: what, err: db.DeleteRequest(context.Background(), id)}
		}
	})
}
