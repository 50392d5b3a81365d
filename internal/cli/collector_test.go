package cli

import (
	"math"
	"runtime/debug"
	"testing"
)

// Capturing runs the collector at ingestGCPercent under the soft memory
// limit, unless the environment says otherwise.
func TestTuneCollector(t *testing.T) {
	gc, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(gc); debug.SetMemoryLimit(limit) })

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	tuneCollector()
	if got := debug.SetGCPercent(100); got != ingestGCPercent {
		t.Errorf("GOGC %d, want %d", got, ingestGCPercent)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got == math.MaxInt64 {
		t.Error("no memory limit set")
	}

	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "1GiB")
	tuneCollector()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set in the environment, the collector's is %d; want it left alone", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set in the environment, the limit became %d; want it left alone", got)
	}
}
