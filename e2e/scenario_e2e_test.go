package e2e

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"gaff/internal/testkit"
	"gaff/storage"
)

// scenarioDB stores captures /c1 … /cn, a minute apart, in a database
// file the binary opens.
func scenarioDB(t *testing.T, n int) string {
	t.Helper()
	db, path := testkit.DBFile(t)
	start := time.Now().Add(-time.Hour)
	for i := 1; i <= n; i++ {
		testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: fmt.Sprintf("/c%d", i),
			Time: start.Add(time.Duration(i) * time.Minute)}, Body: []byte(fmt.Sprintf(`{"n":%d}`, i))})
	}
	db.Close()
	return path
}

// arrivals reads the paths of the next n requests rec received.
func arrivals(t *testing.T, rec *testkit.Recorder, n int) string {
	t.Helper()
	var got []string
	for range n {
		r, _ := rec.Next(t)
		got = append(got, r.URL.Path)
	}
	return strings.Join(got, " ")
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestScenarioReplay(t *testing.T) {
	db := scenarioDB(t, 6)
	rec := testkit.NewRecorder(t, "ok")

	// Ranges and single ids, given out of order, go in capture order.
	out, err := gaffCLI(t, "replay", "5-6", "2", "1-2", "--db", db, "--to", rec.URL, "--timing", "fast")
	if err != nil {
		t.Fatalf("gaff replay 5-6 2 1-2: %v\n%s", err, out)
	}
	if got := arrivals(t, rec, 4); got != "/c1 /c2 /c5 /c6" {
		t.Fatalf("the handler got %s", got)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.Contains(lines[0], "STATUS") || !strings.Contains(lines[1], "POST") ||
		!strings.Contains(lines[1], " 200 ") || !strings.HasSuffix(lines[1], "/c1") {
		t.Fatalf("table:\n%s", out)
	}

	// A search, each sent twice; 10x keeps minute gaps under --max-gap.
	out, err = gaffCLI(t, "replay", "--search", "path:/c3", "--db", db, "--to", rec.URL, "--duplicate", "2", "--timing", "10x", "--max-gap", "1ms")
	if err != nil {
		t.Fatalf("gaff replay --search: %v\n%s", err, out)
	}
	if got := arrivals(t, rec, 2); got != "/c3 /c3" {
		t.Fatalf("the handler got %s", got)
	}

	// A seeded shuffle is the same order every time.
	order := func() string {
		out, err := gaffCLI(t, "replay", "1-6", "--db", db, "--to", rec.URL, "--timing", "fast", "--shuffle", "--seed", "7")
		if err != nil {
			t.Fatalf("gaff replay --shuffle: %v\n%s", err, out)
		}
		return arrivals(t, rec, 6)
	}
	first := order()
	if first == "/c1 /c2 /c3 /c4 /c5 /c6" || order() != first {
		t.Fatalf("seed 7 orders: %s, then another", first)
	}

	// The 2xx rule of a single replay does not apply: any answer is one.
	rec.Status(500)
	if out, err := gaffCLI(t, "replay", "1-2", "--db", db, "--to", rec.URL, "--timing", "fast"); err != nil || !strings.Contains(out, " 500 ") {
		t.Fatalf("answered 500: %v\n%s", err, out)
	}
	arrivals(t, rec, 2)

	// No answer: every row is tried, exit 1.
	dead := "http://" + testkit.UnusedAddr(t)
	out, err = gaffCLI(t, "replay", "1-2", "--db", db, "--to", dead, "--timing", "fast")
	if exitCode(err) != 1 || strings.Count(out, "error") < 2 || !strings.Contains(out, "2 of 2 sends got no answer") {
		t.Fatalf("dead target: %v\n%s", err, out)
	}

	// The single-id form is as it was.
	rec.Status(200)
	if out, err := gaffCLI(t, "replay", "4", "--db", db, "--to", rec.URL); err != nil || !strings.Contains(out, "<-- [200] POST") {
		t.Fatalf("gaff replay 4: %v\n%s", err, out)
	}
	arrivals(t, rec, 1)

	for _, bad := range [][]string{
		{"replay", "6-2"}, {"replay", "1-x"}, {"replay", "1-3", "--timing", "slow"}, {"replay", "1-3", "--duplicate", "0"},
		{"replay", "1-3", "--search", "status:"}, {"replay"}, {"replay", "40-50"},
		{"replay", "1-3", "--assert", "status=2xx"}, {"replay", "1", "--golden"},
	} {
		out, err := gaffCLI(t, append(bad, "--db", db, "--to", rec.URL)...)
		if exitCode(err) != 2 || !strings.HasPrefix(out, "gaff: ") {
			t.Errorf("gaff %s: %v\n%s", strings.Join(bad, " "), err, out)
		}
		t.Logf("gaff %s: %s", strings.Join(bad, " "), strings.TrimSpace(out))
	}
	if out, err := gaffCLI(t, "replay", "1-2", "--db", db, "--to", "ftp://x"); exitCode(err) != 2 || !strings.Contains(out, "--to") {
		t.Errorf("gaff replay 1-2 --to ftp://x: %v\n%s", err, out)
	}
	if rec.Count() != 21 {
		t.Fatalf("bad input sent something: %d arrivals", rec.Count())
	}
}
