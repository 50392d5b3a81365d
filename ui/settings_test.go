package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"gaff/capture"
	"gaff/policy"
)

// The settings screen edits the real capture handler's policy and saves it
// to the real database.
func TestSettingsEditSecretsResponsesAndHandshakes(t *testing.T) {
	h := newHarness(t, 100, 40)
	handler := withPolicy(h)
	h.keys("S")
	h.contains("settings", "GitHub secret", "not set", "+ add a response", "[x] slack-url-verification")
	h.checkSize()

	// The cursor starts on the first secret (GitHub): set it.
	h.keys("enter")
	h.contains("GitHub secret:")
	for _, r := range "It's a Secret to Everybody" {
		h.send(keyPress(string(r)))
	}
	h.lacks("It's a Secret")
	h.keys("enter")
	if got := handler.Policy().Secrets["github"]; got != "It's a Secret to Everybody" {
		t.Fatalf("policy secret %q", got)
	}
	h.contains("••••••body", "saved")
	h.lacks("It's a Secret")

	// Add a response rule with a typo first: the error shows, the prompt stays.
	h.keys("a")
	typeText(h, "\b\b\b\b\b\b\b\b\b/stripe 99")
	h.keys("enter")
	h.contains("not an HTTP status")
	typeText(h, "\b\b503 delay=1s")
	h.keys("enter")
	h.contains("/stripe", "503 delay=1s")
	if r := handler.Policy().Match("/stripe/x"); r == nil || r.Status != 503 {
		t.Fatalf("rule not in force: %+v", r)
	}

	// Toggle a handshake off and refuse invalid signatures.
	for h.app.settings.items[h.app.settings.cursor].kind != settingReject {
		h.keys("j")
	}
	h.keys("space")
	h.keys("j", "space")
	p := handler.Policy()
	if !p.RejectInvalid || !p.NoHandshakes["slack-url-verification"] {
		t.Fatalf("toggles: %+v", p)
	}
	h.contains("[x] refuse invalid", "[ ] slack-url-verification")

	// All of it was saved: a fresh load sees it.
	saved, err := policy.Load(context.Background(), h.db)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Secrets["github"] == "" || len(saved.Responses) != 1 || !saved.RejectInvalid || !saved.NoHandshakes["slack-url-verification"] {
		t.Fatalf("saved %+v", saved)
	}

	// Remove the rule and leave.
	for h.app.settings.items[h.app.settings.cursor].kind != settingResponse {
		h.keys("k")
	}
	h.keys("d")
	if len(handler.Policy().Responses) != 0 {
		t.Fatal("d did not remove the rule")
	}
	h.keys("esc")
	h.contains("Waiting for the first webhook")
}

// withPolicy gives the UI the policy layers gaff runs with, in force on a
// real capture handler, which it returns.
func withPolicy(h *harness) *capture.Handler {
	handler := capture.New(capture.Config{DB: h.db})
	l, err := policy.Layer(context.Background(), h.db, nil, handler.SetPolicy)
	if err != nil {
		h.t.Fatal(err)
	}
	h.app.common.deps.Policy = l
	return handler
}

// typeText types runes; \b is backspace.
func typeText(h *harness, s string) {
	for _, r := range s {
		if r == '\b' {
			h.send(namedKeys["backspace"])
			continue
		}
		h.send(keyPress(string(r)))
	}
}

func TestSettingsAtSmallSizes(t *testing.T) {
	h := newHarness(t, 80, 24)
	withPolicy(h)
	h.keys("S")
	h.checkSize()
	for i := 0; i < 40; i++ {
		h.keys("j")
	}
	h.checkSize()
	if !strings.Contains(h.screen(), "discord-ping") {
		t.Fatalf("the cursor's row is off screen:\n%s", h.screen())
	}
}

// body=@FILE in the settings prompt is read in a command, not in Update.
func TestSettingsResponseBodyFromFile(t *testing.T) {
	h := newHarness(t, 100, 40)
	handler := withPolicy(h)
	file := filepath.Join(t.TempDir(), "err.json")
	os.WriteFile(file, []byte(`{"error":"down"}`), 0o600)
	h.keys("S", "a")
	typeText(h, strings.Repeat("\b", 20)+"/x 500 body=@"+file)
	h.keys("enter")
	if r := handler.Policy().Match("/x"); r == nil || r.Body != `{"error":"down"}` {
		t.Fatalf("rule %+v", r)
	}
	h.keys("a")
	typeText(h, strings.Repeat("\b", 20)+"/y 500 body=@/no/such/file")
	h.keys("enter")
	h.contains("cannot read the body file")
}

// What this run's flags set is shown as such, the save status is on
// screen at 80×24, and the selection bar covers the whole line.
func TestSettingsTellTheTruthAt80x24(t *testing.T) {
	h := newHarness(t, 80, 24)
	handler := capture.New(capture.Config{DB: h.db})
	o := &policy.Overrides{Secrets: map[string]string{"github": "from-the-flag"}, Notes: map[string]string{"secret.github": "--secret"}}
	l, err := policy.Layer(context.Background(), h.db, o, handler.SetPolicy)
	if err != nil {
		t.Fatal(err)
	}
	h.app.common.deps.Policy = l
	h.keys("S")
	h.contains("set by --secret (this run)")
	sel := selectedLine(h)
	bar := sel[:strings.Index(sel, "\x1b[m")] // up to the first reset
	if w := ansi.StringWidth(bar); w != 78 || strings.Count(bar, "\x1b[") != 1 {
		t.Errorf("the selection bar spans %d of 78 cells:\n%q", w, sel)
	}
	for h.app.settings.items[h.app.settings.cursor].kind != settingReject {
		h.keys("j")
	}
	h.keys("space")
	h.contains("saved")
	h.checkSize()
}

// selectedLine is the raw line of the screen in the selection style.
func selectedLine(h *harness) string {
	want := h.app.common.styles.Selected.Render("x")
	prefix := want[:strings.Index(want, "x")]
	for _, line := range strings.Split(h.app.View().Content, "\n") {
		if i := strings.Index(line, prefix); i >= 0 {
			return line[i:]
		}
	}
	h.t.Fatal("no selected line")
	return ""
}
