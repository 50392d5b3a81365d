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

// Replay, edit, copy as curl, and the remembered target they use. Each
// takes the request on screen when the key is pressed, and its flash names
// it. Every send runs in a command; its outcome comes back as sentMsg.

type (
	targetMsg struct{ url string }
	sentMsg   struct {
		requestID int64
		what      string // "replayed #12 POST /stripe"
		d         *storage.Delivery
		err       error
	}
	clipboardMsg struct {
		text, what string
		err        error
	}
)

func (r *requestsScreen) loadTarget() tea.Cmd {
	s := r.common.deps.Sender
	if s == nil {
		return nil
	}
	run := r.common.run
	return func() tea.Msg {
		t, _ := s.Target(run)
		return targetMsg{t}
	}
}

// replay sends sel to the target, asking for one first if none was ever
// given.
func (r *requestsScreen) replay(sel storage.Summary, resign bool) (tea.Cmd, layer) {
	if r.target == "" {
		return nil, r.targetPrompt(func() tea.Cmd { cmd, _ := r.replay(sel, resign); return cmd })
	}
	flash := note(fmt.Sprintf("replaying %s to %s…", describe(&sel), send.RedactURL(r.target)))
	return tea.Sequence(flash, r.send(sel, resign)), nil
}

// send replays sel to the target.
func (r *requestsScreen) send(sel storage.Summary, resign bool) tea.Cmd {
	s, id, target, run := r.common.deps.Sender, sel.ID, r.target, r.common.run
	verb := "replayed"
	if resign {
		verb = "replayed re-signed"
	}
	what := verb + " " + describe(&sel)
	return func() tea.Msg {
		d, err := s.Replay(run, id, target, resign)
		return sentMsg{requestID: id, what: what, d: d, err: err}
	}
}

// targetPrompt asks for the base URL of the user's handler, saves it and
// then runs next.
func (r *requestsScreen) targetPrompt(next func() tea.Cmd) *prompt {
	s := r.common.deps.Sender
	p := newPrompt("your handler's base URL (the path is appended)", r.target, false, func(v string) (tea.Cmd, error) {
		u, err := send.ParseTarget(v)
		if err != nil {
			return nil, err
		}
		r.target = u.String()
		target := r.target // the command runs on another goroutine
		save := func() tea.Msg {
			if err := s.SetTarget(context.Background(), target); err != nil {
				return sentMsg{err: fmt.Errorf("target not saved: %w", err)}
			}
			return nil
		}
		if next == nil {
			return tea.Batch(save, note("target: "+send.RedactURL(target))), nil
		}
		return tea.Batch(save, next()), nil
	})
	p.input.Placeholder = "http://localhost:3000"
	return p
}

// sent says how a send went, naming the request, and refreshes the
// deliveries if that request is shown.
func (r *requestsScreen) sent(m sentMsg) tea.Cmd {
	var flash tea.Cmd
	switch {
	case m.err != nil && m.what != "":
		flash = note(fmt.Sprintf("✗ not %s: %v", m.what, m.err))
	case m.err != nil:
		flash = note("✗ " + m.err.Error())
	case m.d != nil && m.d.Status > 0:
		flash = note(fmt.Sprintf("%s → %d in %dms", m.what, m.d.Status, m.d.Duration.Milliseconds()))
	case m.d != nil:
		flash = note(fmt.Sprintf("✗ %s → %s", m.what, m.d.Error))
	}
	return tea.Batch(flash, r.reloadDeliveries())
}

// openEditForm reads sel in full, then opens the form over the screen;
// without a target it asks for one first, as r does.
func (r *requestsScreen) openEditForm(sel storage.Summary) (tea.Cmd, layer) {
	if r.target == "" {
		return nil, r.targetPrompt(func() tea.Cmd { cmd, _ := r.openEditForm(sel); return cmd })
	}
	db, id, run := r.common.db, sel.ID, r.common.run
	return func() tea.Msg {
		req, err := db.GetRequest(run, id)
		return editLoadedMsg{req: req, err: err}
	}, nil
}

// copyCurl puts sel on the clipboard as a curl command aimed at the
// target (or where it was sent, without one).
func (r *requestsScreen) copyCurl(sel storage.Summary) tea.Cmd {
	db, id, base, run, what := r.common.db, sel.ID, r.target, r.common.run, describe(&sel)+" as curl"
	return func() tea.Msg {
		req, err := db.GetRequest(run, id)
		if err != nil {
			return clipboardMsg{what: what, err: err}
		}
		cmd, err := export.CurlCommand(req, base)
		return clipboardMsg{text: cmd, what: what, err: err}
	}
}

// osc52Limit: many terminals drop an OSC 52 write above ~100 KB (tmux's
// default buffer, xterm's limit), so a larger one is refused with a hint.
const osc52Limit = 100_000

func (r *requestsScreen) clipboard(m clipboardMsg) tea.Cmd {
	switch {
	case m.err != nil:
		return note(fmt.Sprintf("✗ not copied %s: %v", m.what, m.err))
	case len(m.text) > osc52Limit:
		return note(fmt.Sprintf("✗ %s is %s: too big for the terminal clipboard; use gaff export --format curl", m.what, bytesize.Format(int64(len(m.text)))))
	}
	return tea.Batch(note("copied "+m.what), tea.SetClipboard(m.text))
}
