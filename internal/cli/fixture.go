package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"gaff/fixture"
	"gaff/redact"
	"gaff/sanitize"
	"gaff/storage"
)

func fixtureCmd(dbf *dbFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fixture",
		Short: "Turn captures into test fixtures",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(fixtureSaveCmd(dbf))
	return cmd
}

func fixtureSaveCmd(dbf *dbFlags) *cobra.Command {
	var dir, search string
	var red redactFlags
	cmd := &cobra.Command{
		Use:   "save [ID...] --dir DIR",
		Short: "Write captures as fixture files, one JSON file each",
		Long: `Write the captures ID... and those --search matches (oldest first) into DIR,
one readable JSON file each, named like 0012-github-pull_request.opened.json,
and print the paths. DIR is made if missing; a file is written whole or not
at all, and the same capture always gives the same bytes. The body comes
back byte for byte (docs/fixtures.md describes the format). A capture whose
body was cut at --max-body is saved with a warning: gaff replay --dir will
not send it.

With --redact, secrets and e-mail addresses are replaced first (see
docs/redaction.md); --redact-field adds fields and implies --redact.

Exit status: 0 when every file was written; 2 for input to fix (an
unknown id, a search that matches nothing, a bad --search or
--redact-field); 1 when a file cannot be written or the database cannot
be read.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fixtureSave(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), dbf, args, dir, search, &red)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "directory to write the fixtures into (made if missing)")
	cmd.Flags().StringVar(&search, "search", "", "also save the captures matching this search (as gaff list --search)")
	red.add(cmd)
	return cmd
}

func fixtureSave(ctx context.Context, out, errOut io.Writer, dbf *dbFlags, args []string, dir, search string, red *redactFlags) error {
	if dir == "" {
		return badInput(errors.New("--dir is required: the directory to write fixtures into"))
	}
	if len(args) == 0 && search == "" {
		return badInput(errors.New("name the captures to save: IDs (see gaff list) or --search QUERY"))
	}
	var ids []int64
	for _, a := range args {
		id, err := parseID(a)
		if err != nil {
			return badInput(err)
		}
		ids = append(ids, id)
	}
	var q *storage.Query
	if search != "" {
		var err error
		if q, err = storage.ParseQuery(search); err != nil {
			return badInput(fmt.Errorf("--search: %w", err))
		}
	}
	ropt, err := red.options()
	if err != nil {
		return err
	}
	db, err := openRead(dbf)
	if err != nil {
		return err
	}
	defer db.Close()

	// Every named id is read before anything is written, so a typo leaves
	// DIR as it was.
	var reqs []*storage.Request
	for _, id := range ids {
		r, err := db.GetRequest(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return badInput(fmt.Errorf("no capture %d (see gaff list); nothing was written", id))
		}
		if err != nil {
			return err
		}
		reqs = append(reqs, r)
	}
	// Only the named ids are remembered: a search's walk yields each row
	// once, and may cover all history.
	named := make(map[int64]bool, len(reqs))
	save := func(r *storage.Request) error {
		if ropt != nil {
			r = redact.Request(r, *ropt)
		}
		path, err := fixture.Save(dir, r)
		if err != nil {
			return fmt.Errorf("cannot write fixture %d into %s: %w; choose another --dir or fix its permissions", r.ID, sanitize.Line(dir), err)
		}
		fmt.Fprintln(out, sanitize.Line(path))
		if r.Truncated {
			fmt.Fprintf(errOut, "gaff: capture %d's body was cut at --max-body (%d of %d bytes kept): gaff replay --dir will not send its fixture; catch the event again with a larger --max-body\n",
				r.ID, len(r.Body), r.Size)
		}
		return nil
	}
	for _, r := range reqs {
		if named[r.ID] {
			continue
		}
		named[r.ID] = true
		if err := save(r); err != nil {
			return err
		}
	}
	if q == nil {
		return nil
	}
	matched := 0
	for r, err := range db.Requests(ctx, storage.Walk{Query: q}) {
		if err != nil {
			return err
		}
		matched++
		if named[r.ID] {
			continue
		}
		if err := save(r); err != nil {
			return err
		}
	}
	warnUnsearched(ctx, db, q)
	if matched == 0 {
		return badInput(fmt.Errorf("--search %q matches no capture; nothing more was written", sanitize.Line(search)))
	}
	return nil
}
