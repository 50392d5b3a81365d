package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"gaff/policy"
	"gaff/send"
	"gaff/storage"
)

func replayCmd(dbf *dbFlags) *cobra.Command {
	var to string
	var timeout time.Duration
	var resign bool
	var secrets secretFlags
	var sf scenarioFlags
	var cf ciFlags
	cmd := &cobra.Command{
		Use:   "replay ID | ID1-ID2... [--search QUERY] | --dir DIR --to URL",
		Short: "Send captured requests again and print the responses",
		Long: `Send captured request ID again, byte for byte: the same method, path,
query, headers and body, to --to URL (its path is kept as a prefix) or, without
--to, to the remembered --forward-to target. The attempt is stored with the
request (the TUI's deliveries tab shows it). --resign signs it afresh, with the
provider's secret from --secret, --secret-file, GAFF_SECRET_<PROVIDER> or as
saved in gaff, so the handler's signature and timestamp checks pass. The exit
status is 0 only for a 2xx answer.

Scenario replay: several ids or ranges (gaff replay 3-9 12), a --search, or
both, replay those captures in capture order and print a row for each: id,
method, status (or error), time taken, path. --timing original keeps the
gaps between the captures (each at most --max-gap), fast sends back to back,
10x divides the gaps by ten. --duplicate N sends each capture N times in a
row; --shuffle sends them in a random order (--seed N repeats one), keeping
the rhythm of the gaps. The exit status is 0 when every send got an answer,
whatever its status, 1 when one did not, 2 for bad input.

CI replay: --dir DIR sends every fixture in DIR (see gaff fixture save) in
file-name order, numbers by value (capture order), to --to URL, without a gaff database, and checks each answer
with every --assert: status=2xx, status=204, header:NAME=VALUE, body~REGEX,
json:PATH=VALUE (PATH like .a.b[0].c; VALUE is JSON, or else a string). With
no --assert the answer must be a 2xx. It prints PASS or FAIL a fixture, with
what came back when an assertion failed; --junit FILE writes the same as
JUnit XML. --resign signs each fixture afresh with the test secret of
--secret PROVIDER=SECRET, so saved (or redacted) signatures pass again.
A fixture whose body was cut at --max-body fails without being sent.
--golden stores each answer in DIR/responses/ on the first run and fails a
fixture whose answer differs on a later one, listing the differences
(--ignore PATH leaves parts out, like .body.created_at).
--timing is fast (the default here) or original. The exit status is 0 when
every assertion held, 1 when one failed, 2 for bad input (an assertion that
does not parse, no such directory, a fixture that cannot be read, a bad URL,
a missing secret).`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case cf.dir != "" || cmd.Flags().Changed("dir"):
				return replayDir(cmd, args, cf, to, timeout, resign, secrets, sf.timing)
			case cf.set(cmd.Flags().Changed) != "":
				return badInput(fmt.Errorf("--%s checks fixtures' answers: use it with --dir DIR", cf.set(cmd.Flags().Changed)))
			case len(args) != 1 || isScenario(args, cmd.Flags().Changed):
				return replayScenario(cmd, dbf, args, sf, to, timeout, resign, secrets)
			}
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			if timeout <= 0 {
				return fmt.Errorf("--timeout %s: give a positive duration, like 30s", timeout)
			}
			// Checked before the database is opened: an attempt that could
			// not be made is not recorded.
			if to != "" {
				if _, err := send.ParseTarget(to); err != nil {
					return fmt.Errorf("--to: %w", err)
				}
			}
			var overrides *policy.Overrides
			if resign {
				// Secrets from --secret, --secret-file and GAFF_SECRET_*, as gaff's own.
				if overrides, err = (&policyFlags{secretFlags: secrets}).parse(); err != nil {
					return err
				}
			}
			d, err := replayOnce(cmd.Context(), dbf, id, to, timeout, resign, overrides)
			if d != nil {
				printDelivery(os.Stdout, d)
			}
			if err != nil {
				return err
			}
			// As for gaff send and for the providers themselves, only a 2xx
			// is a delivery; the exit status lets scripts tell.
			switch {
			case d.Status == 0:
				return fmt.Errorf("no response; the attempt is stored as delivery %d", d.ID)
			case d.Status < 200 || d.Status > 299:
				return fmt.Errorf("the target answered %d; the attempt is stored as delivery %d", d.Status, d.ID)
			}
			return nil
		},
	}
	f := cmd.Flags()
	sf.add(f)
	cf.add(f)
	f.StringVar(&to, "to", "", "base URL to send to (default: the remembered --forward-to target)")
	f.DurationVar(&timeout, "timeout", send.DefaultTimeout, "how long to wait for the answer")
	f.BoolVar(&resign, "resign", false, "sign it again with a fresh timestamp (GitHub, Stripe, Slack, Shopify, Standard Webhooks)")
	secrets.add(f, "PROVIDER=SECRET for --resign (repeatable); saved secrets are used otherwise")
	return cmd
}

// replayOnce replays capture id and records the attempt, for gaff replay
// and the MCP server alike. With resign, the saved secrets sign it, with
// overrides over them.
func replayOnce(ctx context.Context, dbf *dbFlags, id int64, to string, timeout time.Duration, resign bool, overrides *policy.Overrides) (*storage.Delivery, error) {
	db, err := openWrite(dbf)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var secret func(string) (string, bool)
	if resign {
		l, err := policy.Layer(ctx, db, overrides, nil)
		if err != nil {
			return nil, err
		}
		secret = l.Secret
	}
	return newSender(db, timeout, secret).Replay(ctx, id, to, resign)
}
