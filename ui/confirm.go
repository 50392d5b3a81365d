package ui

import tea "charm.land/bubbletea/v2"

// newConfirm is a yes/no question in the prompt line: y runs yes, anything
// else cancels. Destructive keys (d) go through it.
func newConfirm(question string, yes func() tea.Cmd) *prompt {
	p := newPrompt(question+" (y/n)", "", false, nil)
	p.hint = "y to confirm · any other key to cancel"
	p.submit = func(string) (tea.Cmd, error) { return nil, nil }
	p.confirm = yes
	return p
}
