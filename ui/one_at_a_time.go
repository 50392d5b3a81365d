package ui

// oneAtATime keeps one load (or save) of a kind in flight. Commits can
// arrive thousands of times a second; each kind of reload runs once at a
// time, and once more after it if anything changed meanwhile, so reads
// never pile up behind the database's reader connections.
type oneAtATime struct{ busy, again bool }

// start reports whether to start a load now; if one is running, it notes
// that another is due when it finishes.
func (s *oneAtATime) start() bool {
	if s.busy {
		s.again = true
		return false
	}
	s.busy = true
	return true
}

// done ends a load and reports whether another is due.
func (s *oneAtATime) done() bool {
	again := s.again
	s.busy, s.again = false, false
	return again
}
