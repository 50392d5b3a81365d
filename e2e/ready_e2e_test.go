package e2e

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// readySignal is the line a CI script waits for on stderr.
type readySignal struct {
	Ready  bool   `json:"ready"`
	Local  string `json:"local"`
	Public string `json:"public"`
}

// startOnAnyPort runs gaff --headless on a port the OS picks, as a CI
// script would, and returns it once its ready line says where it listens;
// the script knows nothing else.
func startOnAnyPort(t *testing.T, db string) (local string, stdout *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(gaffBinary(t), "--headless", "--listen", "127.0.0.1:0", "--db", db,
		"--log", filepath.Join(t.TempDir(), "g.log"))
	cmd.Env = append(os.Environ(), "NGROK_AUTHTOKEN=")
	errPipe, _ := cmd.StderrPipe()
	outPipe, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(errPipe)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "{") {
			continue
		}
		var r readySignal
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil || !r.Ready || r.Public != "" {
			t.Fatalf("ready line %q: %v", sc.Text(), err)
		}
		go func() { // keep reading, so gaff never waits on stderr
			for sc.Scan() {
			}
		}()
		return r.Local, bufio.NewScanner(outPipe)
	}
	t.Fatalf("gaff ended without a ready line: %v", sc.Err())
	return "", nil
}

func TestHeadlessReadyLineBeforePosting(t *testing.T) {
	local, stdout := startOnAnyPort(t, filepath.Join(t.TempDir(), "g.db"))
	if !strings.HasPrefix(local, "http://127.0.0.1:") || strings.HasSuffix(local, ":0") {
		t.Fatalf("local %q", local)
	}
	resp, _ := post(t, local+"/ci", `{"from":"ci"}`)
	if resp.StatusCode != 200 || !stdout.Scan() || !strings.Contains(stdout.Text(), `"path":"/ci"`) {
		t.Fatalf("posted to %s: %d, printed %q", local, resp.StatusCode, stdout.Text())
	}
}
