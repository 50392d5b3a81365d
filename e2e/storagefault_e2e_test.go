package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"gaff/internal/dblock"
	"gaff/storage"
)

// ARCHITECTURE.md, "Promises and the measurements behind them": a capture
// gaff cannot store is answered 503, never 2xx, and the screen says why.

// postUntil503 posts 64 KiB bodies until gaff refuses one, and returns that
// answer. Every earlier one must have been a 200.
func postUntil503(t *testing.T, addr string) (*http.Response, string) {
	t.Helper()
	body := make([]byte, 64<<10)
	for i := 0; i < 1000; i++ {
		rand.Read(body)
		resp, err := http.Post("http://"+addr+"/fill", "application/octet-stream", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case 200:
			continue
		case 503:
			return resp, string(b)
		}
		t.Fatalf("answered %d %q while filling the disk", resp.StatusCode, b)
	}
	t.Fatal("the disk never filled")
	return nil, ""
}

func postOK(t *testing.T, addr, path string) {
	t.Helper()
	resp, answer := post(t, "http://"+addr+path, `{"after":"full"}`)
	if resp.StatusCode != 200 || !strings.Contains(answer, "gaff_id") {
		t.Fatalf("after space returned: %d %q", resp.StatusCode, answer)
	}
}

// fullDisk fills gaff's disk, checks the 503 and the screen, frees space
// and checks that capture resumes and the warning goes.
func fullDisk(t *testing.T, s *tmuxSession, free func()) {
	resp, answer := postUntil503(t, s.addr)
	if resp.Header.Get("Retry-After") == "" || !strings.Contains(answer, "disk is full") {
		t.Fatalf("503 without Retry-After or reason: %v %q", resp.Header, answer)
	}
	s.waitFor("⚠ not storing", "the disk is full", "(senders get 503)")
	// Still full: still refused.
	if resp, _ := post(t, "http://"+s.addr+"/still-full", strings.Repeat("x", 64<<10)); resp.StatusCode != 503 {
		t.Fatalf("a capture while the disk is full was answered %d", resp.StatusCode)
	}
	free()
	postOK(t, s.addr, "/after-full")
	s.waitScreen(t, "the warning gone", func(scr string) bool { return !strings.Contains(scr, "not storing") })
	s.waitFor("/after-full")
}

// smallDisk mounts a tmpfs of size (mount's syntax) and unmounts it when
// the test ends; without root it skips, saying what covers the case.
func smallDisk(t *testing.T, size, otherwise string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root; " + otherwise)
	}
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(mnt, syscall.MNT_DETACH) })
	return mnt
}

func TestFullDiskIsRefusedShownAndRecovered(t *testing.T) {
	t.Run("tmpfs", func(t *testing.T) {
		// Mounted first, so it is unmounted after tmux (and gaff) are gone.
		mnt := smallDisk(t, "4m", "the page cap below covers the rest")
		filler := filepath.Join(mnt, "filler")
		if err := os.WriteFile(filler, make([]byte, 1<<20), 0o600); err != nil {
			t.Fatal(err)
		}
		s := startTUI(t, 80, 24, "--db", filepath.Join(mnt, "g.db"))
		fullDisk(t, s, func() { os.Remove(filler) })
	})
	t.Run("page cap", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "g.db")
		s := startTUI(t, 80, 24, "--db", db, "--max-db-pages", "300")
		fullDisk(t, s, func() {
			// Another program deletes captures; the freed pages take new ones.
			other, err := storage.Open(db, storage.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			for id := int64(1); id <= 10; id++ {
				if err := other.DeleteRequest(context.Background(), id); err != nil {
					t.Fatal(err)
				}
			}
		})
	})
}

