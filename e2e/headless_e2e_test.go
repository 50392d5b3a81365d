package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gaff/internal/testkit"
)

// The promise "nothing acked is lost" holds for --headless's stdout too:
// every capture answered 2xx is printed, once, as one whole JSON line.

// startPrinting runs gaff --headless with its stdout going to out.

func startPrinting(t *testing.T, db string, out io.Writer, args ...string) *headlessGaff {
	t.Helper()
	return startHeadlessOn(t, testkit.UnusedAddr(t), db, db+".log", out, args...)
}

// printedIDs parses --headless output: every line whole JSON, no id twice.
func printedIDs(t *testing.T, out []byte) []int64 {
	t.Helper()
	var ids []int64
	seen := map[int64]bool{}
	for i, line := range bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var r struct{ ID int64 }
		if err := json.Unmarshal(line, &r); err != nil || r.ID == 0 {
			t.Fatalf("line %d is not a whole capture (%v): %.200q", i+1, err, line)
		}
		if seen[r.ID] {
			t.Fatalf("capture %d printed twice", r.ID)
		}
		seen[r.ID] = true
		ids = append(ids, r.ID)
	}
	return ids
}

// missing lists the acknowledged ids that were not printed.
func (f *flood) missing(printed []int64) []int64 {
	got := map[int64]bool{}
	for _, id := range printed {
		got[id] = true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int64
	for _, a := range f.acked {
		if !got[a.id] {
			out = append(out, a.id)
		}
	}
	return out
}

// A graceful stop in the middle of a flood prints every acked capture.
// The old printer read each row with the run's context, and a stop between
// listing and reading skipped rows for good.
func TestHeadlessStopPrintsEveryAckedCapture(t *testing.T) {
	for round := range 3 {
		dir := t.TempDir()
		outPath := filepath.Join(dir, "out.jsonl")
		out, err := os.Create(outPath)
		if err != nil {
			t.Fatal(err)
		}
		g := startPrinting(t, filepath.Join(dir, "g.db"), out)
		f := &flood{url: "http://" + g.addr, clients: 50, maxBody: 2 << 10, limit: time.Minute}
		done := make(chan struct{})
		go func() { f.run(t); close(done) }()
		waitAcked(t, f, 1500)
		f.end()
		g.cmd.Process.Signal(syscall.SIGTERM)
		if err := waitExit(t, g.cmd); err != nil {
			t.Fatalf("round %d: SIGTERM: %v", round, err)
		}
		<-done
		out.Close()
		b, _ := os.ReadFile(outPath)
		ids := printedIDs(t, b)
		if m := f.missing(ids); len(m) > 0 {
			t.Fatalf("round %d: %d of %s were never printed, e.g. %v", round, len(m), f.summary(), m[:min(5, len(m))])
		}
		t.Logf("round %d: %s, %d printed", round, f.summary(), len(ids))
	}
}

// --keep never deletes a capture that has not been printed: a reader that
// starts late still gets every acked capture.
func TestHeadlessKeepWaitsForTheReader(t *testing.T) {
	dir := t.TempDir()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	g := startPrinting(t, filepath.Join(dir, "g.db"), w, "--keep", "20")
	w.Close()
	// Bodies big enough that the pipe fills and the printer waits.
	f := &flood{url: "http://" + g.addr, clients: 8, total: 600, maxBody: 8 << 10, limit: time.Minute}
	f.run(t)
	// Retention runs a second after captures settle: give it the chance
	// to delete what the stalled reader has not read yet.
	time.Sleep(3 * time.Second)
	var out bytes.Buffer
	read := make(chan struct{})
	go func() { io.Copy(&out, r); close(read) }()
	deadline := time.Now().Add(60 * time.Second)
	for len(f.missing(printedIDs(t, completeLines(out.Bytes())))) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	g.cmd.Process.Signal(syscall.SIGTERM)
	if err := waitExit(t, g.cmd); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	<-read
	if m := f.missing(printedIDs(t, out.Bytes())); len(m) > 0 {
		t.Fatalf("--keep 20 deleted %d of %s before they were printed, e.g. %v", len(m), f.summary(), m[:min(5, len(m))])
	}
}

// completeLines is out up to its last newline (the printer may be mid-line).
func completeLines(b []byte) []byte {
	return b[:bytes.LastIndexByte(b, '\n')+1]
}

// After a crash, --after ID prints the stored captures after ID, then live
// ones, so a restarted reader misses nothing and repeats nothing.
func TestHeadlessAfterCatchesUp(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	g := startPrinting(t, db, io.Discard)
	for i := range 5 {
		post(t, "http://"+g.addr+fmt.Sprint("/before/", i), `{}`)
	}
	g.cmd.Process.Signal(syscall.SIGKILL)
	waitExit(t, g.cmd)

	var out testkit.LockedBuffer
	g2 := startPrinting(t, db, &out, "--after", "2")
	post(t, "http://"+g2.addr+"/live", `{}`)
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), `"/live"`) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	g2.cmd.Process.Signal(syscall.SIGTERM)
	waitExit(t, g2.cmd)
	ids := printedIDs(t, []byte(out.String()))
	if fmt.Sprint(ids) != "[3 4 5 6]" {
		t.Fatalf("--after 2 printed %v, want [3 4 5 6]:\n%s", ids, out.String())
	}

	for _, bad := range [][]string{{"--after", "-7", "--headless"}, {"--after", "3"}} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		o, err := exec.CommandContext(ctx, gaffBinary(t), append(bad, "--db", filepath.Join(dir, "bad.db"), "--listen", testkit.UnusedAddr(t))...).CombinedOutput()
		cancel()
		if err == nil || !strings.Contains(string(o), "--after") {
			t.Errorf("gaff %v: %v\n%s", bad, err, o)
		}
	}
}

// `gaff --headless | head -n 2`: when the reader goes away, gaff says so
// on stderr and stops gracefully instead of dying of SIGPIPE.
func TestHeadlessStdoutClosedStopsCleanly(t *testing.T) {
	dir := t.TempDir()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	g := startPrinting(t, filepath.Join(dir, "g.db"), w)
	w.Close()
	br := bufio.NewReader(r)
	for i := range 2 {
		post(t, "http://"+g.addr+fmt.Sprint("/line/", i), `{}`)
		if _, err := br.ReadString('\n'); err != nil {
			t.Fatal(err)
		}
	}
	r.Close() // head -n 2 has what it wanted
	// The next capture is still stored and answered; printing it fails.
	resp, err := http.Post("http://"+g.addr+"/after-close", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatalf("a sender was refused once stdout closed: %v", err)
	}
	resp.Body.Close()
	g.waitLine(t, "stdout was closed")
	err = waitExit(t, g.cmd)
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled() {
		t.Fatalf("gaff was killed by %v", ee.Sys().(syscall.WaitStatus).Signal())
	}
	o, lerr := gaffCLI(t, "list", "--db", g.db, "--json")
	if lerr != nil || !strings.Contains(o, "/after-close") {
		t.Fatalf("the capture answered after stdout closed is not stored: %v\n%s", lerr, o)
	}
}
