package cli

import (
	"fmt"
	"os"
	"runtime/pprof"
	"sync"
)

// StartProfile writes a CPU profile to the file named by GAFF_CPUPROFILE,
// for `go tool pprof` (bench/ingest.sh sets it with PROFILE=DIR). It is a
// measuring aid, not a feature, so it has no flag. The profile covers the
// whole run, or ends early at SIGUSR1, so a benchmark can profile its load
// alone and not the index's catch-up at the stop.
func StartProfile() (stop func(), err error) {
	path := os.Getenv("GAFF_CPUPROFILE")
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("GAFF_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("GAFF_CPUPROFILE: %w", err)
	}
	var once sync.Once
	stop = func() { once.Do(func() { pprof.StopCPUProfile(); f.Close() }) }
	stopOnSignal(stop)
	return stop, nil
}
