package tunnel

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
)

// TestMain fails the run if anything reaches slog's default logger (or the
// log package, which slog.SetDefault redirects too). In gaff that output
// would land on the terminal, over the TUI. The SDK warns there when it has
// no logger of its own ((*agent).Connect: once per process, on this Go
// version), so this checks that every agent the tunnel makes is given one.
func TestMain(m *testing.M) {
	var mu sync.Mutex
	var stray bytes.Buffer
	slog.SetDefault(slog.New(slog.NewTextHandler(lockedWriter{&mu, &stray}, &slog.HandlerOptions{Level: slog.LevelDebug})))
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if stray.Len() > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: output reached slog.Default, which gaff shows on the terminal:\n%s", stray.String())
		code = 1
	}
	os.Exit(code)
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
