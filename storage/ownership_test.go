package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fileState is what a refused open must leave exactly as it found: the
// bytes, the mode, and no SQLite side files.
type fileState struct {
	sum  [32]byte
	mode fs.FileMode
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{sha256.Sum256(b), st.Mode().Perm()}
}

func assertUntouched(t *testing.T, path string, before fileState) {
	t.Helper()
	if after := stateOf(t, path); after != before {
		t.Errorf("%s changed: mode %o -> %o, content changed: %v", filepath.Base(path), before.mode, after.mode, after.sum != before.sum)
	}
	for _, side := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + side); err == nil {
			t.Errorf("%s%s was left beside it", filepath.Base(path), side)
		}
	}
}

// sqliteFile builds a database the way another program would, with the
// driver directly, and leaves it closed and readable by all.
func sqliteFile(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

// refusedBoth opens path for writing and for reading; both must fail with
// want and leave the file as it was.
func refusedBoth(t *testing.T, path string, want ...string) {
	t.Helper()
	before := stateOf(t, path)
	for _, opt := range []Options{{}, {ReadOnly: true}} {
		d, err := Open(path, opt)
		if err == nil {
			d.Close()
			t.Errorf("ReadOnly=%v: %s was opened", opt.ReadOnly, filepath.Base(path))
			continue
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ReadOnly=%v: %q does not say %q", opt.ReadOnly, err, w)
			}
		}
		assertUntouched(t, path, before)
	}
}

const moveAside = "move it aside or pick another with --db"

func headerField(t *testing.T, path string, off int) uint32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || len(b) < 100 {
		t.Fatalf("reading the header of %s: %v (%d bytes)", path, err, len(b))
	}
	return binary.BigEndian.Uint32(b[off:])
}

func TestAnotherProgramsDatabaseIsRefusedUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	sqliteFile(t, path,
		"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
		"CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER)",
		"INSERT INTO users(name) VALUES ('ada')")
	refusedBoth(t, path, "cannot open "+path, "another program's SQLite database", "tables: orders, users", moveAside)
}

// A program that marks its files, or one whose tables happen to include
// one named like gaff's, is still not gaff.
func TestMarkedOrLookalikeDatabasesAreRefusedUntouched(t *testing.T) {
	dir := t.TempDir()
	marked := filepath.Join(dir, "marked.db")
	sqliteFile(t, marked, "PRAGMA application_id = 1234", "CREATE TABLE notes (body TEXT)")
	refusedBoth(t, marked, "another program's SQLite database", "tables: notes", "application_id 0x4d2", moveAside)

	lookalike := filepath.Join(dir, "lookalike.db")
	sqliteFile(t, lookalike, "CREATE TABLE requests (id INTEGER PRIMARY KEY)")
	refusedBoth(t, lookalike, "another program's SQLite database", "tables: requests", moveAside)
}

func TestNewerGaffDatabaseIsRefusedUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaff.db")
	d, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	// A newer gaff's file, left in rollback mode and readable by all, so
	// that a WAL switch or a chmod would show.
	sqliteFile(t, path, "PRAGMA journal_mode = DELETE", "PRAGMA user_version = 99")
	refusedBoth(t, path, "cannot open "+path, "written by a newer gaff (schema 99", "upgrade gaff")
}

func TestNonDatabaseFilesAreRefusedUntouched(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"magic-only.db": sqliteMagic, // 16 bytes: SQLite's magic and nothing else
		"junk.db":       "0123456789abcdef",
		"notes.txt":     strings.Repeat("plain text, not a database\n", 40),
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		refusedBoth(t, path, "cannot open "+path, "not an SQLite database", moveAside)
	}
}

func assertGaffs(t *testing.T, path string) {
	t.Helper()
	d, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.InsertRequest(context.Background(), sample(1)); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if id := headerField(t, path, 68); id != applicationID {
		t.Errorf("application_id %#x, want gaff's %#x", id, applicationID)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 600", st.Mode().Perm())
	}
}

func TestMissingEmptyOrBlankFilesBecomeGaffs(t *testing.T) {
	dir := t.TempDir()
	assertGaffs(t, filepath.Join(dir, "new", "gaff.db"))

	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	assertGaffs(t, empty)

	// What an interrupted first start leaves: SQLite's header, WAL mode on,
	// nothing else.
	blank := filepath.Join(dir, "blank.db")
	sqliteFile(t, blank, "PRAGMA journal_mode = WAL")
	assertGaffs(t, blank)
}

// Databases made before gaff marked its files are recognised by their
// schema version and tables, open, and are marked on the first write open.
func TestOlderGaffDatabaseOpensAndIsMarked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaff.db")
	d, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.InsertRequest(context.Background(), sample(1)); err != nil {
		t.Fatal(err)
	}
	d.Close()
	sqliteFile(t, path, "PRAGMA application_id = 0")
	os.Chmod(path, 0o600)
	if id := headerField(t, path, 68); id != 0 {
		t.Fatalf("application_id %#x after clearing it", id)
	}
	before := stateOf(t, path)

	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("a reader refused an older gaff's database: %v", err)
	}
	if _, err := r.GetRequest(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if after := stateOf(t, path); after != before {
		t.Fatal("a reader changed the database")
	}

	w, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("an older gaff's database was refused: %v", err)
	}
	if _, err := w.GetRequest(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if id := headerField(t, path, 68); id != applicationID {
		t.Errorf("application_id %#x after a write open, want gaff's %#x", id, applicationID)
	}
}

// A reader leaves the database file as it found it, even when the writer
// died with commits still in its WAL: folding them in is the writer's job.
func TestReaderNeverWritesTheDatabase(t *testing.T) {
	live := filepath.Join(t.TempDir(), "live.db")
	d, err := Open(live, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.InsertRequest(context.Background(), sample(1)); err != nil {
		t.Fatal(err)
	}
	// The files as a killed gaff leaves them: the capture only in the WAL.
	crashed := filepath.Join(t.TempDir(), "crashed.db")
	for _, side := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(live + side)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(crashed+side, b, 0o600)
	}
	before := stateOf(t, crashed)
	r, err := Open(crashed, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.GetRequest(context.Background(), 1); err != nil {
		t.Fatalf("the capture in the WAL is not visible to a reader: %v", err)
	}
	r.Close()
	if after := stateOf(t, crashed); after != before {
		t.Error("a reader wrote to the database")
	}
}
