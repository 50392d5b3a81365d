//go:build unix

package cli

import (
	"os"
	"os/signal"
	"syscall"
)

// stopOnSignal runs stop at SIGUSR1: a benchmark ends the profile after its
// load, before the stop's own work.
func stopOnSignal(stop func()) {
	usr := make(chan os.Signal, 1)
	signal.Notify(usr, syscall.SIGUSR1)
	go func() { <-usr; stop() }()
}
