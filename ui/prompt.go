package ui

import (
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"gaff/sanitize"
)

// prompt is a one-line input shown above the help bar: a secret, a target
// URL, a response rule. Submit either accepts the value (and returns the
// command that acts on it) or returns an error, shown under the input
// while the prompt stays open for a fix.
type prompt struct {
	label  string
	input  textinput.Model
	submit func(value string) (tea.Cmd, error)
	err    string
}

func newPrompt(label, value string, secret bool, submit func(string) (tea.Cmd, error)) *prompt {
	in := textinput.New()
	in.Prompt = ""
	// A steady cursor: a blinking one is a timer firing forever.
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.SetValue(value)
	in.CursorEnd()
	if secret {
		in.EchoMode = textinput.EchoPassword
		in.EchoCharacter = '•'
	}
	in.Focus()
	return &prompt{label: label, input: in, submit: submit}
}

// update handles a key; done reports that the prompt should close.
func (p *prompt) update(msg tea.Msg) (done bool, cmd tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc":
			return true, nil
		case "enter":
			cmd, err := p.submit(p.input.Value())
			if err != nil {
				p.err = err.Error()
				return false, nil
			}
			return true, cmd
		}
	}
	p.err = ""
	p.input, cmd = p.input.Update(msg)
	return false, cmd
}

func (p *prompt) render(st *Styles, w int) []string {
	label := " " + p.label + ": "
	p.input.SetWidth(max(10, w-len([]rune(label))-1))
	lines := []string{fit(st.Bold.Render(label)+p.input.View(), w)}
	if p.err != "" {
		lines = append(lines, st.Error.Render(fit(" "+sanitize.Line(p.err), w)))
	} else {
		lines = append(lines, st.Muted.Render(fit(" enter to save · esc to cancel", w)))
	}
	return lines
}
