package ui

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// What $EDITOR wrote comes back byte for byte, or its failure does, and the
// private copy of the body is removed either way.
func TestReadEdited(t *testing.T) {
	for _, failed := range []error{nil, errors.New("exit status 1")} {
		path := filepath.Join(t.TempDir(), "gaff-body")
		if err := os.WriteFile(path, []byte("a\x00b"), 0o600); err != nil {
			t.Fatal(err)
		}
		m := readEdited(path, failed)
		switch {
		case failed == nil && (m.err != nil || string(m.body) != "a\x00b"):
			t.Errorf("read back %q, %v", m.body, m.err)
		case failed != nil && (m.err == nil || m.body != nil):
			t.Errorf("after a failed $EDITOR: %q, %v", m.body, m.err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the body's copy is left behind: %v", err)
		}
	}
}
