package storage

import "testing"

func TestOpenRelativePath(t *testing.T) {
	t.Chdir(t.TempDir())
	d, err := Open("g.db", Options{})
	if err != nil {
		t.Fatalf("a relative --db path: %v", err)
	}
	d.Close()
}
