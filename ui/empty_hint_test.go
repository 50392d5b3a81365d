package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"gaff/internal/testkit"
)

const tryCurl = `curl -d '{"hello":"world"}' -H 'Content-Type: application/json' http://127.0.0.1:4747/hook`

// shownCommand reads the example command back off the screen the way a
// shell would: backslash-newline joins the lines.
func shownCommand(t *testing.T, h *harness) string {
	t.Helper()
	var cmd []string
	in := false
	for _, line := range listPane(h) {
		if strings.HasPrefix(line, "curl ") {
			in = true
		}
		if !in {
			continue
		}
		more := strings.HasSuffix(line, " \\")
		cmd = append(cmd, strings.TrimSpace(strings.TrimSuffix(line, " \\")))
		if !more {
			break
		}
	}
	return strings.Join(cmd, " ")
}

// listPane is the text inside the list's box, one entry a row.
func listPane(h *harness) []string {
	var out []string
	for _, line := range strings.Split(h.screen(), "\n") {
		if _, rest, ok := strings.Cut(line, "│"); ok {
			text, _, _ := strings.Cut(rest, "│")
			out = append(out, strings.TrimSpace(text))
		}
	}
	return out
}

// The first screen of a local-only gaff says providers cannot reach it and
// how to get a public URL, and its example command is never cut.
func TestEmptyScreenLocalOnly(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {60, 30}} {
		h := newHarness(t, sz[0], sz[1])
		h.checkSize()
		s := strings.Join(strings.Fields(strings.Join(listPane(h), " ")), " ")
		for _, want := range []string{"cannot reach 127.0.0.1", "NGROK_AUTHTOKEN", "A public URL (ngrok)"} {
			if !strings.Contains(s, want) {
				t.Fatalf("%dx%d: screen lacks %q:\n%s", sz[0], sz[1], want, h.screen())
			}
		}
		if got := shownCommand(t, h); got != tryCurl {
			t.Fatalf("%dx%d: the example reads back as\n%s\nwant\n%s\n%s", sz[0], sz[1], got, tryCurl, h.screen())
		}
	}
}

// With a public URL there is nothing to warn about.
func TestEmptyScreenPublic(t *testing.T) {
	app := New(Deps{DB: testkit.DB(t), Local: fixedURL("http://127.0.0.1:4747"), Public: fixedURL("https://gaff.ngrok.app")})
	app.live = false
	h := &harness{t: t, db: app.common.db, app: app}
	h.run(app.Init())
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.contains("Paste this URL into the provider's settings:", "https://gaff.ngrok.app")
	h.lacks("NGROK_AUTHTOKEN", "cannot reach")
}
