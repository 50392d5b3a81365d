package storage

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// A database someone made readable by all (a copy, a restore) is made
// private again before SQLite opens it: SQLite gives the -wal and -shm it
// creates the database's own mode.
func TestLooseDatabaseIsMadePrivateBeforeUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaff.db")
	d, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	os.WriteFile(path+"-wal", nil, 0o644) // an empty leftover, also loose
	for _, p := range []string{path, path + "-wal"} {
		os.Chmod(p, 0o644)
	}
	d, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.InsertRequest(context.Background(), sample(1)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s is %o, want 600", filepath.Base(p), st.Mode().Perm())
		}
	}
}
