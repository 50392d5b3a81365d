package tunnel

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Status is where a tunnel is in its life.
type Status int

const (
	// Off: closed, or never started.
	Off Status = iota
	// Connecting: asking ngrok for a URL; requests can't arrive through it yet.
	Connecting
	// Online: URL works.
	Online
	// Reconnecting: was online, lost ngrok, and is retrying by itself. The
	// URL is kept and works again once back Online.
	Reconnecting
	// Failed: stopped for a reason in State.Err; State.Hint says what to do.
	Failed
)

func (s Status) String() string {
	switch s {
	case Off:
		return "off"
	case Connecting:
		return "connecting"
	case Online:
		return "online"
	case Reconnecting:
		return "reconnecting"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// State is a snapshot of a tunnel, for the screen and the log.
type State struct {
	Status  Status
	URL     string        // public URL; "" until known
	Latency time.Duration // round trip to ngrok from the last heartbeat; 0 if none yet
	Err     string        // the last error, in words; "" if none
	Kind    Kind          // category of Err
	Hint    string        // what the user can do about Err
	At      time.Time     // when Status last changed
}

// Line formats s as one line for stderr in --headless mode.
func (s State) Line() string {
	switch s.Status {
	case Connecting:
		if s.Err != "" {
			return "tunnel: connecting to ngrok… (last attempt: " + s.Err + ")"
		}
		return "tunnel: connecting to ngrok…"
	case Online:
		if s.Latency > 0 {
			return fmt.Sprintf("tunnel: online %s (%dms)", s.URL, s.Latency.Milliseconds())
		}
		return "tunnel: online " + s.URL
	case Reconnecting:
		if s.Err == "" {
			return "tunnel: reconnecting…"
		}
		return "tunnel: reconnecting: " + s.Err
	case Failed:
		if s.Hint == "" {
			return "tunnel: failed: " + s.Err
		}
		return "tunnel: failed: " + s.Err + " — " + s.Hint
	}
	return "tunnel: off"
}

// Report writes t's state to w as lines (see State.Line): the current one at
// once, then one per change of status, URL or error. Latency alone does not
// make a line, or a quiet tunnel would print every heartbeat. It returns when
// ctx is done or the tunnel has stopped (Failed or Off).
func Report(ctx context.Context, t Tunnel, w io.Writer) { Watch(ctx, t, Lines(w)) }

// Lines is Report's printer, for a Watch that also does something else
// with each state (Changes has one reader, so there is one Watch).
func Lines(w io.Writer) func(State) {
	var last State
	first := true
	return func(s State) {
		if first || s.Status != last.Status || s.URL != last.URL || s.Err != last.Err {
			fmt.Fprintln(w, s.Line())
			last, first = s, false
		}
	}
}

// Watch calls f with t's state now and after each change, until ctx is
// done or the tunnel has stopped (Failed or Off).
func Watch(ctx context.Context, t Tunnel, f func(State)) {
	for {
		s := t.State()
		f(s)
		if s.Status == Failed || s.Status == Off {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.Changes():
		}
	}
}

// notify signals a change without ever blocking: if a signal is already
// pending the reader will see this change when it reads State.
func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
