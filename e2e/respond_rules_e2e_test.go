package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// rulesArgs are the --respond rules of the end-to-end test: one of each
// kind.
var rulesArgs = []string{
	"--respond", "/flaky seq=500,500,200",
	"--respond", "/sometimes 503 rate=30%", "--respond-seed", "7",
	"--respond", "/gone 410 after=2",
	"--respond", "/rl 429 retry-after=5",
	"--respond", "/d 200 drip=100ms body='" + strings.Repeat("slow ", 40) + "'",
	"--respond", "/r reset",
	"--respond", "/h hang",
}

// statusesOf posts n requests to url in turn.
func statusesOf(t *testing.T, url string, n int) []int {
	t.Helper()
	var got []int
	for range n {
		resp, _ := post(t, url, "{}")
		got = append(got, resp.StatusCode)
	}
	return got
}

// The real binary, with a rule of each kind: the answers in order, the
// share, the header, the slow body, the closed connection and a hang that
// a SIGTERM ends at once; and every request stored, saying what gaff did.
func TestRespondRulesOverTimeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	g := startHeadlessAt(t, filepath.Join(dir, "g.db"), filepath.Join(dir, "g.log"), rulesArgs...)
	base := "http://" + g.addr

	if got := statusesOf(t, base+"/flaky", 4); !slices.Equal(got, []int{500, 500, 200, 200}) {
		t.Fatalf("seq: %v", got)
	}
	if got := statusesOf(t, base+"/gone/x", 3); !slices.Equal(got, []int{200, 200, 410}) {
		t.Fatalf("after: %v", got)
	}
	if resp, _ := post(t, base+"/rl", "{}"); resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "5" {
		t.Fatalf("retry-after: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp, body := post(t, base+"/d", "{}"); resp.StatusCode != 200 || body != strings.Repeat("slow ", 40) {
		t.Fatalf("drip: %d %q", resp.StatusCode, body)
	}
	if resp, err := http.Post(base+"/r", "text/plain", strings.NewReader("x")); err == nil {
		resp.Body.Close()
		t.Fatalf("reset answered %d", resp.StatusCode)
	}
	rates := statusesOf(t, base+"/sometimes", 40)
	if n := countOf(rates, 503); n < 4 || n > 20 {
		t.Fatalf("rate=30%%: %d of 40 got 503: %v", n, rates)
	}

	// A second run with the same seed draws the same answers.
	g2 := startHeadless(t, rulesArgs...)
	if again := statusesOf(t, "http://"+g2.addr+"/sometimes", 40); !slices.Equal(rates, again) {
		t.Fatalf("--respond-seed 7 twice:\n%v\n%v", rates, again)
	}

	// A hang holds the sender until gaff stops; the stop does not wait for
	// it (no "cut" warning in the log: it ended before the shutdown's
	// timeout).
	stored := g.captured.n.Load()
	hung := make(chan error, 1)
	go func() {
		resp, err := http.Post(base+"/h", "text/plain", strings.NewReader("held"))
		if err == nil {
			resp.Body.Close()
		}
		hung <- err
	}()
	for deadline := time.Now().Add(30 * time.Second); g.captured.n.Load() == stored; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the hung request was not stored")
		}
	}
	g.cmd.Process.Signal(syscall.SIGTERM)
	if err := waitExit(t, g.cmd); err != nil {
		t.Fatalf("SIGTERM with a hang: %v", err)
	}
	if err := <-hung; err == nil {
		t.Fatal("the hang was answered")
	}
	if log, _ := os.ReadFile(filepath.Join(dir, "g.log")); strings.Contains(string(log), "were cut") {
		t.Fatalf("the hang held the shutdown up:\n%s", log)
	}

	out, err := gaffCLI(t, "export", "--db", g.db)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"/flaky": 4, "/gone/x": 3, "/rl": 1, "/d": 1, "/r": 1, "/sometimes": 40, "/h": 1}
	got := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			ID     int64  `json:"id"`
			Path   string `json:"path"`
			Status int    `json:"status"`
			Note   string `json:"note"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		got[r.Path]++
		if note, ok := map[string]string{"/r": "reset:", "/h": "hang:"}[r.Path]; ok && (r.Status != 0 || !strings.Contains(r.Note, note)) {
			t.Errorf("%s stored as %d %q", r.Path, r.Status, r.Note)
		}
		if r.Path == "/r" {
			if out, err := gaffCLI(t, "show", fmt.Sprint(r.ID), "--db", g.db); err != nil || !strings.Contains(out, "not answered") || !strings.Contains(out, "reset: gaff closed the connection") {
				t.Errorf("gaff show of the reset row: %v\n%s", err, out)
			}
		}
	}
	if !maps.Equal(got, want) {
		t.Fatalf("stored %v, want %v", got, want)
	}
}

func countOf(xs []int, x int) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

// A bad rule stops gaff before it listens, saying what is wrong.
func TestRespondBadRulesAreRefused(t *testing.T) {
	for spec, want := range map[string]string{
		"/s 503 rate=130%": "outside 0–100%",
		"/x hang reset":    "hang and reset together",
		"/f seq=":          "seq= is empty",
	} {
		out, err := gaffIn(t, t.TempDir(), "", "--respond", spec)
		if err == nil || !strings.Contains(out, want) || !strings.Contains(out, spec) {
			t.Errorf("--respond %q: %v, %q", spec, err, out)
		}
	}
	out, err := gaffIn(t, t.TempDir(), "", "--respond-seed", "-1")
	if err == nil || !strings.Contains(out, "respond-seed") {
		t.Errorf("--respond-seed -1: %v, %q", err, out)
	}
}
