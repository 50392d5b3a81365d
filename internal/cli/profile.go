package cli

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// StartProfile writes a CPU profile of the whole run to the file named by
// GAFF_CPUPROFILE, for `go tool pprof` (bench/ingest.sh sets it with
// PROFILE=DIR). It is a measuring aid, not a feature, so it has no flag.
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
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
