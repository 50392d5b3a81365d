package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"gaff/storage"
)

// A capture taken just before a graceful stop is searchable afterwards:
// the stop indexes what is pending before it exits, and gaff list
// --search finds it. The indexer used to be cancelled with the run, and
// gaff list searched only what had been indexed.
func TestStopRightAfterACaptureIsSearchable(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	g := startHeadlessAt(t, db, db+".log")
	post(t, "http://"+g.addr+"/late", `{"fruit":"rambutan"}`)
	g.cmd.Process.Signal(syscall.SIGTERM)
	if err := waitExit(t, g.cmd); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}

	ro, err := storage.Open(db, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	lag, err := ro.IndexLag(context.Background())
	ro.Close()
	if err != nil || lag != 0 {
		t.Fatalf("the stop left %d captures unindexed (%v)", lag, err)
	}
	out, err := gaffCLI(t, "list", "--db", db, "--search", "rambutan")
	if err != nil || !strings.Contains(out, "/late") {
		t.Fatalf("gaff list --search after the stop: %v\n%s", err, out)
	}
}
