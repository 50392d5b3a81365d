package e2e

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ARCHITECTURE.md, "Promises and the measurements behind them": nothing
// acknowledged is lost. These tests hold the real binary to it when it is
// killed, stopped, or quit mid-flood.

// waitAcked waits until the flood has n acknowledgements. The bound catches
// a hang; it does not measure speed.
func waitAcked(t *testing.T, f *flood, n int64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for f.ackedN.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %s after 60s", f.summary())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitExit waits for the process and returns its exit error.
func waitExit(t *testing.T, cmd *exec.Cmd) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("gaff did not exit within 30s")
		return nil
	}
}

func TestSIGKILLLosesNothingAcknowledged(t *testing.T) {
	dir := t.TempDir()
	db, log := filepath.Join(dir, "g.db"), filepath.Join(dir, "g.log")
	g := startHeadlessAt(t, db, log)
	f := &flood{url: "http://" + g.addr, clients: 50, total: 10000, maxBody: 64 << 10, limit: time.Minute}
	done := make(chan struct{})
	go func() { f.run(t); close(done) }()
	waitAcked(t, f, 5000)
	f.end()
	g.cmd.Process.Signal(syscall.SIGKILL)
	<-done
	err := waitExit(t, g.cmd)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("gaff was not killed: %v", err)
	}
	t.Log(f.summary())

	// It starts again on the same file, recovering the WAL.
	g2 := startHeadlessAt(t, db, log)
	g2.cmd.Process.Signal(syscall.SIGTERM)
	if err := waitExit(t, g2.cmd); err != nil {
		t.Fatalf("restart on the crashed database: %v", err)
	}
	f.checkStored(t, db)
}

// SIGTERM stops gaff gracefully: requests in flight finish, the writer
// flushes, the exit status is 0, and every 2xx is stored.
func TestSIGTERMFinishesWhatIsInFlight(t *testing.T) {
	g := startHeadless(t)
	f := &flood{url: "http://" + g.addr, clients: 50, maxBody: 16 << 10, limit: time.Minute}
	done := make(chan struct{})
	go func() { f.run(t); close(done) }()
	waitAcked(t, f, 1000)
	f.end()
	g.cmd.Process.Signal(syscall.SIGTERM)
	err := waitExit(t, g.cmd)
	<-done
	if err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	t.Log(f.summary())
	f.checkAllAnswered200(t)
	f.checkStored(t, g.db)
}

// ctrl-c in the TUI, or SIGTERM, quits cleanly in the middle of a flood.
func TestTUIQuitsCleanlyMidFlood(t *testing.T) {
	for _, how := range []string{"ctrl-c", "SIGTERM"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			db, status := filepath.Join(dir, "g.db"), filepath.Join(dir, "status")
			// tmux runs the command line with sh, which records the exit status.
			s := startTUI(t, 80, 24, "--db", db, ";", "echo", "$?", ">", status)
			f := &flood{url: "http://" + s.addr, clients: 10, maxBody: 4 << 10, limit: time.Minute}
			done := make(chan struct{})
			go func() { f.run(t); close(done) }()
			waitAcked(t, f, 200)
			f.end()
			if how == "ctrl-c" {
				s.tmux("send-keys", "C-c")
			} else {
				// The shell's child is env, which became gaff.
				sh := strings.TrimSpace(s.tmux("display-message", "-p", "#{pane_pid}"))
				kids, err := os.ReadFile("/proc/" + sh + "/task/" + sh + "/children")
				pid, perr := strconv.Atoi(strings.TrimSpace(string(kids)))
				if err != nil || perr != nil {
					t.Skipf("cannot find gaff's pid under the shell %s: %v %v", sh, err, perr)
				}
				syscall.Kill(pid, syscall.SIGTERM)
			}
			deadline := time.Now().Add(20 * time.Second)
			for {
				b, err := os.ReadFile(status)
				if err == nil && strings.HasSuffix(string(b), "\n") {
					if got := strings.TrimSpace(string(b)); got != "0" {
						t.Fatalf("exit status %s after %s", got, how)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s did not quit:\n%s", how, s.screen())
				}
				time.Sleep(50 * time.Millisecond)
			}
			<-done
			t.Log(f.summary())
			f.checkAllAnswered200(t)
			f.checkStored(t, db)
		})
	}
}

// A stop that comes while gaff is still starting (its first log line is
// out, its listener not yet announced) is graceful too.
func TestSIGTERMWhileStartingIsGraceful(t *testing.T) {
	dir := t.TempDir()
	for i := range 5 {
		cmd := exec.Command(gaffBinary(t), "--headless", "--listen", "127.0.0.1:0", "--db", filepath.Join(dir, "g.db"), "--log", filepath.Join(dir, "g.log"))
		cmd.Env = append(os.Environ(), "NGROK_AUTHTOKEN=")
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		stderr.Read(make([]byte, 1))
		cmd.Process.Signal(syscall.SIGTERM)
		go io.Copy(io.Discard, stderr)
		if err := waitExit(t, cmd); err != nil {
			t.Fatalf("run %d: SIGTERM while starting: %v", i, err)
		}
	}
}
