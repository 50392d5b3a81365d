package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gaff/internal/testkit"
)

// loopBound is more captures than one posted request may ever make: the
// original, and its copy that came back (stored, never forwarded again).
const loopBound = 10

// postOnce posts one request to gaff in the background: in proxy mode the
// answer waits for the whole chain of forwards.
func postOnce(addr string) <-chan *http.Response {
	done := make(chan *http.Response, 1)
	go func() {
		c := &http.Client{Timeout: 60 * time.Second}
		resp, err := c.Post("http://"+addr+"/hook?n=1", "application/json", strings.NewReader(`{"n":1}`))
		if err != nil {
			done <- nil
			return
		}
		resp.Body.Close()
		done <- resp
	}()
	return done
}

// waitLoopStopped waits until g's stderr has shown a line with each of
// want, in any order, and returns them. It fails as soon as the gaffs in all
// (g among them) have stored more than loopBound captures between them: a
// loop is stopped at once, not after seconds of flooding.
func waitLoopStopped(t *testing.T, g *headlessGaff, want []string, all ...*headlessGaff) []string {
	t.Helper()
	deadline := time.After(15 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	seen := make([]string, len(want))
	for slices.Contains(seen, "") {
		select {
		case line, ok := <-g.stderr:
			if !ok {
				t.Fatal("gaff exited")
			}
			for i, w := range want {
				if seen[i] == "" && strings.Contains(line, w) {
					seen[i] = line
				}
			}
		case <-tick.C:
			var n int64
			for _, x := range all {
				n += x.captured.n.Load()
			}
			if n > loopBound {
				t.Fatalf("one request became %d captures and counting: the forward loops", n)
			}
		case <-deadline:
			t.Fatalf("no stderr lines with %q; seen %q", want, seen)
		}
	}
	return seen
}

// storedStatuses lists the status gaff answered to each of g's captures,
// oldest first, read from its database.
func storedStatuses(t *testing.T, g *headlessGaff) []int {
	t.Helper()
	out, err := gaffCLI(t, "list", "--json", "--limit", "1000", "--db", g.db)
	if err != nil {
		t.Fatalf("gaff list: %v\n%s", err, out)
	}
	var st []int
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var c struct{ Status int }
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("gaff list: %v\n%s", err, out)
		}
		st = append([]int{c.Status}, st...)
	}
	return st
}

