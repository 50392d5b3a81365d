package ui

import (
	"context"
	"testing"
	"time"
)

// Under a flood the feed wakes the UI four times a second, not ten: a
// commit's signal already waiting when the UI asks means commits came all
// through the last gap. After a quiet moment the gap stays the short one.
func TestRefreshSlowsWhileCommitsKeepComing(t *testing.T) {
	if got := refreshGap(0); got != floodRefresh {
		t.Errorf("a signal already waiting: gap %v, want %v", got, floodRefresh)
	}
	if got := refreshGap(2 * time.Second); got != dbRefresh {
		t.Errorf("a signal after a quiet moment: gap %v, want %v", got, dbRefresh)
	}
	if floodRefresh <= dbRefresh {
		t.Fatalf("floodRefresh %v must be longer than dbRefresh %v", floodRefresh, dbRefresh)
	}

	// The feed's own wait: with a signal pending just after a refresh, the
	// next refresh comes no sooner than floodRefresh after it.
	ch := make(chan struct{}, 1)
	ch <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	last := time.Now()
	a := &App{common: &common{run: ctx}, watch: ch, lastDB: last, live: true}
	msg, ok := a.waitDB()().(dbChangedMsg)
	if !ok {
		t.Fatal("waitDB did not announce the commit")
	}
	if gap := msg.at.Sub(last); gap < floodRefresh {
		t.Errorf("refreshed %v after the last one while commits kept coming, want at least %v", gap, floodRefresh)
	}
}
