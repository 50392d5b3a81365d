package main

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"gaff/storage"
)

// runHeadless prints each request as one JSON line once it is committed. It
// reads from the database rather than being called by the capture handler,
// so a stdout pipe nobody drains slows this loop, never a capture.
func runHeadless(ctx context.Context, db *storage.DB, out io.Writer, serveErr <-chan error) error {
	ch, stop := db.Watch()
	defer stop()
	w := bufio.NewWriter(out)
	last := db.LastRequestID()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-serveErr:
			return fmt.Errorf("the listener stopped: %w", err)
		case <-ch:
		}
		for {
			rows, err := db.ListRequests(ctx, storage.Page{After: last, Limit: 100})
			if err != nil || len(rows) == 0 {
				break
			}
			for i := len(rows) - 1; i >= 0; i-- { // oldest first
				r, err := db.GetRequest(ctx, rows[i].ID)
				if err != nil {
					continue
				}
				b, _ := r.MarshalJSON()
				w.Write(b)
				w.WriteByte('\n')
				last = rows[i].ID
			}
			if err := w.Flush(); err != nil {
				return fmt.Errorf("cannot write to stdout: %w", err)
			}
		}
	}
}
