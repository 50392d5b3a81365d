package e2e

import (
	"context"
	"os"
	"strings"
	"testing"

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
		t.Run(strings.Join(append(c.args, c.env), " "), func(t *testing.T) {
			if name, value, ok := strings.Cut(c.env, "="); ok {
				t.Setenv(name, value)
			}
			dir := t.TempDir()
			out, err := gaffIn(t, dir, "", c.args...)
			if err == nil || !strings.Contains(out, c.want) {
				t.Errorf("gaff %q %s: err=%v, want an error saying %q; got:\n%s", c.args, c.env, err, c.want, out)
			}
			if left, _ := os.ReadDir(dir); len(left) > 0 {
				t.Errorf("gaff %q %s refused, but left %s behind", c.args, c.env, left[0].Name())
			}
		})
	}
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
