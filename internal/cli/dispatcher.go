package cli

import (
	"context"
	"log/slog"

	"gaff/send"
	"gaff/storage"
)

// startDispatcher runs subscription deliveries inside this gaff, TUI or
// headless: events fired here or queued by `gaff subscriptions fire --queue`
// are sent, and retries pending from an earlier run resume. The UI fires
// and retries through the returned Dispatcher. Call stop before closing db:
// it waits for attempts in flight to end.
func startDispatcher(ctx context.Context, db *storage.DB, log *slog.Logger) (d *send.Dispatcher, stop func()) {
	d = send.NewDispatcher(db, send.DispatcherOptions{Log: log})
	d.Start(ctx)
	return d, d.Stop
}
