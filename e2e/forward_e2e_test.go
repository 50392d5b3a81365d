package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gaff/internal/testkit"

	"gaff/provider"
)

// headlessGaff is a gaff --headless child process.
type headlessGaff struct {
	addr, db string
	stderr   chan string
	cmd      *exec.Cmd
	captured lineCounter // JSON lines on stdout: one per capture
}

// lineCounter counts the lines written to it.
type lineCounter struct{ n atomic.Int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n.Add(int64(bytes.Count(p, []byte("\n"))))
	return len(p), nil
}

func startHeadless(t *testing.T, args ...string) *headlessGaff {
	t.Helper()
	dir := t.TempDir()
	return startHeadlessAt(t, filepath.Join(dir, "g.db"), filepath.Join(dir, "g.log"), args...)
}

// startHeadlessAt runs gaff --headless on a database and log of the
// caller's choosing, so a test can start it again on the same file.
func startHeadlessAt(t *testing.T, db, log string, args ...string) *headlessGaff {
	t.Helper()
	return startHeadlessOn(t, testkit.UnusedAddr(t), db, log, nil, args...)
}

// startHeadlessOn runs gaff --headless listening on addr, for tests that
// must know the address before gaff starts. Its stdout goes to out, or,
// when out is nil, is counted in captured.
func startHeadlessOn(t *testing.T, addr, db, log string, out io.Writer, args ...string) *headlessGaff {
	t.Helper()
	g := &headlessGaff{addr: addr, db: db, stderr: make(chan string, 1000)}
	g.cmd = exec.Command(gaffBinary(t), append([]string{"--headless", "--listen", g.addr, "--db", g.db, "--log", log}, args...)...)
	g.cmd.Env = append(os.Environ(), "NGROK_AUTHTOKEN=")
	g.cmd.Stdout = out
	if out == nil {
		g.cmd.Stdout = &g.captured
	}
	errPipe, _ := g.cmd.StderrPipe()
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.cmd.Process.Kill(); g.cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			select {
			case g.stderr <- sc.Text():
			default: // nobody is reading: gaff must never block on stderr
			}
		}
		close(g.stderr)
	}()
	g.waitLine(t, "listening on http://"+g.addr)
	return g
}

// waitLine reads stderr until a line contains want. The bound catches a
// hang; it does not measure speed.
func (g *headlessGaff) waitLine(t *testing.T, want string) string {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case line, ok := <-g.stderr:
			if !ok {
				t.Fatalf("gaff exited before printing %q", want)
			}
			if strings.Contains(line, want) {
				return line
			}
		case <-deadline:
			t.Fatalf("no stderr line with %q", want)
		}
	}
}

