// Package cli is gaff's command line: the root command, which serves
// (serve.go), and one file per subcommand. It parses flags, checks them
// before anything is opened, and wires the parts together.
package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"gaff/capture"
	"gaff/send"
	"gaff/storage"
)

// common flags shared by every command that opens the database.
type dbFlags struct{ path string }

func (f *dbFlags) add(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.path, "db", "", "database file (default $XDG_DATA_HOME/gaff/gaff.db)")
}

// Root is the gaff command; version names this build (HAR's creator, the
// ngrok client).
func Root(version string) *cobra.Command {
	var db dbFlags
	o := serveOptions{version: version}
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
			return serve(cmd.Context(), o)
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
	f.BoolVar(&o.headless, "headless", false, "no TUI: print one JSON object per captured request on stdout; a {\"ready\":true,…} line on stderr says when it listens and when the public URL is online")
	f.StringVar(&o.format, "format", "json", "with --headless: json (an object a line, for scripts) or text (a line a capture, to read)")
	f.Int64Var(&o.after, "after", -1, "with --headless: first print the stored captures after this id (resume after a crash), then live ones")
	f.StringVar(&o.logPath, "log", "", "log file (default $XDG_STATE_HOME/gaff/gaff.log)")
	f.StringVar(&o.tunnel, "tunnel", "auto", "public URL: auto (ngrok when NGROK_AUTHTOKEN is set), ngrok, or none")
	f.StringVar(&o.url, "url", "", "fixed public URL to ask ngrok for (https://NAME.ngrok.app or your own domain)")
	f.StringVar(&o.basicAuth, "basic-auth", "", "require USER:PASSWORD on the public URL (checked at ngrok's edge); GAFF_BASIC_AUTH is read when not given")
	f.StringVar(&o.basicAuthFile, "basic-auth-file", "", "read USER:PASSWORD for --basic-auth from this file (yours alone: chmod 600)")
	f.StringArrayVar(&o.allowCIDR, "allow-cidr", nil, "accept the public URL only from this CIDR (repeatable)")
	f.StringVar(&o.trafficPolicy, "traffic-policy", "", "ngrok traffic policy file for the public URL")
	f.BoolVar(&o.pool, "pool", false, "with --url: let teammates' gaffs serve the same ngrok URL too (ngrok endpoint pooling spreads requests over them; share them with --team)")
	o.policy.add(cmd)
	o.retention.add(cmd)
	o.forward.add(cmd)
	o.team.add(cmd)
	cmd.AddCommand(listCmd(&db), showCmd(&db), replayCmd(&db), exportCmd(&db, version))
	cmd.AddCommand(sendCmd(&db), subscriptionsCmd(&db))
	cmd.AddCommand(fixtureCmd(&db), diffCmd(&db), mcpCmd(&db, version), teamCmd())
	return cmd
}

// resolve is the database path: --db, or the default place.
func (f *dbFlags) resolve() (string, error) {
	if f.path != "" {
		return f.path, nil
	}
	return storage.DefaultPath()
}

// openRead opens the database to read only.
func openRead(f *dbFlags) (*storage.DB, error) {
	path, err := f.resolve()
	if err != nil {
		return nil, err
	}
	return storage.Open(path, storage.Options{ReadOnly: true})
}

// openWrite opens an existing database for writing beside a running gaff
// (WAL and a busy timeout make that safe). It does not create one: a
// replay needs captures.
func openWrite(f *dbFlags) (*storage.DB, error) {
	path, err := f.resolve()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no database at %s yet: start gaff once to create it, or pass --db PATH", path)
	}
	return storage.Open(path, storage.Options{})
}

// openCreate opens the database for writing, creating it if needed: a
// subscription may be added, or a webhook sent, before gaff ever ran.
func openCreate(f *dbFlags) (*storage.DB, error) {
	path, err := f.resolve()
	if err != nil {
		return nil, err
	}
	return storage.Open(path, storage.Options{})
}

// parseID reads a request id as gaff prints it (7 or #7).
func parseID(s string) (int64, error) {
	var id int64
	if _, err := fmt.Sscan(strings.TrimPrefix(s, "#"), &id); err != nil || id < 1 {
		return 0, fmt.Errorf("%q is not a request id (see gaff list)", s)
	}
	return id, nil
}

// headerFlags reads the --header flags given, 'Name: value' each.
func headerFlags(raw []string) (storage.Headers, error) {
	var out storage.Headers
	for _, x := range raw {
		h, err := send.ParseHeader(x)
		if err != nil {
			return nil, fmt.Errorf("--header: %w", err)
		}
		out = append(out, h)
	}
	return out, nil
}
