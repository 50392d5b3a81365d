package cli

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"gaff/storage"
)

// retentionFlags bound how much history gaff keeps.
type retentionFlags struct {
	keep    int64
	keepFor string
}

func (f *retentionFlags) add(cmd *cobra.Command) {
	cmd.Flags().Int64Var(&f.keep, "keep", 0, "keep at most N requests, deleting the oldest (0: all)")
	cmd.Flags().StringVar(&f.keepFor, "keep-for", "", "delete requests older than this (e.g. 7d, 12h; empty: never)")
}

// check refuses retention flags gaff cannot use, before anything is opened.
func (f *retentionFlags) check() error {
	if f.keep < 0 {
		return fmt.Errorf("--keep %d: give a number of requests, or 0 to keep all", f.keep)
	}
	_, err := f.age()
	return err
}

func (f *retentionFlags) age() (time.Duration, error) {
	if f.keepFor == "" {
		return 0, nil
	}
	d, err := storage.ParseAge(f.keepFor)
	if err != nil {
		return 0, fmt.Errorf("--keep-for %q: write an age like 7d, 12h or 30m", f.keepFor)
	}
	return d, nil
}

// startBackground runs the work that keeps the database useful without
// touching captures: the search indexer behind the writer, and retention.
// stop ends both and waits for them, then indexes what is still pending
// (for at most stopIndexing), so a capture taken just before a stop is
// found by `gaff list --search`; call it after the server has drained and
// before the database closes. The flags were checked (check) before.
func startBackground(ctx context.Context, db *storage.DB, f retentionFlags, log *slog.Logger) (stop func(), err error) {
	keepFor, err := f.age()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { db.RunIndexer(ctx, func(err error) { log.Warn("search indexing", "err", err) }) })
	wg.Go(func() {
		db.RunRetention(ctx, f.keep, keepFor, time.Minute, func(err error) { log.Warn("retention", "err", err) })
	})
	return func() {
		cancel()
		wg.Wait()
		ictx, done := context.WithTimeout(context.Background(), stopIndexing)
		defer done()
		if left, err := db.CatchUpIndex(ictx); err != nil || left > 0 {
			log.Warn("search indexing stopped before the end", "unindexed", left, "err", err)
		}
	}, nil
}

// stopIndexing bounds the indexing a stop waits for: about 100,000
// captures' worth; the rest is indexed by the next gaff or search.
const stopIndexing = 5 * time.Second
