package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"

	"gaff/storage"
)

// headless prints each request as one JSON line once it is committed. It
// reads from the database rather than being called by the capture handler,
// so a stdout pipe nobody drains slows this loop, never a capture.
type headless struct {
	db   *storage.DB
	w    *bufio.Writer
	last int64 // the newest id printed (or there before we started)
	log  *slog.Logger
}

// newHeadless must be made before the listener serves: a request committed
// in between would otherwise never be printed.
func newHeadless(db *storage.DB, out io.Writer, log *slog.Logger) *headless {
	return &headless{db: db, w: bufio.NewWriter(out), last: db.LastRequestID(), log: log}
}

// run prints until ctx ends or the listener fails.
func (hl *headless) run(ctx context.Context, serveErr <-chan error) error {
	ch, stop := hl.db.Watch()
	defer stop()
	for {
		if err := hl.printNew(ctx); err != nil {
			if ctx.Err() != nil {
				return nil // stopping: the final pass after shutdown prints the rest
			}
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case err := <-serveErr:
			return fmt.Errorf("the listener stopped: %w", err)
		case <-ch:
		}
	}
}

// printNew prints every request committed since the last one printed. It
// runs once more after shutdown, for the requests that were in flight.
func (hl *headless) printNew(ctx context.Context) error {
	for {
		rows, err := hl.db.ListRequests(ctx, storage.Page{After: hl.last, Limit: 100})
		if err != nil {
			return fmt.Errorf("cannot read new captures: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		for i := len(rows) - 1; i >= 0; i-- { // oldest first
			id := rows[i].ID
			hl.last = id
			r, err := hl.db.GetRequest(ctx, id)
			if err != nil {
				// Deleted meanwhile (retention), or damaged: say so, go on.
				hl.log.Warn("a capture was not printed", "id", id, "err", err)
				continue
			}
			b, _ := r.MarshalJSON()
			hl.w.Write(b)
			hl.w.WriteByte('\n')
		}
		if err := hl.w.Flush(); err != nil {
			return fmt.Errorf("cannot write to stdout: %w", err)
		}
	}
}
