package e2e

import (
	"bufio"
	"bytes"
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

	"gaff/policy"
	"gaff/provider"
	"gaff/sanitize"
)

// Captures hold secrets and tokens: gaff keeps its files to their owner,
// never shows a secret whole, and its listener does nothing but capture.

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s is %o, want %o", path, got, want)
	}
}

// Even with a umask that lets everyone read, in data and state directories
// that are open to all, gaff's own directories, database (and its WAL) and
// log are its owner's alone.
func TestFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	data, state := filepath.Join(dir, "data"), filepath.Join(dir, "state")
	for _, d := range []string{data, state} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		os.Chmod(d, 0o755)
	}
	addr := testkit.UnusedAddr(t)
	cmd := exec.Command("sh", "-c", `umask 000; exec "$0" --headless --listen "$1"`, gaffBinary(t), addr)
	cmd.Env = append(os.Environ(), "NGROK_AUTHTOKEN=", "XDG_DATA_HOME="+data, "XDG_STATE_HOME="+state)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if line, _ := bufio.NewReader(stderr).ReadString('\n'); !strings.Contains(line, "listening") {
		t.Fatalf("stderr: %q", line)
	}
	go io.Copy(io.Discard, stderr)
	post(t, "http://"+addr+"/hook", `{"token":"t0ps3cret"}`)
	db := filepath.Join(data, "gaff", "gaff.db")
	// While it runs, the WAL and shared-memory files exist too.
	for _, p := range []string{db, db + "-wal", db + "-shm", filepath.Join(state, "gaff", "gaff.log")} {
		checkMode(t, p, 0o600)
	}
	checkMode(t, filepath.Join(data, "gaff"), 0o700)
	checkMode(t, filepath.Join(state, "gaff"), 0o700)
	cmd.Process.Signal(syscall.SIGTERM)
	if err := waitExit(t, cmd); err != nil {
		t.Fatal(err)
	}
	checkMode(t, db, 0o600)
}

func TestSecretsAreNeverShownWhole(t *testing.T) {
	const secret, password, saved = "It-is-a-Secret-to-Everybody-3f9a1c", "hunter2-Forward-Password", "Saved-In-Settings-zz9876"
	target, _ := recordingTarget(t, 200, "ok")
	s := startTUI(t, 120, 30, "--secret", "github="+secret, "--forward-to", strings.Replace(target, "http://", "http://bob:"+password+"@", 1))
	body := `{"zen":"Keep it logically awesome."}`
	sig, err := provider.Sign(provider.SchemeGitHub, provider.SignInput{Body: []byte(body), Secret: secret, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-H", "Content-Type: application/json", "-H", "X-GitHub-Event: ping", "-d", body}
	for _, h := range sig {
		args = append(args, "-H", h.Name+": "+h.Value)
	}
	curlPost(t, "http://"+s.addr+"/github", args...)
	s.waitFor("/github", "✓", "bob:xxxxx@")
	screens := []string{s.screen()}
	s.keys("Enter")
	screens = append(screens, s.waitFor("valid"))
	// The settings screen says a flag sets it; a secret saved there shows
	// masked, and is masked while it is typed.
	s.keys("Escape", "S")
	screens = append(screens, s.waitFor("GitHub secret", "set by --secret github (this run)"))
	s.keys("Enter")
	s.tmux("send-keys", "-l", saved)
	time.Sleep(200 * time.Millisecond)
	screens = append(screens, s.screen())
	s.keys("Enter")
	screens = append(screens, s.waitFor("GitHub secret", policy.Mask(saved), "--secret github applies over this"))
	s.keys("Escape", "q")
	deadline := time.Now().Add(10 * time.Second)
	for exec.Command("tmux", "-L", s.socket, "has-session").Run() == nil {
		if time.Now().After(deadline) {
			t.Fatal("q did not quit")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, args := range [][]string{{"list", "--json"}, {"show", "1", "--json"}, {"export", "--format", "curl"}, {"export", "--format", "har"}} {
		screens = append(screens, s.gaff(t, args...))
	}
	logb, err := os.ReadFile(filepath.Join(s.dir, "state", "gaff", "gaff.log"))
	if err != nil {
		t.Fatal(err)
	}
	screens = append(screens, string(logb))
	for i, scr := range screens {
		if strings.Contains(scr, secret) || strings.Contains(scr, secret[:12]) || strings.Contains(scr, password) || strings.Contains(scr, saved[:12]) {
			t.Errorf("a secret shows in output %d:\n%s", i, scr)
		}
	}
	// Secrets given as flags last for the run: they are not in the database
	// (the forward target is, credentials and all, for replay).
	if db, err := os.ReadFile(filepath.Join(s.dir, "data", "gaff", "gaff.db")); err != nil || bytes.Contains(db, []byte(secret)) {
		t.Errorf("the --secret is in the database (%v)", err)
	}
}

// The listener is for capture only: paths that would be a debug endpoint or
// an API elsewhere are captured like any other, and answer nothing else.
func TestListenerServesCaptureOnly(t *testing.T) {
	g := startHeadless(t)
	postOK(t, g.addr, "/canary?token=CANARY-7d1e")
	id := 1
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/goroutine?debug=2", "/debug/vars", "/metrics",
		"/api/requests", "/api/requests/1", "/requests", "/requests/1", "/_gaff", "/_gaff/requests", "/admin", "/favicon.ico", "/.env", "/../../etc/passwd"} {
		for _, method := range []string{"GET", "OPTIONS"} {
			req, _ := http.NewRequest(method, "http://"+g.addr+path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			id++
			if want := fmt.Sprintf("{\"ok\":true,\"gaff_id\":%d}\n", id); resp.StatusCode != 200 || string(b) != want {
				t.Errorf("%s %s: %d %q, want the capture answer %q", method, path, resp.StatusCode, b, want)
			}
			if bytes.Contains(b, []byte("CANARY")) {
				t.Errorf("%s %s leaks another capture: %q", method, path, b)
			}
		}
	}
	out, err := gaffCLI(t, "list", "--db", g.db)
	if err != nil || !strings.Contains(out, "/debug/pprof/heap") || !strings.Contains(out, "/_gaff/requests") {
		t.Fatalf("the probes were not stored: %v\n%s", err, out)
	}
}

// An error can quote a fixture file's bytes (a repository's fixtures are
// anyone's): gaff prints it through sanitize, as it prints everything
// else that came from outside.
func TestErrorsQuoteFilesAsText(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	// A header that is not a pair, holding a raw bidi override and a raw
	// 8-bit CSI: valid JSON, quoted back in the error.
	const fixture = `{"gaff_fixture":1,"method":"POST","target":"/h","headers":[%s],"body":"","body_encoding":"text"}`
	if err := os.WriteFile(good, fmt.Appendf(nil, fixture, `["A","b"]`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, fmt.Appendf(nil, fixture, "\"x\u202ey\u009b31m\""), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := gaffCLI(t, "diff", good, bad)
	if err == nil || !strings.Contains(out, "header 1") {
		t.Fatalf("gaff diff with a broken fixture: %v\n%s", err, out)
	}
	if i := sanitize.Unsafe(out, true); i >= 0 {
		t.Fatalf("%q reaches the terminal: %q", out[i:min(len(out), i+8)], out)
	}
}
