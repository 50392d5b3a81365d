package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"gaff/policy"
	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
)

// scenarioFlags shape a replay of many captures (README "Scenario replay").
type scenarioFlags struct {
	search    string
	timing    string
	maxGap    time.Duration
	shuffle   bool
	seed      uint64
	duplicate int
}

func (sf *scenarioFlags) add(f *pflag.FlagSet) {
	f.StringVar(&sf.search, "search", "", "replay the captures matching this search (as / in the TUI), within the ids given if any")
	f.StringVar(&sf.timing, "timing", "original", "gaps between sends: original, fast (none) or a speed-up like 10x")
	f.DurationVar(&sf.maxGap, "max-gap", send.DefaultMaxGap, "longest wait between two sends with --timing original or Nx")
	f.BoolVar(&sf.shuffle, "shuffle", false, "send in a random order (the gaps keep their places)")
	f.Uint64Var(&sf.seed, "seed", 1, "with --shuffle, the seed of the order; the same seed gives the same order")
	f.IntVar(&sf.duplicate, "duplicate", 1, "send each capture this many times in a row")
}

// replayScenario is gaff replay with ids, ranges or --search: everything
// is checked before the database is opened, then runScenario sends.
func replayScenario(cmd *cobra.Command, dbf *dbFlags, args []string, sf scenarioFlags, to string, timeout time.Duration, resign bool, secrets secretFlags) error {
	if err := checkScenario(args, sf, to, timeout); err != nil {
		return badInput(err)
	}
	var overrides *policy.Overrides
	if resign {
		var err error
		if overrides, err = (&policyFlags{secretFlags: secrets}).parse(); err != nil {
			return badInput(err)
		}
	}
	db, err := openWrite(dbf)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := cmd.Context()
	var secret func(string) (string, bool)
	if resign {
		// The saved secrets with the flags' over them, as for one replay.
		l, err := policy.Layer(ctx, db, overrides, nil)
		if err != nil {
			return err
		}
		secret = l.Secret
	}
	return runScenario(ctx, cmd.OutOrStdout(), db, newSender(db, timeout, secret), args, sf, to, resign, nil)
}

// checkScenario refuses input that makes no sense before the database is
// opened or anything is sent.
func checkScenario(args []string, sf scenarioFlags, to string, timeout time.Duration) error {
	if len(args) == 0 && sf.search == "" {
		return fmt.Errorf("say what to replay: an id (gaff replay 7), ids and ranges (gaff replay 3-9 12), or --search QUERY")
	}
	if timeout <= 0 {
		return fmt.Errorf("--timeout %s: give a positive duration, like 30s", timeout)
	}
	if err := sf.check(args); err != nil {
		return err
	}
	if to != "" {
		if _, err := send.ParseTarget(to); err != nil {
			return fmt.Errorf("--to: %w", err)
		}
	}
	return nil
}

// idRange is lo..hi inclusive, from "7" or "3-9".
type idRange struct{ lo, hi int64 }

// parseRanges reads the ids and ranges given to gaff replay.
func parseRanges(args []string) ([]idRange, error) {
	var out []idRange
	for _, a := range args {
		lo, hi, isRange := strings.Cut(a, "-")
		from, err := parseID(lo)
		if err != nil {
			return nil, fmt.Errorf("%q is not a request id or a range like 3-9 (see gaff list)", a)
		}
		to := from
		if isRange {
			if to, err = parseID(hi); err != nil {
				return nil, fmt.Errorf("%q is not a request id or a range like 3-9 (see gaff list)", a)
			}
		}
		if to < from {
			return nil, fmt.Errorf("range %s runs backwards: write it low to high, like %d-%d", a, to, from)
		}
		out = append(out, idRange{from, to})
	}
	return out, nil
}

// isScenario tells the scenario form from gaff replay ID: more than one id,
// a range, a search, or a flag only a scenario has.
func isScenario(args []string, changed func(string) bool) bool {
	if len(args) != 1 || strings.Contains(args[0], "-") {
		return true
	}
	for _, f := range []string{"search", "timing", "max-gap", "shuffle", "seed", "duplicate"} {
		if changed(f) {
			return true
		}
	}
	return false
}

// selectCaptures finds the captures of ranges (all of them when none is
// given) that match q, in capture order, each once. Only ids and times are
// kept, read from pages of summaries: a scenario of thousands of captures
// reads each body when it is sent, not once more to be chosen.
func selectCaptures(ctx context.Context, db *storage.DB, ranges []idRange, q *storage.Query) ([]send.Captured, error) {
	if len(ranges) == 0 {
		ranges = []idRange{{1, 1<<63 - 1}}
	}
	seen := map[int64]bool{}
	var caps []send.Captured
	for _, rg := range ranges {
		for after := rg.lo - 1; after < rg.hi; {
			// Newest first: the page is read from its end.
			page, err := db.ListRequests(ctx, storage.Page{After: after, Oldest: after == 0, Limit: selectPage, Query: q})
			if err != nil {
				return nil, err
			}
			if len(page) == 0 {
				break
			}
			for i := len(page) - 1; i >= 0 && page[i].ID <= rg.hi; i-- {
				if s := page[i]; !seen[s.ID] {
					seen[s.ID] = true
					caps = append(caps, send.Captured{ID: s.ID, Time: s.Time})
				}
			}
			after = page[0].ID
		}
	}
	slices.SortFunc(caps, func(a, b send.Captured) int { return int(a.ID - b.ID) })
	return caps, nil
}

