package ui

import (
	"context"

	"gaff/storage"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Overlays are one stack: the top layer gets the keys and is drawn.

func TestHelpOverAFormThatLoadsLateGetsTheKeys(t *testing.T) {
	h := newHarness(t, 80, 24)
	withSender(h)
	h.insert(many(1)...)
	r := h.request(1)
	h.keys("?")
	h.send(editLoadedMsg{req: r}) // the form e asked for lands now
	h.contains("help")
	h.lacks("edit a copy of request")
	h.keys("esc") // closes help, not the form beneath it
	h.contains("edit a copy of request #1")
	h.keys("esc")
	h.lacks("edit a copy of request")
}

// Each layer's help bar at 80 columns offers the way out, search and help
// where they apply, and nothing that does not work there.
func TestHelpBarAt80Columns(t *testing.T) {
	cases := []struct {
		name        string
		setup       func(h *harness)
		want, avoid []string
	}{
		{"empty list", func(h *harness) {}, []string{"/ search", "? help"}, []string{"replay", "edit", "copy as curl", "delete"}},
		{"list", func(h *harness) { h.insert(many(3)...) }, []string{"/ search", "? help", "r replay"}, nil},
		{"detail", func(h *harness) { h.insert(many(3)...); h.keys("enter") }, []string{"esc back", "/ search", "? help"}, nil},
		{"search prompt", func(h *harness) { h.keys("/") }, []string{"esc"}, []string{"? help"}},
		{"edit form", func(h *harness) { h.insert(many(1)...); h.keys("e") }, []string{"esc cancel", "ctrl+s send"}, []string{"? help"}},
		{"help", func(h *harness) { h.keys("?") }, []string{"esc close"}, nil},
		{"settings", func(h *harness) { h.keys("S") }, []string{"esc back", "? help"}, nil},
		{"subscriptions", func(h *harness) { h.keys("s") }, []string{"esc back", "? help"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, 80, 24)
			withSender(h)
			h.app.requests.target = "http://127.0.0.1:9"
			c.setup(h)
			bar := h.bottomLines()
			for _, w := range c.want {
				if !strings.Contains(bar, w) {
					t.Errorf("help bar lacks %q:\n%s", w, bar)
				}
			}
			for _, w := range c.avoid {
				if strings.Contains(bar, w) {
					t.Errorf("help bar offers %q:\n%s", w, bar)
				}
			}
		})
	}
}

// bottomLines is the last two lines of the screen: the help bar, or a
// prompt and its hint.
func (h *harness) bottomLines() string {
	lines := strings.Split(h.screen(), "\n")
	return ansi.Strip(strings.Join(lines[len(lines)-2:], "\n"))
}

func (h *harness) request(id int64) *storage.Request {
	h.t.Helper()
	r, err := h.db.GetRequest(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

// esc on a search prompt left empty leaves the cursor where it was.
func TestCancelledSearchKeepsTheCursor(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(5)...)
	h.keys("j", "j", "/", "esc")
	if got := h.selectedTarget(); got != "/n/3" {
		t.Fatalf("esc on an empty search moved the cursor to %s", got)
	}
}
