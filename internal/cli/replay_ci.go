package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"gaff/diff"
	"gaff/fixture"
	"gaff/provider"
	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
)

// ciFlags are gaff replay --dir's own (README "From capture to CI").
type ciFlags struct {
	dir     string
	asserts []string
	junit   string
	golden  bool
	ignore  []string
}

func (cf *ciFlags) add(f *pflag.FlagSet) {
	f.StringVar(&cf.dir, "dir", "", "send the fixtures in this directory (CI replay) instead of captures")
	f.StringArrayVar(&cf.asserts, "assert", nil, "with --dir, a check of every answer (repeatable): status=2xx, header:NAME=VALUE, body~REGEX, json:PATH=VALUE")
	f.StringVar(&cf.junit, "junit", "", "with --dir, write the verdicts to this file as JUnit XML")
	f.BoolVar(&cf.golden, "golden", false, "with --dir, store each answer on the first run and fail when a later one differs")
	f.StringArrayVar(&cf.ignore, "ignore", nil, "with --golden, leave this path of the answer out (repeatable): .body.created_at, .headers.x-trace, .body.items[].id")
}

// set is the first flag of --dir's own that was given, "" when none.
func (cf *ciFlags) set(changed func(string) bool) string {
	for _, f := range []string{"assert", "junit", "golden", "ignore"} {
		if changed(f) {
			return f
		}
	}
	return ""
}

// ciResult is a fixture's verdict: what came back and every check that
// did not hold, with what came back instead.
type ciResult struct {
	Case     fixture.Fixture
	Delivery *storage.Delivery
	Failures []string
	Changes  []string // --golden differences, one a line
	Saved    bool     // --golden stored this answer for the first time
}

func (r *ciResult) passed() bool { return len(r.Failures) == 0 }

// ciRun is a CI replay ready to go: everything in it has been checked.
type ciRun struct {
	cases   []fixture.Fixture
	target  string
	resign  bool
	secrets map[string]string
	asserts []send.Assertion
	timing  send.Timing
	golden  bool
	ignore  []string // paths --golden leaves out
	client  *send.Client
	clock   send.Clock // nil: real time
}

// parseAssertions reads --assert; none means status=2xx, the rule every
// provider applies to a delivery.
func parseAssertions(specs []string) ([]send.Assertion, error) {
	if len(specs) == 0 {
		specs = []string{"status=2xx"}
	}
	out := make([]send.Assertion, 0, len(specs))
	for _, s := range specs {
		a, err := send.ParseAssertion(s)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// checkSecrets refuses, before anything is sent, a --resign that lacks
// the secret of a provider among the fixtures.
func checkSecrets(cases []fixture.Fixture, secrets map[string]string) error {
	for _, c := range cases {
		p := c.Request.Provider
		if send.CanResign(p) && secrets[p] == "" {
			return fmt.Errorf("--resign: %s is a %s request and no %s secret is given; pass --secret %s=SECRET (the test secret your handler checks with)",
				filepath.Base(c.Path), provider.Name(p), provider.Name(p), p)
		}
	}
	return nil
}

// play sends every case in order, under the timing, and checks each
// answer; out gets a line a fixture as it is decided. The error is bad
// input found on the way (a golden file that cannot be read or written).
func (run *ciRun) play(ctx context.Context, out io.Writer) ([]ciResult, error) {
	caps := make([]send.Captured, len(run.cases))
	for i, c := range run.cases {
		caps[i] = send.Captured{ID: int64(i), Time: c.Request.Time}
	}
	var results []ciResult
	var bad error
	playing, stop := context.WithCancel(ctx)
	defer stop()
	err := send.Play(playing, run.clock, run.timing, send.Plan(caps, send.PlanOptions{}), func(s send.Slot) {
		res := ciResult{Case: run.cases[s.ID]}
		r := res.Case.Request
		if why := cutBody(r); why != "" {
			res.Failures = append(res.Failures, "not sent: "+why)
			writeVerdict(out, &res)
			results = append(results, res)
			return
		}
		d, err := send.Rehearse(ctx, run.client, r, run.target, run.resign, run.secrets[r.Provider], time.Now())
		if err != nil {
			res.Failures = append(res.Failures, "not sent: "+err.Error())
		} else {
			res.Delivery = d
			bad = run.check(&res)
		}
		if bad != nil {
			stop() // the rest would be judged against the same broken input
			return
		}
		writeVerdict(out, &res)
		results = append(results, res)
	})
	if bad != nil {
		return results, badInput(bad)
	}
	return results, err
}

// check applies the assertions and the golden file to res's answer.
func (run *ciRun) check(res *ciResult) error {
	d := res.Delivery
	if d.Status == 0 {
		res.Failures = append(res.Failures, "no answer: "+d.Error)
		return nil
	}
	for _, a := range run.asserts {
		if ok, got := a.Check(d); !ok {
			res.Failures = append(res.Failures, a.Spec+": got "+got)
		}
	}
	if !run.golden {
		return nil
	}
	changes, saved, err := checkGolden(res.Case.Path, d, run.ignore)
	if err != nil {
		return err
	}
	res.Saved, res.Changes = saved, changes
	if len(changes) > 0 {
		res.Failures = append(res.Failures, fmt.Sprintf("the answer differs from %s", goldenPath(res.Case.Path)))
	}
	return nil
}

// writeVerdict prints a fixture's line, and under it the golden changes.
// Failures quote the network's bytes, so all of it is sanitised.
func writeVerdict(w io.Writer, res *ciResult) {
	name := sanitize.Line(filepath.Base(res.Case.Path))
	took := ""
	if d := res.Delivery; d != nil && d.Status > 0 {
		took = fmt.Sprintf("  %d %s", d.Status, send.Took(d.Duration))
	}
	switch {
	case !res.passed():
		fmt.Fprintf(w, "FAIL  %s%s  %s\n", name, took, sanitize.Line(strings.Join(res.Failures, "; ")))
	case res.Saved:
		fmt.Fprintf(w, "PASS  %s%s  (answer stored in %s)\n", name, took, sanitize.Line(goldenPath(res.Case.Path)))
	default:
		fmt.Fprintf(w, "PASS  %s%s\n", name, took)
	}
	for _, c := range res.Changes {
		fmt.Fprintf(w, "      %s\n", sanitize.Line(c))
	}
}

// summary is the last line of a CI replay, and its error when one failed.
func summary(w io.Writer, results []ciResult) error {
	failed := 0
	for i := range results {
		if !results[i].passed() {
			failed++
		}
	}
	noun := "fixtures"
	if len(results) == 1 {
		noun = "fixture"
	}
	fmt.Fprintf(w, "%d %s: %d passed, %d failed\n", len(results), noun, len(results)-failed, failed)
	if failed > 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("%d of %d fixtures failed", failed, len(results))}
	}
	return nil
}

