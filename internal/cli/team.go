package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"gaff/redact"
	"gaff/sanitize"
	"gaff/storage"
	"gaff/team"
)

// teamFlags join a team: captures are shared with the others on the same
// NATS server and team name (ARCHITECTURE.md, "Team").
type teamFlags struct {
	url, name, me, creds, ca string
	replicas                 int
	redact                   bool
	redactFields             []string
}

func (f *teamFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.url, "team", "", "share captures with a team through this NATS server: nats://TOKEN@HOST:4222 (as `gaff team serve` prints), nats://USER:PASS@HOST:4222, or tls://… for TLS")
	fl.StringVar(&f.name, "team-name", "gaff", "the team on that server: members with the same name share captures")
	fl.StringVar(&f.me, "as", os.Getenv("USER"), "your name in the team, shown beside the captures you share (\"from alice\"); unique in the team")
	fl.StringVar(&f.creds, "team-creds", "", "a NATS credentials file (.creds) to log in to the team server with")
	fl.StringVar(&f.ca, "team-ca", "", "trust the tls:// team server's certificate from this PEM file (a self-signed one, or your CA's) instead of the system's")
	fl.IntVar(&f.replicas, "team-replicas", 1, "replicas of the team's stream when this gaff creates it (3 on a 3-node JetStream cluster)")
	fl.BoolVar(&f.redact, "team-redact", false, "ship captures with secrets and e-mail addresses replaced, as export --redact does (docs/redaction.md); this database keeps them whole")
	fl.StringArrayVar(&f.redactFields, "team-redact-field", nil, "also redact this JSON/form field in what is shipped (as --redact-field); implies --team-redact; repeatable")
}

// config is the team configuration, nil without --team. Redaction flags
// are checked before anything is opened, like every flag: a wrong one must
// not ship what the user meant to hide.
func (f *teamFlags) config() (*team.Config, error) {
	if f.url == "" {
		if f.redact || len(f.redactFields) > 0 {
			return nil, errors.New("--team-redact applies to what --team ships: add --team nats://…, or drop it")
		}
		return nil, nil
	}
	c := &team.Config{URL: f.url, Name: f.name, Me: f.me, CredsFile: f.creds, CAFile: f.ca, Replicas: f.replicas}
	if f.redact || len(f.redactFields) > 0 {
		opt := redact.Options{Fields: f.redactFields}
		if err := opt.Check(); err != nil {
			return nil, errors.New(strings.Replace(err.Error(), "--redact-field", "--team-redact-field", 1))
		}
		c.Redact = func(r *storage.Request) *storage.Request { return redact.Request(r, opt) }
	}
	// c.Check's errors are not returned: a team that cannot be joined
	// leaves capture running and is reported as the team's state, like a
	// refused token (README "Team").
	return c, nil
}

// startTeam joins the team before capture starts, so every capture
// committed from then on is shipped; nil without --team.
func startTeam(cfg *team.Config, db *storage.DB, log *slog.Logger) (*team.Member, error) {
	if cfg == nil {
		return nil, nil
	}
	return team.Start(*cfg, db, log)
}

// reportTeam says on stderr, headless, how the team connection stands as it
// changes: what failed, and that capture goes on.
func reportTeam(ctx context.Context, m *team.Member, w io.Writer) {
	var last team.State
	first := true
	for {
		s := m.State()
		if first || s.Phase != last.Phase || s.Err != last.Err {
			if line := teamLine(s); line != "" {
				fmt.Fprintln(w, line)
			}
			last, first = s, false
		}
		if s.Phase == team.Refused || s.Phase == team.Invalid || s.Phase == team.Stopped {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-m.Changed():
		}
	}
}

// teamLine is one state's line for stderr; the error is the client
// library's text about the network, so it is sanitised.
func teamLine(s team.State) string {
	why := sanitize.Line(s.Err)
	switch s.Phase {
	case team.Connected:
		return "gaff: team: connected; captures are shared"
	case team.Offline:
		return "gaff: team: cannot reach the team server (" + why + "); captures go on and are shipped when it is back"
	case team.Invalid:
		return "gaff: team: cannot join the team: " + why + "; captures go on but are not shared: fix it and restart gaff"
	case team.Refused:
		return "gaff: team: the team server refused the credentials (" + why + "); captures go on but are not shared: check the token or --team-creds and restart gaff"
	}
	return ""
}

func teamCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "team",
		Short: "Share captures with teammates through NATS JetStream",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(teamServeCmd())
	return cmd
}

// teamState is the TUI header's view of the team, nil without --team.
func teamState(m *team.Member) func() team.State {
	if m == nil {
		return nil
	}
	return m.State
}
