package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gaff/internal/testkit"
)

// The end-to-end tests run the real binary: in tmux for the TUI, as a
// child process for --headless and the subcommands.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func gaffBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gaff-e2e-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "gaff")
		// The module's root package, from wherever the tests run.
		out, err := exec.Command("go", "build", "-o", binPath, "gaff").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// gaffCLI runs gaff with args as they are, in the test's environment.
func gaffCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(gaffBinary(t), args...).CombinedOutput()
	return string(out), err
}

// gaffIn runs gaff with its files in dir: the database dir/g.db, the XDG
// directories and the log below dir, no ngrok, stdin as its input. gaff
// with flags alone runs --headless on a free port. The bound only stops a
// gaff that runs on when it should have ended.
func gaffIn(t *testing.T, dir, stdin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gaffBinary(t), append(args, "--db", filepath.Join(dir, "g.db"))...)
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		cmd.Args = append(cmd.Args, "--headless", "--listen", "127.0.0.1:0", "--log", filepath.Join(dir, "g.log"))
	}
	cmd.Env = append(os.Environ(), "NGROK_AUTHTOKEN=", "XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_STATE_HOME="+filepath.Join(dir, "state"))
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// tmuxSession runs gaff in its own tmux server so tests never touch the
// user's sessions.
type tmuxSession struct {
	t      *testing.T
	socket string
	addr   string
	env    []string
	dir    string
}

func startTUI(t *testing.T, w, h int, args ...string) *tmuxSession {
	t.Helper()
	return startTUIEnv(t, w, h, []string{"NGROK_AUTHTOKEN="}, args...)
}

func startTUIEnv(t *testing.T, w, h int, env []string, args ...string) *tmuxSession {
	t.Helper()
	testkit.RequireTool(t, "tmux")
	bin := gaffBinary(t)
	dir := t.TempDir()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("gaff-test-%d-%d", os.Getpid(), time.Now().UnixNano()), addr: testkit.UnusedAddr(t), dir: dir}
	s.env = append([]string{"XDG_DATA_HOME=" + filepath.Join(dir, "data"), "XDG_STATE_HOME=" + filepath.Join(dir, "state")}, env...)
	cmdline := fmt.Sprintf("env %s TERM=xterm-256color %s --listen %s %s", strings.Join(s.env, " "), bin, s.addr, strings.Join(args, " "))
	s.tmux("new-session", "-d", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), cmdline)
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.waitFor("requests")
	return s
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p") }

