// gaff catches, inspects, replays and sends webhooks from the terminal.
// This file only parses flags and hands over; the parts live in their
// packages (DESIGN.md).
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"gaff/capture"
)

func main() {
	if err := rootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "gaff:", err)
		os.Exit(1)
	}
}

// common flags shared by every command that opens the database.
type dbFlags struct{ path string }

func (f *dbFlags) add(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.path, "db", "", "database file (default $XDG_DATA_HOME/gaff/gaff.db)")
}

func rootCmd() *cobra.Command {
	var db dbFlags
	var o runOptions
	cmd := &cobra.Command{
		Use:   "gaff",
		Short: "Catch, inspect, replay and send webhooks",
		Long: `gaff gives you a URL to paste into GitHub, Stripe, Slack or any webhook
sender, stores every request it receives in SQLite before answering, and
shows them live. With NGROK_AUTHTOKEN set the URL is public.

Secrets can stay off the command line (and out of ps): GAFF_SECRET_<PROVIDER>
(GAFF_SECRET_GITHUB, GAFF_SECRET_STANDARD_WEBHOOKS) or --secret-file for
--secret, GAFF_BASIC_AUTH or --basic-auth-file for --basic-auth. The flag wins
over the file, the file over the environment.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.db = db.path
			o.listenSet = cmd.Flags().Changed("listen")
			return run(cmd.Context(), o)
		},
	}
	db.add(cmd)
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", defaultListen, "local address to listen on")
	f.Int64Var(&o.maxBody, "max-body", capture.DefaultMaxBody,
		fmt.Sprintf("largest body stored whole, in bytes (at most %d MiB); larger ones are cut and answered 413", capture.DefaultMaxInFlight>>20))
	// Tests use it to fill the "disk" without filling a disk.
	f.Int64Var(&o.maxPages, "max-db-pages", 0, "cap the database at this many pages (4 KiB each)")
	f.MarkHidden("max-db-pages")
	f.BoolVar(&o.headless, "headless", false, "no TUI: print one JSON object per captured request on stdout")
	f.Int64Var(&o.after, "after", -1, "with --headless: first print the stored captures after this id (resume after a crash), then live ones")
	f.StringVar(&o.logPath, "log", "", "log file (default $XDG_STATE_HOME/gaff/gaff.log)")
	f.StringVar(&o.tunnel, "tunnel", "auto", "public URL: auto (ngrok when NGROK_AUTHTOKEN is set), ngrok, or none")
	f.StringVar(&o.url, "url", "", "fixed public URL to ask ngrok for (https://NAME.ngrok.app or your own domain)")
	f.StringVar(&o.basicAuth, "basic-auth", "", "require USER:PASSWORD on the public URL (checked at ngrok's edge); GAFF_BASIC_AUTH is read when not given")
	f.StringVar(&o.basicAuthFile, "basic-auth-file", "", "read USER:PASSWORD for --basic-auth from this file (yours alone: chmod 600)")
	f.StringArrayVar(&o.allowCIDR, "allow-cidr", nil, "accept the public URL only from this CIDR (repeatable)")
	f.StringVar(&o.trafficPolicy, "traffic-policy", "", "ngrok traffic policy file for the public URL")
	o.policy.add(cmd)
	o.retention.add(cmd)
	o.forward.add(cmd)
	cmd.AddCommand(listCmd(&db), showCmd(&db), replayCmd(&db), exportCmd(&db))
	cmd.AddCommand(sendCmd(&db), subscriptionsCmd(&db))
	return cmd
}
