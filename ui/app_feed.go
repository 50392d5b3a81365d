package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// What keeps the screen current: the commits the writer announces, the
// tunnel's state and the storage health.

// waitTunnel turns the tunnel's coalescing change signal into a message.
func (a *App) waitTunnel() tea.Cmd {
	if p := a.common.deps.Public; p != nil {
		return a.waitFor(p.Changes(), tunnelMsg{})
	}
	return nil
}

// waitDB waits for the writer to say something was committed. The channel
// coalesces, so a burst is one message, and messages come at most every
// dbRefresh, or floodRefresh while commits keep coming: under a flood each
// one costs queries and a frame, and the captures themselves compete for
// that CPU (rendering was two fifths of the TUI's CPU under wrk). A capture
// after a quiet moment shows at once.
func (a *App) waitDB() tea.Cmd {
	if !a.live {
		return nil
	}
	ch, done, last := a.watch, a.common.run.Done(), a.lastDB
	return func() tea.Msg {
		start := time.Now()
		select {
		case <-ch:
		case <-done:
			return nil
		}
		if wait := time.Until(last.Add(refreshGap(time.Since(start)))); wait > 0 {
			select {
			case <-time.After(wait):
			case <-done:
				return nil
			}
		}
		return dbChangedMsg{at: time.Now()}
	}
}

// dbRefresh is the shortest time between two refreshes for new captures:
// ten a second is as fast as anyone reads a list. floodRefresh is the gap
// while commits arrive faster than that, which nobody reads as a list
// anyway: the screen still moves four times a second and the captures get
// the CPU (ARCHITECTURE.md, "The UI never blocks").
const (
	dbRefresh    = 100 * time.Millisecond
	floodRefresh = 250 * time.Millisecond
)

// refreshGap is the time to keep after the last refresh, given how long the
// next commit's signal took to come: one already waiting means commits came
// all through the last gap.
func refreshGap(waited time.Duration) time.Duration {
	if waited < time.Millisecond {
		return floodRefresh
	}
	return dbRefresh
}

// waitFor blocks in a Cmd goroutine, never in Update, until ch signals,
// and then says msg; it ends quietly when the UI quits.
func (a *App) waitFor(ch <-chan struct{}, msg tea.Msg) tea.Cmd {
	if !a.live {
		return nil
	}
	done := a.common.run.Done()
	return func() tea.Msg {
		select {
		case <-ch:
			return msg
		case <-done:
			return nil
		}
	}
}

func (a *App) healthTick() tea.Cmd {
	if !a.live {
		return nil
	}
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return healthTickMsg{} })
}

func (a *App) countCmd() tea.Cmd {
	db, run := a.common.db, a.common.run
	return a.counting.run(a.countCmd, func() tea.Msg {
		n, _ := db.CountRequests(run)
		lag, _ := db.Unsearched(run)
		return countMsg{n, lag}
	})
}

func (a *App) noteOverload(now time.Time) {
	f := a.common.deps.Overloaded
	if f == nil {
		return
	}
	n := f()
	if n > a.overloaded {
		a.busy += n - a.overloaded
		a.overloaded, a.overloadedAt = n, now
	}
	if a.busy > 0 && now.Sub(a.overloadedAt) > busyShown {
		a.busy = 0
	}
}

// committed follows a commit: the requests screen, the count, and the
// subscriptions while they are up.
func (a *App) committed() tea.Cmd {
	var subs tea.Cmd
	if a.screen == screenSubs {
		subs = a.subs.refresh()
	}
	return tea.Batch(a.requests.committed(), a.countCmd(), a.waitDB(), subs)
}
