package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/storage"
)

// At every terminal width the list is shown at, its rows keep the event
// and the verdict, and the header names the columns.
func TestListKeepsScannedColumnsAtEveryWidth(t *testing.T) {
	h := newHarness(t, 80, 40)
	h.insert(fixtures()...)
	for w := 80; w <= 200; w++ {
		h.send(tea.WindowSizeMsg{Width: w, Height: 40})
		var github, stripe, header string
		for _, line := range strings.Split(h.screen(), "\n") {
			list := line
			if h.app.requests.split() {
				list = string([]rune(line)[:h.app.requests.list.w])
			}
			switch {
			case strings.Contains(list, "/hooks/github"):
				github = list
			case strings.Contains(list, "/stripe"):
				stripe = list
			case strings.Contains(list, "method"):
				header = list
			}
		}
		if !strings.Contains(github, "push") || !strings.Contains(github, "✓") {
			t.Errorf("at %d columns the GitHub row lacks its event or verdict: %q", w, github)
		}
		if !strings.Contains(stripe, "payment_in") || !strings.Contains(stripe, "✗") {
			t.Errorf("at %d columns the Stripe row lacks its event or verdict: %q", w, stripe)
		}
		for _, col := range []string{"time", "method", "path", "event", "✓"} {
			if !strings.Contains(header, col) {
				t.Errorf("at %d columns the header lacks %q: %q", w, col, header)
			}
		}
	}
}

// Size goes first: it shows only once every other column has its room.
func TestListDropsSizeFirst(t *testing.T) {
	for w := 30; w <= 200; w++ {
		for _, outcome := range []bool{false, true} {
			c := layoutColumns(w, 8, outcome)
			if c.verdict == 0 || c.event == 0 || c.status == 0 || c.time == 0 || c.method == 0 || c.path == 0 {
				t.Errorf("width %d: a scanned column is gone: %+v", w, c)
			}
			if outcome && c.outcome == 0 {
				t.Errorf("width %d: the outcome column is gone: %+v", w, c)
			}
			if c.size > 0 && (c.provider == 0 || c.event < eventColW || c.path < comfortPathW) {
				t.Errorf("width %d: size shown while another column is short: %+v", w, c)
			}
		}
	}
}

// A capture from another day shows its date; today's show the time alone.
func TestListTimeShowsDateWhenNotToday(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	today := []storage.Summary{{Time: now.Add(-time.Hour)}}
	if w := timeColumn(today, now); w != 8 {
		t.Fatalf("today's rows: time column %d wide, want 8", w)
	}
	older := append(today, storage.Summary{Time: t0})
	w := timeColumn(older, now)
	if got := timeCell(t0, now, w); got != "Nov 22 12:04:00" {
		t.Errorf("yesterday's capture shows %q", got)
	}
	if got := strings.TrimSpace(timeCell(now.Add(-time.Hour), now, w)); got != "08:00:00" {
		t.Errorf("today's capture shows %q", got)
	}
}
