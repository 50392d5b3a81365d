package team

import (
	"fmt"
	"sync"
)

// Phase is where the connection to the team server stands.
type Phase int

const (
	Connecting Phase = iota // not connected yet
	Connected
	Offline // lost, or never reached: captures wait here and ship on return
	Refused // the server refused the credentials: sharing stopped
	Invalid // the flags cannot join a team (a malformed URL, a bad creds file): never tried
	Stopped
)

// State is what the TUI header and --headless's stderr show.
type State struct {
	Phase  Phase
	Behind int64  // captures committed here and not yet acknowledged by the team server
	Err    string // why offline or refused, from the client library (network text)
}

// String is the header's words: connected · shipping 12 behind · offline.
func (s State) String() string {
	var w string
	switch s.Phase {
	case Connecting:
		w = "connecting"
	case Connected:
		w = "connected"
	case Offline:
		w = "offline"
	case Refused:
		w = "refused"
	case Invalid:
		w = "not joined"
	case Stopped:
		w = "stopped"
	}
	if s.Behind > 0 && s.shares() {
		w += fmt.Sprintf(" · shipping %d behind", s.Behind)
	}
	return w
}

// status holds the state behind a lock, with a channel that is signalled on
// each change, for --headless's reports.
type status struct {
	mu      sync.Mutex
	s       State
	changed chan struct{}
}

func (st *status) get() State {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.s
}

func (st *status) set(f func(*State)) {
	st.mu.Lock()
	old := st.s
	f(&st.s)
	moved := old.Phase != st.s.Phase || old.Err != st.s.Err
	st.mu.Unlock()
	if moved {
		select {
		case st.changed <- struct{}{}:
		default:
		}
	}
}

// shares is whether this phase ships, now or later: behind counts only then.
func (s State) shares() bool { return s.Phase != Refused && s.Phase != Invalid }
