package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"gaff/internal/testkit"
)

// A subscription's URL may carry a password (http://user:pass@host). gaff
// shows where it sends, never the password, unless asked with
// --show-secrets.
func TestSubscriptionPasswordsAreMasked(t *testing.T) {
	dir := t.TempDir()
	const url = "http://u:hunter2@127.0.0.1:1/x"
	out, err := gaffIn(t, dir, "", "subs", "add", "local", "--to", url)
	if err != nil || strings.Contains(out, "hunter2") || !strings.Contains(out, "http://u:xxxxx@127.0.0.1:1/x") {
		t.Errorf("subs add: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"subs", "list"}, {"subs", "list", "--json"}} {
		out, err := gaffIn(t, dir, "", args...)
		if err != nil || strings.Contains(out, "hunter2") || !strings.Contains(out, "u:xxxxx@127.0.0.1:1/x") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
	if out, _ := gaffIn(t, dir, "", "subs", "list", "--show-secrets"); !strings.Contains(out, url) {
		t.Errorf("list --show-secrets hides the URL the user asked to see:\n%s", out)
	}
	out, _ = gaffIn(t, dir, "", "subs", "list", "--json", "--show-secrets")
	var row map[string]any
	if err := json.Unmarshal([]byte(out), &row); err != nil || row["url"] != url {
		t.Errorf("list --json --show-secrets: %v\n%s", err, out)
	}
	// A URL gaff cannot use is refused without its password.
	if out, err := gaffIn(t, dir, "", "subs", "add", "bad", "--to", "http://u:hunter2@[bad"); err == nil || strings.Contains(out, "hunter2") {
		t.Errorf("subs add with a malformed URL: %v\n%s", err, out)
	}
}

// A --forward-to gaff refuses is named without its password.
func TestRefusedForwardToHidesItsPassword(t *testing.T) {
	addr := testkit.UnusedAddr(t)
	for _, to := range []string{"http://u:hunter2@[bad", "http://u:hunter2@" + addr + "/"} {
		dir := t.TempDir()
		out, err := gaffCLI(t, "--headless", "--listen", addr, "--db", filepath.Join(dir, "g.db"), "--log", filepath.Join(dir, "g.log"),
			"--forward-to", to)
		if err == nil || strings.Contains(out, "hunter2") || !strings.Contains(out, "--forward-to") {
			t.Errorf("gaff --forward-to %s: %v\n%s", to, err, out)
		}
	}
}