func TestLockedDatabaseIsABoundedWaitThenAClearRefusal(t *testing.T) {
	g := startHeadless(t)
	postOK(t, g.addr, "/before-lock")
	release, err := dblock.Hold(g.db)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	// gaff waits its busy timeout (5 s), then refuses with the reason.
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Post("http://"+g.addr+"/while-locked", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatalf("no answer while the database was locked: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "locked by another program") {
		t.Fatalf("while locked: %d %v %q", resp.StatusCode, resp.Header, b)
	}
	g.waitLine(t, "locked by another program")
	// Readers are not blocked by a writer's lock.
	if out, err := gaffCLI(t, "list", "--db", g.db); err != nil || !strings.Contains(out, "/before-lock") {
		t.Fatalf("gaff list while locked: %v\n%s", err, out)
	}
	release()
	postOK(t, g.addr, "/after-lock")
}

// A damaged database stops gaff with an explanation and is left exactly as
// it was, for the user to rescue.
func TestCorruptDatabaseIsRefusedAndUntouched(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	d, err := storage.Open(good, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		d.InsertRequest(context.Background(), &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/x"}, Body: bytes.Repeat([]byte("b"), 10000)})
	}
	d.Close()
	img, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// The schema lives on page 1, after the 100-byte file header.
	schema := bytes.Clone(img)
	copy(schema[100:4096], bytes.Repeat([]byte{0xa5}, 4096))
	for name, content := range map[string][]byte{
		"junk":            []byte("this is not a database at all, not even close........"),
		"damaged schema":  schema,
		"cut in half":     img[:len(img)/2],
		"sqlite header 0": append([]byte("SQLite format 3\x00"), make([]byte, 4096)...),
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".db")
		os.WriteFile(path, content, 0o600)
		for _, args := range [][]string{{"--headless", "--listen", "127.0.0.1:0", "--log", filepath.Join(dir, "g.log")}, {"list"}} {
			out, err := gaffCLI(t, append(args, "--db", path)...)
			if err == nil || !strings.Contains(out, "cannot open "+path) || !strings.Contains(out, "move it aside or pick another with --db") {
				t.Errorf("%s, gaff %s: %v\n%s", name, args[0], err, out)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
				t.Errorf("%s, gaff %s: the file was changed", name, args[0])
			}
		}
	}
}

// rawCode is how SQLite's result codes showed through: "disk I/O error
// (4874)", "attempt to write a readonly database (1544)".
var rawCode = regexp.MustCompile(`\(\d+\)`)

func seedCapture(t *testing.T, db, target string) {
	t.Helper()
	d, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.InsertRequest(context.Background(), &storage.Request{Summary: storage.Summary{Method: "POST", Target: target}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}

// refusedInWords runs a command that must fail, saying want and no code.
func refusedInWords(t *testing.T, cmd *exec.Cmd, want string) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), want) || rawCode.Match(out) {
		t.Errorf("%v: %v\n%s\nwant %q in words, without SQLite's code", cmd.Args[1:], err, out, want)
	}
}

// listsAnyway runs `gaff list`, which only reads and so must work where
// gaff cannot write.
func listsAnyway(t *testing.T, cmd *exec.Cmd, want string) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), want) {
		t.Errorf("%v: %v\n%s\nwant the capture %s listed", cmd.Args[1:], err, out, want)
	}
}

// A full disk and a read-only directory are told in words, and a reader
// that needs to write nothing reads anyway.
func TestStorageFaultsAreSaidInWords(t *testing.T) {
	t.Run("full disk", func(t *testing.T) {
		mnt := smallDisk(t, "1m", "a page cap does not make SQLite's I/O errors")
		db := filepath.Join(mnt, "g.db")
		seedCapture(t, db, "/before-full")
		// Fill every block; the write fails once the disk is full.
		os.WriteFile(filepath.Join(mnt, "filler"), make([]byte, 2<<20), 0o600)
		bin := gaffBinary(t)
		refusedInWords(t, exec.Command(bin, "--headless", "--listen", "127.0.0.1:0", "--db", db, "--log", filepath.Join(t.TempDir(), "g.log")),
			"cannot open "+db+": the disk is full")
		listsAnyway(t, exec.Command(bin, "list", "--db", db), "/before-full")
	})
	t.Run("read-only directory", func(t *testing.T) {
		base, err := os.MkdirTemp("", "gaff-rodir")
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(base, "data")
		t.Cleanup(func() { os.Chmod(dir, 0o700); os.RemoveAll(base) })
		db := filepath.Join(dir, "g.db")
		seedCapture(t, db, "/before-readonly")
		bin := gaffBinary(t)
		attr := &syscall.SysProcAttr{}
		if os.Geteuid() == 0 {
			// Root writes anywhere: gaff runs as nobody, who owns the files.
			bin = filepath.Join(base, "gaff")
			if err := copyFile(gaffBinary(t), bin, 0o755); err != nil {
				t.Fatal(err)
			}
			attr.Credential = &syscall.Credential{Uid: 65534, Gid: 65534}
			for _, p := range []string{base, dir, db, bin} {
				if err := os.Chown(p, 65534, 65534); err != nil {
					t.Fatal(err)
				}
			}
			os.Chmod(base, 0o755)
		}
		os.Chmod(dir, 0o500)
		gaff := func(args ...string) *exec.Cmd {
			cmd := exec.Command(bin, args...)
			cmd.SysProcAttr = attr
			return cmd
		}
		refusedInWords(t, gaff("--headless", "--listen", "127.0.0.1:0", "--db", db, "--log", filepath.Join(base, "g.log")),
			"cannot open "+db+": the database's directory is read-only: "+dir+" must be writable")
		listsAnyway(t, gaff("list", "--db", db), "/before-readonly")
	})
}

func copyFile(from, to string, mode os.FileMode) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, mode)
}
