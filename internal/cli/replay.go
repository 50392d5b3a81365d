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
	cmd := &cobra.Command{
		Use:   "replay ID",
		Short: "Send a captured request again and print the response",
		Long: `Send captured request ID again, byte for byte: the same method, path,
query, headers and body, to --to URL (its path is kept as a prefix) or, without
--to, to the remembered --forward-to target. The attempt is stored with the
request (the TUI's deliveries tab shows it). --resign signs it afresh, with the
provider's secret from --secret, --secret-file, GAFF_SECRET_<PROVIDER> or as
saved in gaff, so the handler's signature and timestamp checks pass. The exit
status is 0 only for a 2xx answer.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
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