// replayDir is gaff replay --dir: every input is checked before the first
// fixture is sent, and bad input exits 2.
func replayDir(cmd *cobra.Command, args []string, cf ciFlags, to string, timeout time.Duration, resign bool, secrets secretFlags, timing string) error {
	run, err := prepareCI(cmd, args, cf, to, timeout, resign, secrets, timing)
	if err != nil {
		return badInput(err)
	}
	out := cmd.OutOrStdout()
	results, err := run.play(cmd.Context(), out)
	if err != nil {
		return err
	}
	if cf.junit != "" {
		if err := writeJUnit(cf.junit, cf.dir, results); err != nil {
			return badInput(err)
		}
	}
	return summary(out, results)
}

func prepareCI(cmd *cobra.Command, args []string, cf ciFlags, to string, timeout time.Duration, resign bool, secrets secretFlags, timing string) (*ciRun, error) {
	if len(args) > 0 {
		return nil, fmt.Errorf("--dir replays fixtures, not captures: leave out %s", strings.Join(args, " "))
	}
	for _, f := range []string{"search", "shuffle", "seed", "duplicate", "max-gap"} {
		if cmd.Flags().Changed(f) {
			return nil, fmt.Errorf("--%s is for replaying captures; --dir takes --timing, --assert, --junit, --golden, --resign and --secret", f)
		}
	}
	if to == "" {
		return nil, fmt.Errorf("--dir needs --to URL: the handler to send the fixtures to")
	}
	if _, err := send.ParseTarget(to); err != nil {
		return nil, fmt.Errorf("--to: %w", err)
	}
	if timeout <= 0 {
		return nil, fmt.Errorf("--timeout %s: give a positive duration, like 30s", timeout)
	}
	if !cmd.Flags().Changed("timing") {
		timing = "fast"
	}
	tm, err := send.ParseTiming(timing)
	if err != nil {
		return nil, err
	}
	tm.MaxGap = send.DefaultMaxGap
	if len(cf.ignore) > 0 && !cf.golden {
		return nil, fmt.Errorf("--ignore leaves paths out of the --golden comparison: add --golden")
	}
	if err := (diff.Options{Ignore: cf.ignore}).Check(); err != nil {
		return nil, fmt.Errorf("--ignore: %w", err)
	}
	asserts, err := parseAssertions(cf.asserts)
	if err != nil {
		return nil, err
	}
	if cf.junit != "" {
		if st, err := os.Stat(filepath.Dir(cf.junit)); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--junit %s: its directory does not exist; make it first", cf.junit)
		}
	}
	if st, err := os.Stat(cf.dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("--dir %s: no such directory", cf.dir)
	}
	cases, err := fixture.Load(cf.dir)
	if err != nil {
		return nil, err
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("--dir %s holds no fixtures (*.json); save some with gaff fixture save ID --dir %s", cf.dir, cf.dir)
	}
	run := &ciRun{cases: cases, target: to, resign: resign, asserts: asserts, timing: tm, golden: cf.golden, ignore: cf.ignore, client: send.NewClient(timeout)}
	if resign {
		if run.secrets, _, err = secrets.resolve(); err != nil {
			return nil, err
		}
		if err := checkSecrets(cases, run.secrets); err != nil {
			return nil, err
		}
	}
	return run, nil
}

// cutBody says why a capture cut at --max-body makes no test: the handler
// would judge part of a request, and a pass on it proves nothing.
// Forwarding refuses such captures for the same reason.
func cutBody(r *storage.Request) string {
	if !r.Truncated {
		return ""
	}
	return fmt.Sprintf("the body was cut at capture (%d of %d bytes kept, --max-body), so this is not what the sender sent; "+
		"catch the event again with a larger --max-body", len(r.Body), r.Size)
}
