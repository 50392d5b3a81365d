package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"gaff/export"
	"gaff/sanitize"
	"gaff/storage"
)

func listCmd(dbf *dbFlags) *cobra.Command {
	var asJSON bool
	var limit int
	var search string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List captured requests, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 1 {
				return fmt.Errorf("--limit must be at least 1")
			}
			q, err := storage.ParseQuery(search)
			if err != nil {
				return fmt.Errorf("--search: %w", err)
			}
			db, err := openRead(dbf)
			if err != nil {
				return err
			}
			defer db.Close()
			if q.NeedsIndex() {
				if lag, _ := db.IndexLag(cmd.Context()); lag > 0 {
					fmt.Fprintf(os.Stderr, "gaff: the %d newest requests are not indexed yet and are not searched; a running gaff indexes them\n", lag)
				}
			}
			return list(cmd.Context(), cmd.OutOrStdout(), db, q, asJSON, limit)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per request (with headers and body)")
	cmd.Flags().IntVar(&limit, "limit", 50, "how many requests")
	cmd.Flags().StringVar(&search, "search", "", "only requests matching this search (as / in the TUI: method:POST status:4xx path:/x* provider:stripe event:push header:K=V sig:invalid since:10m, words)")
	return cmd
}

func list(ctx context.Context, out io.Writer, db *storage.DB, q *storage.Query, asJSON bool, limit int) error {
	w := bufio.NewWriter(out)
	defer w.Flush()
	if asJSON {
		for r, err := range db.Requests(ctx, storage.Walk{NewestFirst: true, Query: q, Limit: limit}) {
			if err != nil {
				return err
			}
			w.Write(export.JSON(r))
			w.WriteByte('\n')
		}
		return nil
	}
	// The list shows summaries, a page at a time: no bodies are read.
	var before int64
	for limit > 0 {
		rows, err := db.ListRequests(ctx, storage.Page{Before: before, Limit: min(limit, 500), Query: q})
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		for _, s := range rows {
			// The event last: a short word after the path, which varies in length.
			fmt.Fprintf(w, "%6d  %s  %-7s %3d %8d  %s", s.ID, s.Time.Format("2006-01-02 15:04:05"),
				sanitize.Line(s.Method), s.Status, s.Size, sanitize.Line(s.Target))
			if s.Event != "" {
				fmt.Fprintf(w, "  %s", sanitize.Line(s.Event))
			}
			w.WriteByte('\n')
		}
		limit -= len(rows)
		before = rows[len(rows)-1].ID
	}
	return nil
}