// selectPage is how many summaries one query of selectCaptures reads.
const selectPage = 500

// scenarioHeader names the columns of writeScenarioRow.
const scenarioHeader = "    ID  METHOD  STATUS   TIME  PATH\n"

// writeScenarioRow prints one send of a scenario; the path and error come
// from the network and are sanitised.
func writeScenarioRow(w io.Writer, r *storage.Request, d *storage.Delivery, err error) {
	status, took := "error", "-"
	switch {
	case err != nil:
	case d.Status > 0:
		status, took = strconv.Itoa(d.Status), send.Took(d.Duration)
	case d.Duration > 0:
		took = send.Took(d.Duration)
	}
	fmt.Fprintf(w, "%6d  %-7s %6s %6s  %s", r.ID, sanitize.Line(r.Method), status, took, sanitize.Line(r.Target))
	switch {
	case err != nil:
		fmt.Fprintf(w, "  (%s)", sanitize.Line(err.Error()))
	case d.Status == 0:
		fmt.Fprintf(w, "  (%s)", sanitize.Line(d.Error))
	}
	fmt.Fprintln(w)
}

// runScenario replays the captures of args (and --search) to target as
// sf lays them out, printing a row a send. It fails when a send got no
// answer, after sending the rest.
func runScenario(ctx context.Context, out io.Writer, db *storage.DB, s *send.Sender, args []string, sf scenarioFlags, target string, resign bool, clock send.Clock) error {
	ranges, err := parseRanges(args)
	if err != nil {
		return err
	}
	q, err := storage.ParseQuery(sf.search)
	if err != nil {
		return fmt.Errorf("--search: %w", err)
	}
	timing, err := send.ParseTiming(sf.timing)
	if err != nil {
		return err
	}
	timing.MaxGap = sf.maxGap
	caps, err := selectCaptures(ctx, db, ranges, q)
	if err != nil {
		return err
	}
	warnUnsearched(ctx, db, q)
	if len(caps) == 0 {
		return badInput(fmt.Errorf("no captures to replay: %s; check with gaff list", noneNote(args, sf.search)))
	}
	if target == "" {
		// Once, not as an error on every row.
		if target, err = s.Target(ctx); err != nil {
			return err
		}
		if target == "" {
			return send.ErrNoTarget
		}
	}
	slots := send.Plan(caps, send.PlanOptions{Duplicate: sf.duplicate, Shuffle: sf.shuffle, Seed: sf.seed})
	io.WriteString(out, scenarioHeader)
	unanswered := 0
	err = send.Play(ctx, clock, timing, slots, func(sl send.Slot) {
		r, err := db.GetRequest(ctx, sl.ID)
		var d *storage.Delivery
		if err == nil {
			d, err = s.ReplayRequest(ctx, r, target, resign)
		} else {
			r = &storage.Request{Summary: storage.Summary{ID: sl.ID}}
		}
		if err != nil || d.Status == 0 {
			unanswered++
		}
		writeScenarioRow(out, r, d, err)
	})
	if err != nil {
		return err
	}
	if unanswered > 0 {
		return fmt.Errorf("%d of %d sends got no answer (the rows above say why)", unanswered, len(slots))
	}
	return nil
}

// noneNote says what selected no capture.
func noneNote(args []string, search string) string {
	var what []string
	if len(args) > 0 {
		what = append(what, "none of "+strings.Join(args, " ")+" is stored")
	}
	if search != "" {
		what = append(what, fmt.Sprintf("nothing matches --search %q", sanitize.Line(search)))
	}
	if len(what) == 0 {
		return "nothing is captured yet"
	}
	return strings.Join(what, ", or ")
}

// check refuses scenario flags that make no sense before anything is
// opened or sent.
func (sf *scenarioFlags) check(args []string) error {
	if _, err := parseRanges(args); err != nil {
		return err
	}
	if _, err := storage.ParseQuery(sf.search); err != nil {
		return fmt.Errorf("--search: %w", err)
	}
	if _, err := send.ParseTiming(sf.timing); err != nil {
		return err
	}
	if sf.maxGap < 0 {
		return fmt.Errorf("--max-gap %s: give zero (no cap) or a positive duration, like 30s", sf.maxGap)
	}
	if sf.duplicate < 1 || sf.duplicate > 1000 {
		return fmt.Errorf("--duplicate %d: give a count from 1 to 1000", sf.duplicate)
	}
	return nil
}
