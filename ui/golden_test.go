package ui

import (
	"context"
	"testing"
	"time"

	"gaff/send"
	"gaff/storage"
)

// Golden screens pin every view and overlay at four sizes; the *-color
// ones keep the escape sequences, so a style regression fails too.
func TestGoldenViews(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {160, 48}, {200, 50}} {
		name := func(s string) string { return s + "-" + itoa(sz[0]) + "x" + itoa(sz[1]) }
		color := sz[0] == 80 // one size in colour: a style change fails once
		shot := func(h *harness, view string) {
			t.Helper()
			h.golden(name(view))
			if color {
				h.goldenColor(name(view))
			}
		}
		h := newHarness(t, sz[0], sz[1])
		withSender(h)
		h.app.requests.target = "http://localhost:3000"
		withDispatcher(t, h)
		sub := &storage.Subscription{Name: "local", URL: "http://127.0.0.1:9/x", Scheme: "none", Retry: send.RetryNone, Enabled: true, Timeout: time.Second}
		if err := send.CreateSubscription(context.Background(), h.db, sub); err != nil {
			t.Fatal(err)
		}
		shot(h, "empty")
		h.insert(fixtures()...)
		// Each step: the keys pressed, then the screen they lead to.
		for _, step := range []struct {
			keys []string
			view string
		}{
			{nil, "list"},
			{[]string{"G", "enter"}, "detail-json"},
			{[]string{"tab"}, "detail-headers"},
			{[]string{"tab", "tab"}, "detail-overview"},
			{[]string{"tab", "tab", "esc", "k", "k", "k", "enter"}, "detail-binary"},
			{[]string{"esc", "?"}, "help"},
			{[]string{"esc", "/"}, "search-prompt"},
			{[]string{"esc", "d"}, "delete-confirm"},
			{[]string{"n", "e"}, "edit-form"},
			{[]string{"esc", "L"}, "log"},
			{[]string{"esc", "S"}, "settings"},
			{[]string{"esc", "s"}, "subscriptions"},
			{[]string{"n"}, "subscription-form"},
			{[]string{"esc", "f"}, "fire-picker"},
			{[]string{"enter"}, "fire-form"},
		} {
			h.keys(step.keys...)
			shot(h, step.view)
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
