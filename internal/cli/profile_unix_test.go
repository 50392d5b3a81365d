//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A benchmark ends the profile with SIGUSR1 after its load: the profile is
// then written whole, and the stop at exit does nothing more.
func TestProfileEndsAtSIGUSR1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	t.Setenv("GAFF_CPUPROFILE", path)
	stop, err := StartProfile()
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	var size int64
	for range 500 {
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			size = st.Size()
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if size == 0 {
		t.Fatal("SIGUSR1 did not end the profile: nothing written")
	}
	stop() // the exit's stop, after the signal's: must not write again
	if st, _ := os.Stat(path); st.Size() != size {
		t.Errorf("the profile changed after it ended: %d bytes, then %d", size, st.Size())
	}
}
