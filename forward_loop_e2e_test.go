package main

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// waitLoopStopped waits until g reports that a capture came back to it and
// was not sent on. It fails as soon as the gaffs in all (g among them) have
// stored more than loopBound captures between them: a loop is stopped at
// once, not after seconds of flooding.
func waitLoopStopped(t *testing.T, g *headlessGaff, all ...*headlessGaff) string {
	t.Helper()
	deadline := time.After(15 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case line, ok := <-g.stderr:
			if !ok {
				t.Fatal("gaff exited")
			}
			if strings.Contains(line, "not forwarded: loop") {
				return line
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
			t.Fatal("no capture was refused as a loop")
		}
	}
}

// storedCaptures counts g's captures, read from its database.
func storedCaptures(t *testing.T, g *headlessGaff) int {
	t.Helper()
	out, err := gaffCLI(t, "list", "--json", "--limit", "1000", "--db", g.db)
	if err != nil {
		t.Fatalf("gaff list: %v\n%s", err, out)
	}
	return strings.Count(out, "\n")
}

// A --forward-to that reaches gaff itself, however it is spelled, never
// loops: a forward carries this gaff's id, and a capture that comes back
// with it is stored but not forwarded (copy mode) or answered 508 Loop
// Detected (proxy mode). Spellings that plainly name gaff's own address are
// refused at start instead.
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
				line := waitLoopStopped(t, g, g)
				if !strings.Contains(line, "Gaff-Forwarded-By") {
					t.Errorf("the refusal does not say how the loop was seen: %q", line)
				}
				resp := <-answer
				if resp == nil {
					t.Fatal("the sender got no answer")
				}
				if want := map[string]int{"copy": 200, "proxy": http.StatusLoopDetected}[mode]; resp.StatusCode != want {
					t.Errorf("the sender was answered %d, want %d", resp.StatusCode, want)
				}
				// The copy was stored before it was refused: nothing more comes.
				if n := storedCaptures(t, g); n != 2 {
					t.Fatalf("%d captures stored, want 2: the request and its copy that came back", n)
				}
			})
		}
	}
}

// Two gaffs that forward to each other (A → B → A) stop too: each forward
// adds its gaff's id to those the request already carries, and A refuses
// the copy that carries its own.
func TestForwardCycleOfTwoGaffsStops(t *testing.T) {
	for _, mode := range []string{"copy", "proxy"} {
		t.Run(mode, func(t *testing.T) {
			addrA, addrB := freePort(t), freePort(t)
			dir := t.TempDir()
			a := startHeadlessOn(t, addrA, filepath.Join(dir, "a.db"), filepath.Join(dir, "a.log"), nil,
				"--forward-to", "http://"+addrB, "--forward-mode", mode, "--timeout", "5s")
			b := startHeadlessOn(t, addrB, filepath.Join(dir, "b.db"), filepath.Join(dir, "b.log"), nil,
				"--forward-to", "http://"+addrA, "--forward-mode", mode, "--timeout", "5s")
			answer := postOnce(addrA)
			waitLoopStopped(t, a, a, b)
			resp := <-answer
			if resp == nil {
				t.Fatal("the sender got no answer")
			}
			// In proxy mode A's 508 comes back through B to the sender.
			if want := map[string]int{"copy": 200, "proxy": http.StatusLoopDetected}[mode]; resp.StatusCode != want {
				t.Errorf("the sender was answered %d, want %d", resp.StatusCode, want)
			}
			if na, nb := storedCaptures(t, a), storedCaptures(t, b); na != 2 || nb != 1 {
				t.Fatalf("A stored %d, B stored %d; want 2 and 1", na, nb)
			}
		})
	}
}
