package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"gaff/internal/xdg"
)

// openLog sends gaff's log to a file: the TUI owns the terminal, and a stray
// write to stderr would garble it. Headless mode also logs to stderr.
func openLog(path string, alsoStderr bool) (*slog.Logger, func(), error) {
	if path == "" {
		dir, err := xdg.State()
		if err != nil {
			return nil, nil, fmt.Errorf("cannot find a place for the log: %w; pass --log FILE", err)
		}
		path = filepath.Join(dir, "gaff.log")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("cannot create the log directory: %w; pass --log FILE", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot open the log %s: %w; pass --log FILE", path, err)
	}
	var w io.Writer = f
	if alsoStderr {
		w = io.MultiWriter(f, os.Stderr)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo})), func() { f.Close() }, nil
}