func post(t *testing.T, url, body string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// recordingTarget is the user's local server, answering status and text.
func recordingTarget(t *testing.T, status int, answer string) (string, *testkit.Recorder) {
	rec := testkit.NewRecorder(t, answer, "X-From", "handler")
	rec.Status(status)
	return rec.URL, rec
}

func TestForwardReplayExportEndToEnd(t *testing.T) {
	target, got := recordingTarget(t, 200, "hello from the handler")
	g := startHeadless(t, "--forward-to", target+"/base")

	resp, answer := post(t, "http://"+g.addr+"/hook?x=1", `{"n":1}`)
	if resp.StatusCode != 200 || !strings.Contains(answer, `"gaff_id":1`) {
		t.Fatalf("copy mode: the sender must get gaff's answer, got %d %q", resp.StatusCode, answer)
	}
	if r, body := got.Next(t); r.Method != "POST" || r.RequestURI != "/base/hook?x=1" || string(body) != `{"n":1}` {
		t.Fatalf("the target got %s %s %q", r.Method, r.RequestURI, body)
	}
	line := g.waitLine(t, "<-- [200] POST "+target+"/base/hook?x=1 (")
	if !strings.HasSuffix(line, "ms)") {
		t.Fatalf("line %q", line)
	}

	// Beside the running gaff: replay to the remembered target, then to a
	// dead one.
	out, err := gaffCLI(t, "replay", "1", "--db", g.db)
	if err != nil || !strings.Contains(out, "<-- [200] POST "+target+"/base/hook?x=1") || !strings.Contains(out, "X-From: handler") ||
		!strings.Contains(out, "hello from the handler") {
		t.Fatalf("gaff replay: %v\n%s", err, out)
	}
	got.Next(t)
	out, err = gaffCLI(t, "replay", "1", "--db", g.db, "--to", target+"/other")
	if err != nil || !strings.Contains(out, "<-- [200] POST "+target+"/other/hook?x=1") {
		t.Fatalf("gaff replay --to: %v\n%s", err, out)
	}
	got.Next(t)
	dead := "http://" + testkit.UnusedAddr(t)
	out, err = gaffCLI(t, "replay", "1", "--db", g.db, "--to", dead, "--timeout", "5s")
	if err == nil || !strings.Contains(out, "<-- [error] POST "+dead+"/hook?x=1: connection refused") || !strings.Contains(out, "stored as delivery") {
		t.Fatalf("replay to a dead target must fail clearly: %v\n%s", err, out)
	}
	out, err = gaffCLI(t, "replay", "1", "--db", g.db, "--resign")
	if err == nil || !strings.Contains(out, "does not know which provider") {
		t.Fatalf("--resign of an unsigned capture: %v\n%s", err, out)
	}
	failing, _ := recordingTarget(t, 500, "boom: nil pointer")
	out, err = gaffCLI(t, "replay", "1", "--db", g.db, "--to", failing)
	if err == nil || !strings.Contains(out, "<-- [500] POST "+failing+"/hook?x=1") || !strings.Contains(out, "boom: nil pointer") ||
		!strings.Contains(out, "the target answered 500") {
		t.Fatalf("replay to a failing handler: %v\n%s", err, out)
	}

	// A Stripe event signed long ago, re-signed so the handler accepts it now.
	body := `{"id":"evt_1","object":"event"}`
	old := time.Unix(1_700_000_000, 0)
	sig, _ := provider.Sign(provider.SchemeStripe, provider.SignInput{Body: []byte(body), Secret: "whsec_e2e", Now: old})
	req, _ := http.NewRequest("POST", "http://"+g.addr+"/stripe", strings.NewReader(body))
	req.Header.Set(sig[0].Name, sig[0].Value)
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	got.Next(t) // its forward
	out, err = gaffCLI(t, "replay", "2", "--db", g.db, "--to", target, "--resign", "--secret", "stripe=whsec_e2e")
	if err != nil {
		t.Fatalf("replay --resign: %v\n%s", err, out)
	}
	r, b := got.Next(t)
	pr := &provider.Request{Method: "POST", URL: target + r.RequestURI, Header: r.Header, Body: b}
	if v := provider.Verify(provider.Stripe, "whsec_e2e", pr, time.Now()); v.Result != provider.Valid || string(b) != body {
		t.Fatalf("re-signed replay arrived %s (%s): %v", v.Result, v.Reason, r.Header)
	}

	out, err = gaffCLI(t, "export", "--format", "har", "--db", g.db)
	var har struct {
		Log struct {
			Version string `json:"version"`
			Entries []struct {
				Request struct {
					Method, URL string
				} `json:"request"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err != nil || json.Unmarshal([]byte(out), &har) != nil || har.Log.Version != "1.2" || len(har.Log.Entries) != 2 ||
		har.Log.Entries[0].Request.URL != "http://"+g.addr+"/hook?x=1" {
		t.Fatalf("gaff export --format har: %v\n%s", err, out)
	}
	out, err = gaffCLI(t, "export", "--db", g.db, "1")
	if err != nil || !strings.HasPrefix(out, `{"id":1,`) {
		t.Fatalf("gaff export (jsonl): %v\n%s", err, out)
	}
	if out, err = gaffCLI(t, "export", "--format", "xml", "--db", g.db); err == nil || !strings.Contains(out, "use har, curl or jsonl") {
		t.Fatalf("unknown format: %v\n%s", err, out)
	}

	g.cmd.Process.Signal(os.Interrupt)
	if err := g.cmd.Wait(); err != nil {
		t.Fatalf("interrupt did not exit cleanly: %v", err)
	}
}

// In proxy mode the sender gets the handler's answer, and gaff's own when
// the handler is down.
func TestForwardProxyModeEndToEnd(t *testing.T) {
	target, got := recordingTarget(t, 201, "created by the handler")
	g := startHeadless(t, "--forward-to", target, "--forward-mode", "proxy", "--timeout", "5s")
	resp, answer := post(t, "http://"+g.addr+"/hook", `{}`)
	if resp.StatusCode != 201 || answer != "created by the handler" || resp.Header.Get("X-From") != "handler" {
		t.Fatalf("proxy mode answered %d %q %v", resp.StatusCode, answer, resp.Header)
	}
	got.Next(t)
	g.waitLine(t, "<-- [201] POST "+target+"/hook (")
	if out, _ := gaffCLI(t, "list", "--db", g.db); !strings.Contains(out, " 201 ") {
		t.Fatalf("the capture should record the relayed status:\n%s", out)
	}

	// The handler down: 502 and why, so the provider retries; the
	// capture is stored all the same.
	dead := "http://" + testkit.UnusedAddr(t)
	g2 := startHeadless(t, "--forward-to", dead, "--forward-mode", "proxy")
	resp, answer = post(t, "http://"+g2.addr+"/hook", `{}`)
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(answer, "connection refused") || !strings.Contains(answer, "#1") {
		t.Fatalf("with the handler down the sender must get 502 and why: %d %q", resp.StatusCode, answer)
	}
	g2.waitLine(t, "<-- [error] POST "+dead+"/hook: connection refused")
	if out, _ := gaffCLI(t, "list", "--db", g2.db); !strings.Contains(out, " 502 ") || !strings.Contains(out, "/hook") {
		t.Fatalf("the capture should be stored with the 502 it got:\n%s", out)
	}

	// The handler too slow: 502 once --timeout passes.
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(hang) })
	g3 := startHeadless(t, "--forward-to", slow.URL, "--forward-mode", "proxy", "--timeout", "1s")
	resp, answer = post(t, "http://"+g3.addr+"/hook", `{}`)
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(answer, "gaff") {
		t.Fatalf("with the handler too slow the sender must get 502 and why: %d %q", resp.StatusCode, answer)
	}

	if out, err := gaffCLI(t, "--forward-mode", "proxy", "--headless", "--db", filepath.Join(t.TempDir(), "x.db")); err == nil ||
		!strings.Contains(out, "--forward-mode proxy needs --forward-to") {
		t.Fatalf("proxy without a target: %v\n%s", err, out)
	}
}
