package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gaff/internal/dblock"
	"gaff/storage"
)

// DESIGN.md § Promises: a capture gaff cannot store is answered 503, never
// 2xx, and the screen says why.

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

func TestFullDiskIsRefusedShownAndRecovered(t *testing.T) {
	t.Run("tmpfs", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("mounting a small tmpfs needs root; the page cap below covers the rest")
		}
		mnt := t.TempDir()
		if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=4m"); err != nil {
			t.Skipf("cannot mount a tmpfs here: %v", err)
		}
		// Registered first, so it runs after tmux (and gaff) are gone.
		t.Cleanup(func() { syscall.Unmount(mnt, syscall.MNT_DETACH) })
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
