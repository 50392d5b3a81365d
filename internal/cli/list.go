package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"gaff/export"
	"gaff/internal/bytesize"
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
			if err := list(cmd.Context(), cmd.OutOrStdout(), db, q, search, asJSON, limit); err != nil {
				return err
			}
			warnUnsearched(cmd.Context(), db, q)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per request (with headers and body)")
	cmd.Flags().IntVar(&limit, "limit", 50, "how many requests")
	cmd.Flags().StringVar(&search, "search", "", "only requests matching this search (as / in the TUI: method:POST status:4xx path:/x* provider:stripe event:push header:K=V sig:invalid dup:yes since:10m from:alice, words)")
	return cmd
}

func list(ctx context.Context, out io.Writer, db *storage.DB, q *storage.Query, search string, asJSON bool, limit int) error {
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
	return listText(ctx, w, db, q, search, limit)
}

// listHeader names listText's columns; a row lines up under it.
const listHeader = "    ID  TIME                 METHOD  STATUS      SIZE  PROVIDER    VERDICT      EVENT                     PATH\n"

// listText prints summaries a page at a time (no bodies are read) under a
// header, then says when --limit cut the list short, or that it is empty.
// One row past the limit is read to know whether more exist.
func listText(ctx context.Context, w io.Writer, db *storage.DB, q *storage.Query, search string, limit int) error {
	var before int64
	shown, more := 0, false
	for !more {
		rows, err := db.ListRequests(ctx, storage.Page{Before: before, Limit: min(limit+1-shown, 500), Query: q})
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		for i := range rows {
			if shown == limit {
				more = true
				break
			}
			if shown == 0 {
				io.WriteString(w, listHeader)
			}
			writeListRow(w, &rows[i])
			shown++
		}
		before = rows[len(rows)-1].ID
	}
	switch {
	case shown == 0 && q.Empty():
		fmt.Fprintln(w, "no captures yet")
	case shown == 0:
		fmt.Fprintf(w, "nothing matches %q\n", sanitize.Line(search))
	case more && q.Empty():
		// The counter costs nothing; a rough total is still the right hint.
		total, err := db.CountRequests(ctx)
		if err != nil || total <= int64(shown) {
			fmt.Fprintln(w, "more captures; raise --limit")
		} else {
			fmt.Fprintf(w, "%d of %d; --limit to see more\n", shown, total)
		}
	case more:
		fmt.Fprintln(w, "more match; raise --limit")
	}
	return nil
}

// writeListRow prints one summary; the path goes last, as it varies most in
// length, and a long provider or event pushes the rest right.
// A repeat says so before its path ("dup #12 (2nd)"), which keeps the
// columns of every other row where they were.
func writeListRow(w io.Writer, s *storage.Summary) {
	target := sanitize.Line(s.Target)
	if mark := s.DuplicateMark(); mark != "" {
		target = mark + "  " + target
	}
	status := "—" // never answered: a hang or reset rule
	if s.Status != 0 {
		status = strconv.Itoa(s.Status)
	}
	fmt.Fprintf(w, "%6d  %s  %-7s %6s %9s  %-10s  %-11s  %-24s  %s\n", s.ID, s.Time.Format("2006-01-02 15:04:05"),
		sanitize.Line(s.Method), status, bytesize.Format(s.Size), sanitize.Line(s.Provider), verdictWord(s),
		sanitize.Line(s.Event), target+fromTeammate(s))
}

// fromTeammate marks a teammate's capture at the end of its row.
func fromTeammate(s *storage.Summary) string {
	if s.Origin == "" {
		return ""
	}
	return "  (from " + sanitize.Line(s.Origin) + ")"
}
