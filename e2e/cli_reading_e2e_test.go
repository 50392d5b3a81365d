package e2e

import (
	"strings"
	"testing"
	"unicode/utf8"

	"gaff/internal/testkit"
	"gaff/provider"
)

// gaff list reads like the TUI: a header, provider, verdict and event
// columns, a word when --limit cut it short, and a word when it is empty.
func TestListHasColumnsAndSaysWhatItLeftOut(t *testing.T) {
	g := startHeadless(t)
	postSigned(t, "http://"+g.addr+"/github", provider.SchemeGitHub,
		map[string]string{"X-GitHub-Event": "pull_request", "User-Agent": "GitHub-Hookshot/abc"}, `{"action":"opened","number":7}`)
	post(t, "http://"+g.addr+"/plain", `{"a":1}`)
	post(t, "http://"+g.addr+"/plain", `{"a":2}`)

	out, err := gaffCLI(t, "list", "--db", g.db)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if err != nil || len(lines) != 4 {
		t.Fatalf("gaff list: %v\n%s", err, out)
	}
	for _, col := range []string{"ID", "TIME", "METHOD", "STATUS", "SIZE", "PROVIDER", "VERDICT", "EVENT", "PATH"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("header %q has no %s", lines[0], col)
		}
	}
	gh := strings.Fields(lines[3])
	if !strings.Contains(lines[3], "github      ? no-secret  pull_request.opened") || gh[len(gh)-1] != "/github" {
		t.Errorf("github row %q", lines[3])
	}
	// Columns line up under their names.
	col := func(line, s string) int { return utf8.RuneCountInString(line[:strings.Index(line, s)]) }
	if col(lines[0], "PATH") != col(lines[1], "/plain") || col(lines[0], "EVENT") != col(lines[3], "pull_request") {
		t.Errorf("path not under PATH:\n%s", out)
	}

	out, err = gaffCLI(t, "list", "--db", g.db, "--limit", "2")
	if err != nil || strings.Count(out, "/plain") != 2 || !strings.HasSuffix(out, "\n2 of 3; --limit to see more\n") {
		t.Fatalf("gaff list --limit 2: %v\n%s", err, out)
	}
	out, err = gaffCLI(t, "list", "--db", g.db, "--search", "since:1h", "--limit", "2")
	if err != nil || strings.Count(out, "/plain") != 2 || !strings.HasSuffix(out, "\nmore match; raise --limit\n") {
		t.Fatalf("gaff list --search since:1h --limit 2: %v\n%s", err, out)
	}
	out, err = gaffCLI(t, "list", "--db", g.db, "--search", "since:1h", "--limit", "3")
	if err != nil || strings.Contains(out, "limit") {
		t.Fatalf("gaff list --search since:1h --limit 3 (all of them): %v\n%s", err, out)
	}
	out, err = gaffCLI(t, "list", "--db", g.db, "--search", "event:nope")
	if err != nil || out != "nothing matches \"event:nope\"\n" {
		t.Fatalf("gaff list --search event:nope: %v\n%q", err, out)
	}
	out, err = gaffCLI(t, "list", "--db", g.db, "--json", "--limit", "2")
	if err != nil || strings.Count(out, "\n") != 2 || !strings.HasPrefix(out, "{") {
		t.Fatalf("gaff list --json --limit 2 must print only the objects: %v\n%s", err, out)
	}

	db, empty := testkit.DBFile(t)
	db.Close()
	out, err = gaffCLI(t, "list", "--db", empty)
	if err != nil || out != "no captures yet\n" {
		t.Fatalf("gaff list of an empty database: %v\n%q", err, out)
	}
}
