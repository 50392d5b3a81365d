package ui

import tea "charm.land/bubbletea/v2"

// oneAtATime keeps one load (or save) of a kind in flight. Commits can
// arrive thousands of times a second; each kind of reload runs once at a
// time, and once more after it if anything changed meanwhile, so reads
// never pile up behind the database's reader connections.
//
// run pairs the start and the end by construction: the load's message
// comes back wrapped in a landedMsg, and the root ends the load when it has
// applied the message, starting the next one if it is due.
type oneAtATime struct{ busy, again bool }

// landedMsg is a load's result on its way to the component that asked
// for it; after it is applied, its limiter lets the next load start.
type landedMsg struct {
	msg  tea.Msg
	gate *oneAtATime
	next func() tea.Cmd
}

// run starts load unless one of its kind is in flight; then next (the
// caller's own reload) runs again when that one has landed.
func (s *oneAtATime) run(next func() tea.Cmd, load func() tea.Msg) tea.Cmd {
	if s.busy {
		s.again = true
		return nil
	}
	s.busy = true
	return func() tea.Msg { return landedMsg{msg: load(), gate: s, next: next} }
}

// landed ends the load and starts the one due meanwhile, if any.
func (m landedMsg) landed() tea.Cmd {
	again := m.gate.again
	m.gate.busy, m.gate.again = false, false
	if again {
		return m.next()
	}
	return nil
}

// due reports that another load was asked for while this one ran.
func (s *oneAtATime) due() bool { return s.again }
