package cli

import (
	"bytes"
	"strings"
	"testing"

	"gaff/internal/testkit"
	"gaff/storage"
)

func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	cmd := Root("test")
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return out.String()
}

// gaff list and gaff show name each capture's event, sanitised: the name
// comes from the network.
func TestListAndShowNameTheEvent(t *testing.T) {
	db, path := testkit.DBFile(t)
	testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/github", Provider: "github", Event: "pull_request.opened"}})
	testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/stripe", Provider: "stripe", Event: "payment_intent.succeeded\x1b[2J"}})
	testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/plain"}})
	db.Close()

	rows := strings.Split(strings.TrimSuffix(runCLI(t, "list", "--db", path), "\n"), "\n")[1:]
	if len(rows) != 3 || !strings.HasSuffix(rows[0], "/plain") || !strings.Contains(rows[1], "payment_intent.succeeded\\e[2J  /stripe") ||
		!strings.Contains(rows[2], "pull_request.opened       /github") || strings.Contains(rows[1], "\x1b") {
		t.Fatalf("list rows:\n%q", rows)
	}
	if out := runCLI(t, "show", "--db", path, "1"); !strings.Contains(out, "\n# event pull_request.opened\n") {
		t.Fatalf("show:\n%s", out)
	}
	if out := runCLI(t, "show", "--db", path, "3"); strings.Contains(out, "# event") {
		t.Fatalf("show of a capture with no event names one:\n%s", out)
	}
}
