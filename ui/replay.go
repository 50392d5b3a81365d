package ui

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"gaff/export"
	"gaff/internal/bytesize"
	"gaff/send"
	"gaff/storage"
)

// Replay, copy as curl, and the remembered target they use. Every send
// runs in a command; its outcome comes back as sentMsg.

type (
	targetMsg struct{ url string }
	sentMsg   struct {
		requestID int64
		d         *storage.Delivery
		err       error
	}
	clipboardMsg struct {
		text, what string
		err        error
	}
)

func (a *App) loadTarget() tea.Cmd {
	s := a.common.deps.Sender
	if s == nil {
		return nil
	}
	return func() tea.Msg {
		t, _ := s.Target(a.common.run)
		return targetMsg{t}
	}
}

// replay sends the selected request to the target, asking for one first
// if none was ever given.
func (a *App) replay(resign bool) tea.Cmd {
	sel := a.list.selected()
	if sel == nil || a.common.deps.Sender == nil {
		return nil
	}
	if a.target == "" {
		a.openPrompt(a.targetPrompt(func() tea.Cmd { return a.replay(resign) }))
		return nil
	}
	s, id, target := a.common.deps.Sender, sel.ID, a.target
	verb := "replaying"
	if resign {
		verb = "replaying re-signed"
	}
	a.flash = fmt.Sprintf("%s #%d to %s…", verb, id, send.RedactURL(target))
	return func() tea.Msg {
		d, err := s.Replay(a.common.run, id, target, resign)
		return sentMsg{requestID: id, d: d, err: err}
	}
}

// targetPrompt asks for the base URL of the user's handler, saves it and
// then runs next.
func (a *App) targetPrompt(next func() tea.Cmd) *prompt {
	value := a.target
	if value == "" {
		value = "http://localhost:3000"
	}
	s := a.common.deps.Sender
	return newPrompt("your handler's base URL (the path is appended)", value, false, func(v string) (tea.Cmd, error) {
		u, err := send.ParseTarget(v)
		if err != nil {
			return nil, err
		}
		a.target = u.String()
		target := a.target // the command runs on another goroutine
		save := func() tea.Msg {
			if err := s.SetTarget(context.Background(), target); err != nil {
				return sentMsg{err: fmt.Errorf("target not saved: %w", err)}
			}
			return nil
		}
		if next == nil {
			a.flash = "target: " + send.RedactURL(a.target)
			return save, nil
		}
		return tea.Batch(save, next()), nil
	})
}

func (a *App) sent(m sentMsg) tea.Cmd {
	switch {
	case m.err != nil:
		a.flash = "✗ " + m.err.Error()
	case m.d != nil:
		a.flash = send.Line(m.d)
	}
	if m.requestID != 0 && m.requestID == a.detail.id() {
		return loadDeliveries(a.common, m.requestID)
	}
	return nil
}

// copyCurl puts the selected request on the clipboard as a curl command
// aimed at the target (or where it was sent, without one).
func (a *App) copyCurl() tea.Cmd {
	sel := a.list.selected()
	if sel == nil {
		return nil
	}
	db, id, base := a.common.db, sel.ID, a.target
	return func() tea.Msg {
		r, err := db.GetRequest(a.common.run, id)
		if err != nil {
			return clipboardMsg{err: err}
		}
		cmd, err := export.CurlCommand(r, base)
		return clipboardMsg{text: cmd, what: fmt.Sprintf("request #%d as curl", id), err: err}
	}
}

// osc52Limit: many terminals drop an OSC 52 write above ~100 KB (tmux's
// default buffer, xterm's limit), so a larger one is refused with a hint.
const osc52Limit = 100_000

func (a *App) clipboard(m clipboardMsg) tea.Cmd {
	switch {
	case m.err != nil:
		a.flash = "✗ " + m.err.Error()
		return nil
	case len(m.text) > osc52Limit:
		a.flash = fmt.Sprintf("✗ %s is %s: too big for the terminal clipboard; use gaff export --format curl", m.what, bytesize.Format(int64(len(m.text))))
		return nil
	}
	a.flash = "copied " + m.what
	return tea.SetClipboard(m.text)
}
