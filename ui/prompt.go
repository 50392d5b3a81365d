package ui

import (
	"charm.land/bubbles/v2/key"
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
	// change, when set, sees every edit (live search); an error is shown
	// without closing the prompt.
	change func(value string) (tea.Cmd, error)
	cancel func() tea.Cmd // esc
	// confirm makes this a yes/no question (see newConfirm).
	confirm func() tea.Cmd
	err     string
	hint    string
}

func newPrompt(label, value string, secret bool, submit func(string) (tea.Cmd, error)) *prompt {
	in := steadyInput(value)
	in.CursorEnd()
	if secret {
		in.EchoMode = textinput.EchoPassword
		in.EchoCharacter = '•'
	}
	in.Focus()
	return &prompt{label: label, input: in, submit: submit}
}

func (p *prompt) key(msg tea.KeyPressMsg) (done bool, cmd tea.Cmd) { return p.handle(msg) }

// update takes the input's own messages.
func (p *prompt) update(msg tea.Msg) tea.Cmd {
	_, cmd := p.handle(msg)
	return cmd
}

func (p *prompt) bindings() []key.Binding {
	if p.confirm != nil {
		return []key.Binding{key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")), key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "no"))}
	}
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")), key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
}

// handle takes a key or the input's own messages; done reports that the
// prompt should close.
func (p *prompt) handle(msg tea.Msg) (done bool, cmd tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && p.confirm != nil {
		if k.String() == "y" || k.String() == "Y" {
			return true, p.confirm()
		}
		return true, nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc":
			if p.cancel != nil {
				return true, p.cancel()
			}
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
	before := p.input.Value()
	p.input, cmd = p.input.Update(msg)
	if p.change != nil && p.input.Value() != before {
		c, err := p.change(p.input.Value())
		if err != nil {
			p.err = err.Error()
		}
		cmd = tea.Batch(cmd, c)
	}
	return false, cmd
}

func (p *prompt) lines(st *Styles, w int) []string {
	label := " " + p.label + ": "
	p.input.SetWidth(max(10, w-len([]rune(label))-1))
	field := p.input.View()
	if p.confirm != nil {
		field = ""
	}
	lines := []string{fit(st.Bold.Render(label)+field, w)}
	if p.err != "" {
		lines = append(lines, st.Error.Render(fit(" "+sanitize.Line(p.err), w)))
	} else {
		hint := p.hint
		if hint == "" {
			hint = "enter to save · esc to cancel"
		}
		lines = append(lines, st.Muted.Render(fit(" "+hint, w)))
	}
	return lines
}
