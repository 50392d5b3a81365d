package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gaff/storage"
)

// A flag gaff cannot honour is refused before gaff touches anything: no
// database, no log, nothing in the directory they would go in. The error
// says what to write instead.
func TestBadFlagsAreRefusedBeforeAnythingIsStored(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  string
		want string
	}{
		{[]string{"--max-body", "0"}, "", "--max-body 0: give a size from 1 to 268435456"},
		{[]string{"--max-body", "-5"}, "", "--max-body -5: give a size from 1 to 268435456"},
		{[]string{"--max-body", "1099511627776"}, "", "--max-body 1099511627776: give a size from 1 to 268435456"},
		{[]string{"--secret", "discord=nothex"}, "", "64 hex characters"},
		{nil, "GAFF_SECRET_DISCORD=nothex", "GAFF_SECRET_DISCORD: the Discord public key must be 64 hex characters"},
		{nil, "GAFF_SECRET_GITHUV=x", `GAFF_SECRET_GITHUV: "githuv" is not a provider gaff knows`},
		{[]string{"--secret", "standard-webhooks=whsec_not*base64"}, "", "whsec_ followed by base64"},
		{[]string{"--forward-mode", "mirror"}, "", "use copy or proxy"},
		{[]string{"--forward-to", "localhost:3000/hook"}, "", "did you mean http://localhost:3000/hook"},
		{[]string{"--keep", "-1"}, "", "--keep -1: give a number of requests"},
		{[]string{"--basic-auth", "bob:password1"}, "", "ngrok is not in use"},
		{[]string{"subs", "add", "x", "--to", "http://127.0.0.1:1/", "--header", "X: a\x01b"}, "", `the value has a control character (\x01)`},
		{[]string{"subs", "add", "x", "--to", "127.0.0.1:3000"}, "", "did you mean http://127.0.0.1:3000"},
		{[]string{"subs", "add", "x", "--to", "http://127.0.0.1:1/", "--retry", "often"}, "", "use one of"},
		{[]string{"send", "--to", "http://127.0.0.1:1/", "--header", "X: a\x7fb"}, "", `the value has a control character (\x7f)`},
	} {
		dir := t.TempDir()
		out, err := runIn(t, dir, c.env, c.args...)
		if err == nil || !strings.Contains(out, c.want) {
			t.Errorf("gaff %q %s: err=%v, want an error saying %q; got:\n%s", c.args, c.env, err, c.want, out)
		}
		if left, _ := os.ReadDir(dir); len(left) > 0 {
			t.Errorf("gaff %q %s refused, but left %s behind", c.args, c.env, left[0].Name())
		}
	}
}

// runIn runs gaff with its database, log and XDG directories in dir, and
// env added to the environment; a bare gaff runs --headless. The bound only
// stops a gaff that starts when it should have refused.
func runIn(t *testing.T, dir, env string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, gaffBinary(t), append(args, "--db", filepath.Join(dir, "g.db"))...)
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		cmd.Args = append(cmd.Args, "--headless", "--listen", "127.0.0.1:0", "--log", filepath.Join(dir, "g.log"))
	}
	cmd.Env = append(os.Environ(), "NGROK_AUTHTOKEN=", "XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_STATE_HOME="+filepath.Join(dir, "state"))
	if env != "" {
		cmd.Env = append(cmd.Env, env)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// replay --to without a scheme is refused with the URL to write, and no
// attempt is recorded for a target that was never reached.
func TestReplayToWithoutSchemeIsRefused(t *testing.T) {
	g := startHeadless(t)
	post(t, "http://"+g.addr+"/hook", `{"a":1}`)
	out, err := gaffCLI(t, "replay", "1", "--to", "127.0.0.1:9000", "--db", g.db)
	if err == nil || !strings.Contains(out, "did you mean http://127.0.0.1:9000") {
		t.Fatalf("replay --to 127.0.0.1:9000: err=%v\n%s", err, out)
	}
	db, err := storage.Open(g.db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if ds, err := db.ListDeliveries(context.Background(), storage.DeliveryFilter{RequestID: 1, Limit: 10}); err != nil || len(ds) != 0 {
		t.Fatalf("deliveries after a refused replay: %d (%v)", len(ds), err)
	}
}
