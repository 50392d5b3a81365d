package e2e

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func exitStatus(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return ee.ExitCode()
}

// gaff diff answers like diff(1): 0 equal, 1 different, 2 trouble, and
// prints paths a script can read (no colour when not on a terminal).
func TestDiffExitCodes(t *testing.T) {
	g := startHeadless(t)
	post(t, "http://"+g.addr+"/hook?x=1", `{"id":"evt_1","data":{"amount":2000,"items":[{"id":"a"}]}}`)
	post(t, "http://"+g.addr+"/hook?x=2", `{"id":"evt_2","data":{"amount":2500,"items":[{"id":"b"}],"new":true}}`)

	out, err := gaffCLI(t, "diff", "1", "#2", "--db", g.db)
	want := "query.x: 1 → 2\n" +
		"headers.Content-Length: 58 → 69\n" +
		".data.amount: 2000 → 2500\n" +
		`.data.items[0].id: "a" → "b"` + "\n" +
		"+ .data.new: true\n" +
		`.id: "evt_1" → "evt_2"` + "\n"
	if exitStatus(t, err) != 1 || out != want { // no colour: not a terminal
		t.Fatalf("gaff diff 1 2: %v\n%s\nwant:\n%s", err, out, want)
	}
	out, err = gaffCLI(t, "diff", "1", "2", "--db", g.db, "--ignore", ".id", "--ignore", "query.x", "--ignore", "headers.content-length",
		"--ignore", ".data.items[].id", "--ignore", ".data.new", "--ignore", ".data.amount")
	if exitStatus(t, err) != 0 || out != "" {
		t.Fatalf("gaff diff with everything ignored: %v\n%s", err, out)
	}
	if out, err = gaffCLI(t, "diff", "2", "2", "--db", g.db); exitStatus(t, err) != 0 || out != "" {
		t.Fatalf("gaff diff 2 2: %v\n%s", err, out)
	}

	// Fixture files are sides too, beside ids: a capture saved and the
	// capture itself are equal.
	dir := t.TempDir()
	if out, err := gaffCLI(t, "fixture", "save", "1", "2", "--dir", dir, "--db", g.db); err != nil {
		t.Fatalf("gaff fixture save: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 2 {
		t.Fatalf("fixtures %v", files)
	}
	if out, err := gaffCLI(t, "diff", files[0], "1", "--db", g.db); exitStatus(t, err) != 0 || out != "" {
		t.Fatalf("gaff diff fixture-of-1 1: %v\n%s", err, out)
	}
	if out, err := gaffCLI(t, "diff", files[0], files[1]); exitStatus(t, err) != 1 || out != want {
		t.Fatalf("gaff diff on two fixture files: %v\n%s", err, out)
	}

	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"diff", "1"}, "takes two captures"},
		{[]string{"diff", "1", "nope"}, `"nope" is neither a capture id`},
		{[]string{"diff", "1", "99"}, "no capture #99"},
		{[]string{"diff", "1", "2", "--no-such-flag"}, "unknown flag"},
		{[]string{"diff", "1", g.db}, "is not a gaff fixture"},
		{[]string{"diff", "1", "2", "--ignore", ""}, "empty"},
	} {
		out, err := gaffCLI(t, append(c.args, "--db", g.db)...)
		if exitStatus(t, err) != 2 || !strings.Contains(out, c.says) {
			t.Errorf("gaff %s: %v\n%s\nwant status 2 and %q", strings.Join(c.args, " "), err, out, c.says)
		}
	}
}
