package ui

import (
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/editor"
)

// The edit form hands a body to $EDITOR (ctrl+e) when the text widget
// cannot hold it as it is, or when the user wants a real editor.

// openExternal edits the body in $EDITOR. Writing the file happens in a
// command (a body may be 25 MiB); then tea.ExecProcess hands the editor the
// terminal. The file is private: bodies hold secrets.
func (f *editForm) openExternal() tea.Cmd {
	body := f.rawBody
	if f.inline {
		body = []byte(f.body.Value())
	}
	return func() tea.Msg {
		tmp, err := os.CreateTemp("", "gaff-body-*")
		if err != nil {
			return editorBodyMsg{err: fmt.Errorf("cannot create a file for $EDITOR: %w", err)}
		}
		_, werr := tmp.Write(body)
		cerr := tmp.Close()
		cmd, err := editor.Cmd("gaff", tmp.Name())
		if err = firstErr(werr, cerr, err); err != nil {
			os.Remove(tmp.Name())
			return editorBodyMsg{err: fmt.Errorf("cannot open $EDITOR: %w", err)}
		}
		path := tmp.Name()
		return execMsg{tea.ExecProcess(cmd, func(err error) tea.Msg {
			// Bubble Tea calls this on its event loop: the file (up to a
			// 25 MiB body) is read back in a command.
			return execMsg{func() tea.Msg { return readEdited(path, err) }}
		})}
	}
}

// readEdited takes back what $EDITOR left in path, and removes the file.
func readEdited(path string, err error) editorBodyMsg {
	defer os.Remove(path)
	if err != nil {
		return editorBodyMsg{err: fmt.Errorf("$EDITOR failed: %w", err)}
	}
	b, err := os.ReadFile(path)
	return editorBodyMsg{body: b, err: err}
}

// execMsg carries a command back to Update, which returns it: a prepared
// tea.ExecProcess, which Bubble Tea runs there, or the read of what the
// editor wrote.
type execMsg struct{ cmd tea.Cmd }

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// setBody takes what $EDITOR wrote.
func (f *editForm) setBody(m editorBodyMsg) {
	if m.err != nil {
		f.err = m.err.Error()
		return
	}
	// What $EDITOR wrote is the body now, byte for byte.
	f.inline = inlineSafe(m.body)
	if f.inline {
		f.body.SetValue(string(m.body))
		f.orig.body = filled[[]byte]{f.body.Value(), m.body}
		f.rawBody = nil
	} else {
		f.rawBody = m.body
	}
	f.setFocus(3)
}