// A --forward-to that reaches gaff itself, however it is spelled, never
// loops: a forward carries this gaff's id, and a capture that comes back
// with it is stored but not forwarded (copy mode) or answered 508 Loop
// Detected (proxy mode; in copy mode only that copy is answered 508, which
// the forward that sent it records). Spellings that plainly name gaff's own
// address are refused at start instead.
func TestForwardToItselfNeverLoops(t *testing.T) {
	type spelling struct {
		name, listen string
		target       func(port string) string
		atStart      bool
	}
	spellings := []spelling{
		{"leading zero", "127.0.0.1", func(p string) string { return "http://127.0.0.1:0" + p }, false},
		{"upper case", "127.0.0.1", func(p string) string { return "http://LOCALHOST:" + p }, false},
		{"0.0.0.0, leading zero", "127.0.0.1", func(p string) string { return "http://0.0.0.0:0" + p }, false},
		{"localhost", "127.0.0.1", func(p string) string { return "http://localhost:" + p }, true},
		{"0.0.0.0", "127.0.0.1", func(p string) string { return "http://0.0.0.0:" + p }, true},
		{"[::1] at a 127.0.0.1 gaff", "127.0.0.1", func(p string) string { return "http://[::1]:" + p }, true},
	}
	if name, err := os.Hostname(); err == nil {
		if ips, err := net.LookupIP(name); err == nil && len(ips) > 0 && ips[0].IsLoopback() {
			spellings = append(spellings, spelling{"host name", "127.0.0.1", func(p string) string { return "http://" + name + ":" + p }, false})
		}
	}
	if l, err := net.Listen("tcp", "[::1]:0"); err == nil {
		l.Close()
		spellings = append(spellings, spelling{"[::1], leading zero", "::1", func(p string) string { return "http://[::1]:0" + p }, false})
	}
	for _, mode := range []string{"copy", "proxy"} {
		for _, sp := range spellings {
			t.Run(mode+"/"+sp.name, func(t *testing.T) {
				l, err := net.Listen("tcp", net.JoinHostPort(sp.listen, "0"))
				if err != nil {
					t.Fatal(err)
				}
				addr := l.Addr().String()
				l.Close()
				_, port, _ := net.SplitHostPort(addr)
				target := sp.target(port)
				dir := t.TempDir()
				args := []string{"--forward-to", target, "--forward-mode", mode, "--timeout", "5s"}
				if sp.atStart {
					out, err := gaffCLI(t, append([]string{"--headless", "--listen", addr, "--db", filepath.Join(dir, "g.db")}, args...)...)
					if err == nil || !strings.Contains(out, "is gaff itself") {
						t.Fatalf("--forward-to %s must be refused at start: %v\n%s", target, err, out)
					}
					return
				}
				g := startHeadlessOn(t, addr, filepath.Join(dir, "g.db"), filepath.Join(dir, "g.log"), nil, args...)
				answer := postOnce(addr)
				lines := waitLoopStopped(t, g, []string{"not forwarded: loop", "<-- [508] POST " + target + "/hook?n=1"}, g)
				if !strings.Contains(lines[0], "Gaff-Forwarded-By") {
					t.Errorf("the refusal does not say how the loop was seen: %q", lines[0])
				}
				first := senderAnswered(t, answer, mode)
				// The request and its copy that came back; nothing more comes.
				if st := storedStatuses(t, g); !slices.Equal(st, []int{first, http.StatusLoopDetected}) {
					t.Fatalf("captures answered %v, want [%d 508]", st, first)
				}
			})
		}
	}
}

// senderAnswered checks the answer the sender got, and returns it: gaff's
// own 200 in copy mode, the refused loop's 508 in proxy mode.
func senderAnswered(t *testing.T, answer <-chan *http.Response, mode string) int {
	t.Helper()
	resp := <-answer
	if resp == nil {
		t.Fatal("the sender got no answer")
	}
	want := map[string]int{"copy": 200, "proxy": http.StatusLoopDetected}[mode]
	if resp.StatusCode != want {
		t.Errorf("the sender was answered %d, want %d", resp.StatusCode, want)
	}
	return want
}

// Two gaffs that forward to each other (A → B → A) stop too: each forward
// adds its gaff's id to those the request already carries, and A refuses
// the copy that carries its own.
func TestForwardCycleOfTwoGaffsStops(t *testing.T) {
	for _, mode := range []string{"copy", "proxy"} {
		t.Run(mode, func(t *testing.T) {
			addrA, addrB := testkit.UnusedAddr(t), testkit.UnusedAddr(t)
			dir := t.TempDir()
			a := startHeadlessOn(t, addrA, filepath.Join(dir, "a.db"), filepath.Join(dir, "a.log"), nil,
				"--forward-to", "http://"+addrB, "--forward-mode", mode, "--timeout", "5s")
			b := startHeadlessOn(t, addrB, filepath.Join(dir, "b.db"), filepath.Join(dir, "b.log"), nil,
				"--forward-to", "http://"+addrA, "--forward-mode", mode, "--timeout", "5s")
			answer := postOnce(addrA)
			waitLoopStopped(t, a, []string{"not forwarded: loop"}, a, b)
			b.waitLine(t, "<-- [508] POST http://"+addrA+"/hook?n=1")
			// In proxy mode A's 508 comes back through B to the sender.
			first := senderAnswered(t, answer, mode)
			if sa, sb := storedStatuses(t, a), storedStatuses(t, b); !slices.Equal(sa, []int{first, 508}) || !slices.Equal(sb, []int{first}) {
				t.Fatalf("A answered %v, B answered %v; want [%d 508] and [%d]", sa, sb, first, first)
			}
		})
	}
}
