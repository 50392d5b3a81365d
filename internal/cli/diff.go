package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"gaff/diff"
	"gaff/storage"
)

// diff(1)'s statuses, so scripts can use gaff diff the same way.
const (
	diffSame    = 0
	diffDiffers = 1
	diffTrouble = 2
)

func diffCmd(dbf *dbFlags) *cobra.Command {
	var ignore []string
	cmd := &cobra.Command{
		Use:   "diff A B",
		Short: "Show how two captures differ, field by field",
		Long: `Compare two captures structurally: method, path, query parameters and
headers by name, then the body — JSON by key and array position, form fields
by name, text by line. A and B are capture ids (7 or #7, see gaff list) or
fixture files. Each line names a path: "+ path: value" was added in B,
"- path: value" removed, "path: old → new" changed. --ignore PATH leaves a
path and everything under it out (.data.object.id, headers.Date, query.ts,
form.token, body:3, method, path; [] stands for any array index:
.items[].id). Exit status as diff(1): 0 when equal, 1 when they differ,
2 for trouble.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return &exitError{diffTrouble, fmt.Errorf("gaff diff takes two captures (ids or fixture files), got %d", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opt := diff.Options{Ignore: ignore}
			if err := opt.Check(); err != nil {
				return &exitError{diffTrouble, fmt.Errorf("--ignore: %w", err)}
			}
			side := sideLoader{dbf: dbf}
			defer side.close()
			a, err := side.load(cmd.Context(), args[0])
			if err == nil {
				var b *storage.Request
				if b, err = side.load(cmd.Context(), args[1]); err == nil {
					return printDiff(cmd.OutOrStdout(), diff.Requests(a, b, opt))
				}
			}
			return &exitError{diffTrouble, err}
		},
	}
	cmd.Flags().StringArrayVar(&ignore, "ignore", nil, "leave this path out (repeatable): .data.object.id, headers.Date, .items[].id")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{diffTrouble, err}
	})
	return cmd
}

// sideLoader reads each side of a diff, opening the database only when
// an id asks for it, so two fixture files need no gaff at all.
type sideLoader struct {
	dbf *dbFlags
	db  *storage.DB
}

func (s *sideLoader) load(ctx context.Context, arg string) (*storage.Request, error) {
	if fi, err := os.Stat(arg); err == nil && fi.Mode().IsRegular() {
		return readFixture(arg)
	}
	id, err := parseID(arg)
	if err != nil {
		return nil, fmt.Errorf("%q is neither a capture id (see gaff list) nor a fixture file", arg)
	}
	if s.db == nil {
		if s.db, err = openRead(s.dbf); err != nil {
			return nil, err
		}
	}
	r, err := s.db.GetRequest(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("no capture #%d (see gaff list)", id)
	}
	return r, err
}

func (s *sideLoader) close() {
	if s.db != nil {
		s.db.Close()
	}
}

// printDiff writes one change a line, coloured only for a person at a
// terminal, and turns "they differ" into status 1.
func printDiff(out io.Writer, changes []diff.Change) error {
	colour := false
	if f, ok := out.(*os.File); ok {
		colour = term.IsTerminal(f.Fd()) && os.Getenv("NO_COLOR") == ""
	}
	w := bufio.NewWriter(out)
	for _, c := range changes {
		line := c.String()
		if colour {
			line = diffColour[c.Kind] + line + "\x1b[0m"
		}
		fmt.Fprintln(w, line)
	}
	if err := w.Flush(); err != nil {
		return &exitError{diffTrouble, err}
	}
	if len(changes) > 0 {
		return &exitError{code: diffDiffers}
	}
	return nil
}

var diffColour = map[string]string{
	diff.Added:   "\x1b[32m",
	diff.Removed: "\x1b[31m",
	diff.Changed: "\x1b[33m",
}
