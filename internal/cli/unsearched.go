package cli

import (
	"context"
	"fmt"
	"os"

	"gaff/storage"
)

// unsearched says how many of the newest captures a search for q could not
// cover, or "" when it covered them all: a search covers what the index
// lacks itself unless that is more than a short tail (ARCHITECTURE.md,
// "Search and indexing"). Ask after searching: a search may index first.
func unsearched(ctx context.Context, db *storage.DB, q *storage.Query) string {
	if !q.NeedsIndex() {
		return ""
	}
	n, err := db.Unsearched(ctx)
	if err != nil || n == 0 {
		return ""
	}
	return fmt.Sprintf("the %d newest captures are not indexed yet and were not searched for words; a running gaff indexes them", n)
}

// warnUnsearched tells the user on stderr what unsearched says.
func warnUnsearched(ctx context.Context, db *storage.DB, q *storage.Query) {
	if note := unsearched(ctx, db, q); note != "" {
		fmt.Fprintln(os.Stderr, "gaff: "+note)
	}
}