// waitFor polls the screen until every part shows. The bound is generous:
// it catches a hang, it does not measure speed.
func (s *tmuxSession) waitFor(parts ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		scr := s.screen()
		missing := ""
		for _, p := range parts {
			if !strings.Contains(scr, p) {
				missing = p
				break
			}
		}
		if missing == "" {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q:\n%s", missing, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// keys sends one key at a time: tmux would otherwise deliver "esc k" as
// alt+k.
func (s *tmuxSession) keys(keys ...string) {
	for _, k := range keys {
		s.tmux("send-keys", k)
		time.Sleep(120 * time.Millisecond)
	}
}

const pushBody = `{"ref":"refs/heads/main","repository":{"full_name":"octo/hello-world","private":false},"pusher":{"name":"octo"},"commits":[{"id":"0d1a26e6","message":"Fix the widget"}]}`

func curlPost(t *testing.T, url string, args ...string) string {
	t.Helper()
	testkit.RequireTool(t, "curl")
	out, err := exec.Command("curl", append([]string{"-sS", "--max-time", "10", url}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("curl: %v\n%s", err, out)
	}
	return string(out)
}

func TestTUIShowsAWebhookLive(t *testing.T) {
	s := startTUI(t, 80, 24)
	s.waitFor("Waiting for the first webhook", "http://"+s.addr)
	title := s.tmux("display-message", "-p", "#{pane_title}")

	out := curlPost(t, "http://"+s.addr+"/hooks/github", "-H", "Content-Type: application/json",
		"-H", "X-GitHub-Event: push", "-H", "X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958", "-d", pushBody)
	if !strings.Contains(out, `"gaff_id":1`) {
		t.Fatalf("answer %q", out)
	}
	s.waitFor("POST   /hooks/github", "1 request")

	s.keys("Enter")
	s.waitFor("[body JSON]", `"full_name": "octo/hello-world"`)
	s.keys("Tab")
	s.waitFor("X-GitHub-Event: push")

	// A hostile request must not change the terminal.
	raw(t, s.addr, "POST /evil?\x1b]0;pwned\x07 HTTP/1.1\r\nHost: x\r\nX-T: \x1b]2;owned\x07\x1b[2J\r\nContent-Length: 15\r\n\r\n\x1b]52;c;aGk=\x07!!")
	s.keys("Escape")
	s.waitFor("POST   /evil")
	s.keys("k")
	s.keys("Enter")
	s.waitFor(`X-T: \e]2;owned\x07\e[2J`)
	if got := s.tmux("display-message", "-p", "#{pane_title}"); got != title {
		t.Fatalf("pane title changed from %q to %q", title, got)
	}

	s.keys("q")
	deadline := time.Now().Add(10 * time.Second)
	for exec.Command("tmux", "-L", s.socket, "has-session").Run() == nil {
		if time.Now().After(deadline) {
			t.Fatal("q did not quit")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// What was shown is what was stored: read it back with the CLI.
	show := s.gaff(t, "show", "1", "--json")
	var got struct {
		Body    string              `json:"body"`
		Headers map[string][]string `json:"headers"`
	}
	if err := json.Unmarshal([]byte(show), &got); err != nil || got.Body != pushBody || got.Headers["X-GitHub-Event"][0] != "push" {
		t.Fatalf("gaff show: %v\n%s", err, show)
	}
}

func (s *tmuxSession) gaff(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(gaffBinary(t), args...)
	cmd.Env = append(os.Environ(), s.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("gaff %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// raw sends exact bytes, which curl would refuse to.
func raw(t *testing.T, addr, wire string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, wire)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestTUIWideLayout(t *testing.T) {
	s := startTUI(t, 200, 50)
	curlPost(t, "http://"+s.addr+"/stripe", "-H", "Content-Type: application/json", "-H", "Stripe-Signature: t=1,v1=00",
		"-d", `{"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{"object":{"amount":2000}}}`)
	head := make([]byte, 64)
	for i := range head {
		head[i] = byte(i)
	}
	os.WriteFile(filepath.Join(s.dir, "bin"), head, 0o600)
	curlPost(t, "http://"+s.addr+"/upload", "-H", "Content-Type: application/octet-stream", "--data-binary", "@"+filepath.Join(s.dir, "bin"))
	// Side by side: the list and the newest request's body at once.
	s.waitFor("POST   /upload", "POST   /stripe", "[body binary]", "00000000  00 01 02 03")
	s.keys("j")
	s.waitFor(`"type": "payment_intent.succeeded"`)
	s.tmux("resize-window", "-x", "80", "-y", "24")
	s.waitFor("POST   /stripe")
}

func TestHeadlessPrintsJSONLines(t *testing.T) {
	testkit.RequireTool(t, "curl")
	dir := t.TempDir()
	addr := testkit.UnusedAddr(t)
	cmd := exec.Command(gaffBinary(t), "--headless", "--listen", addr, "--db", filepath.Join(dir, "g.db"), "--log", filepath.Join(dir, "g.log"))
	cmd.Env = append(os.Environ(), "NGROK_AUTHTOKEN=")
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// The first stderr line says where it listens: wait for it.
	errLine, _ := bufio.NewReader(stderr).ReadString('\n')
	if !strings.Contains(errLine, addr) {
		t.Fatalf("stderr: %q", errLine)
	}
	curlPost(t, "http://"+addr+"/hooks/a?x=1", "-H", "Content-Type: application/json", "-d", pushBody)
	curlPost(t, "http://"+addr+"/hooks/b", "--data-binary", "\xff\xfe")
	sc := bufio.NewScanner(stdout)
	var objs []map[string]any
	for len(objs) < 2 && sc.Scan() {
		var o map[string]any
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("not JSON: %q", sc.Text())
		}
		objs = append(objs, o)
	}
	if len(objs) != 2 || objs[0]["path"] != "/hooks/a" || objs[0]["query"] != "x=1" || objs[0]["body"] != pushBody {
		t.Fatalf("first object %v", objs)
	}
	if objs[1]["body_base64"] != "//4=" || objs[1]["body"] != nil {
		t.Fatalf("binary object %v", objs[1])
	}
	for _, k := range []string{"id", "time", "method", "headers", "size", "truncated", "provider", "signature", "handshake"} {
		if _, ok := objs[0][k]; !ok {
			t.Errorf("missing %q in %v", k, objs[0])
		}
	}
	// gaff list works while this gaff is capturing into the same file.
	out, err := exec.Command(gaffBinary(t), "list", "--db", filepath.Join(dir, "g.db")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "/hooks/a?x=1") || !strings.Contains(string(out), "/hooks/b") {
		t.Fatalf("gaff list beside a running gaff: %v\n%s", err, out)
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("interrupt did not exit cleanly: %v", err)
	}
}

func TestCLIErrorsAreClear(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "junk.db")
	os.WriteFile(bad, []byte("this is not a database at all, not even close........"), 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "--db", bad}, "not an SQLite database"},
		{[]string{"list", "--db", filepath.Join(dir, "missing.db")}, "no database at"},
		{[]string{"show", "abc", "--db", bad}, "not a request id"},
		{[]string{"--db", bad, "--headless"}, "not an SQLite database"},
	} {
		out, err := exec.Command(gaffBinary(t), c.args...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), c.want) {
			t.Errorf("gaff %v: err=%v out=%q, want %q", c.args, err, out, c.want)
		}
	}
}

// With a token but no route to ngrok (this machine has none), gaff must say
// it is connecting, then that ngrok failed and why, while the local URL
// captures throughout.
func TestTUINgrokUnreachableKeepsCapturing(t *testing.T) {
	s := startTUIEnv(t, 80, 24, []string{"NGROK_AUTHTOKEN=2bogusTokenForTests_abcdefghijklmnop"}, "--tunnel", "ngrok")
	curlPost(t, "http://"+s.addr+"/while-connecting", "-d", "x")
	s.waitFor("/while-connecting")
	// The SDK's bounded connect (15 s) ends in a failure with a reason.
	deadline := time.Now().Add(40 * time.Second)
	for !strings.Contains(s.screen(), "ngrok failed") {
		if time.Now().After(deadline) {
			t.Fatalf("ngrok never reported failure:\n%s", s.screen())
		}
		time.Sleep(200 * time.Millisecond)
	}
	scr := s.waitFor("The local URL still works", "http://"+s.addr)
	if strings.Contains(scr, "2bogusTokenForTests") {
		t.Fatalf("the token is on screen:\n%s", scr)
	}
	curlPost(t, "http://"+s.addr+"/after-failure", "-d", "y")
	s.waitFor("/after-failure", "2 requests")
	logb, _ := os.ReadFile(filepath.Join(s.dir, "state", "gaff", "gaff.log"))
	if strings.Contains(string(logb), "2bogusTokenForTests") {
		t.Fatal("the token was written to the log")
	}
}

func TestRetentionKeepsTheNewest(t *testing.T) {
	testkit.RequireTool(t, "curl")
	dir := t.TempDir()
	addr := testkit.UnusedAddr(t)
	db := filepath.Join(dir, "g.db")
	cmd := exec.Command(gaffBinary(t), "--headless", "--listen", addr, "--db", db, "--log", filepath.Join(dir, "g.log"), "--keep", "3")
	cmd.Env = append(os.Environ(), "NGROK_AUTHTOKEN=")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	bufio.NewReader(stderr).ReadString('\n')
	for i := 1; i <= 5; i++ {
		curlPost(t, fmt.Sprintf("http://%s/n/%d", addr, i), "-d", "x")
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, _ := exec.Command(gaffBinary(t), "list", "--db", db).CombinedOutput()
		if strings.Count(string(out), "/n/") == 3 && strings.Contains(string(out), "/n/5") && !strings.Contains(string(out), "/n/2") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("--keep 3 never pruned to the 3 newest:\n%s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Search sees the kept rows once indexed, and not the pruned ones.
	for {
		out, _ := exec.Command(gaffBinary(t), "list", "--db", db, "--search", "path:/n/*").CombinedOutput()
		if strings.Count(string(out), "/n/") == 3 && !strings.Contains(string(out), "not indexed") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("search after retention:\n%s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	out, err := exec.Command(gaffBinary(t), "list", "--db", db, "--search", "status:abc").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "status:4xx") {
		t.Fatalf("a malformed search: %v %s", err, out)
	}
}

// r in the real binary: asks for the handler's URL once, replays, shows the
// handler's answer; the deliveries tab keeps it.
func TestTUIReplayToAHandler(t *testing.T) {
	got := make(chan string, 4)
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r.Method + " " + r.URL.String() + " " + string(b)
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"handled":"yes"}`)
	}))
	defer handler.Close()
	s := startTUI(t, 100, 30)
	curlPost(t, "http://"+s.addr+"/hooks/github?x=1", "-H", "Content-Type: application/json", "-d", pushBody)
	s.waitFor("/hooks/github")
	s.keys("r")
	s.waitFor("your handler's base URL")
	s.keys("C-u")
	s.tmux("send-keys", "-l", handler.URL)
	s.keys("Enter")
	if g := <-got; g != "POST /hooks/github?x=1 "+pushBody {
		t.Fatalf("the handler got %q", g)
	}
	s.waitFor("replayed #1 POST /hooks/github → 202")
	s.keys("Enter", "BTab")
	s.waitFor("[deliveries 1]", `{"handled":"yes"}`)
}
