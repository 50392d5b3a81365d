package cli

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"gaff/storage"
	"gaff/team"
)

func teamServeCmd() *cobra.Command {
	var listen, store, token, cert, key string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run a NATS server with JetStream for your team, and print the URL to share",
		Long: `gaff team serve runs a NATS server with JetStream on this machine and prints
the --team URL teammates pass to gaff. It requires a token, generated once
and kept in the store directory (the URL carries it: send it privately), and
takes --tls-cert/--tls-key to encrypt the connection on a network you do
not trust. The team's history lives in --store; stop and start the server
and nothing is lost.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			host, port, err := splitListen(listen)
			if err != nil {
				return err
			}
			if store == "" {
				db, err := storage.DefaultPath()
				if err != nil {
					return err
				}
				store = filepath.Join(filepath.Dir(db), "team")
			}
			if token == "" {
				if token, err = storedToken(store); err != nil {
					return err
				}
			}
			s, err := team.StartServer(team.ServerOptions{Host: host, Port: port, StoreDir: store, Token: token, TLSCert: cert, TLSKey: key})
			if err != nil {
				return err
			}
			defer s.Stop()
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "gaff team server on %s (history in %s)\n\n", net.JoinHostPort(host, strconv.Itoa(s.Port())), store)
			fmt.Fprintf(out, "Teammates join with (the URL holds the token: share it privately):\n\n  gaff --team %s --as NAME\n\n", s.URL(shareHost(host)))
			if cert == "" {
				fmt.Fprintln(out, "The connection is not encrypted: on a network you do not trust, restart with --tls-cert and --tls-key (the URL becomes tls://).")
			} else {
				fmt.Fprintf(out, "If the certificate is self-signed (or your own CA's), teammates also add --team-ca with a copy of %s.\n", cert)
			}
			fmt.Fprintln(out, "Stop with ctrl+c.")
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			select {
			case <-sig:
			case <-cmd.Context().Done():
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "0.0.0.0:4222", "address to listen on (port 0 picks a free one)")
	f.StringVar(&store, "store", "", "directory for the team's history (default $XDG_DATA_HOME/gaff/team)")
	f.StringVar(&token, "token", "", "the token members must give (default: generated once and kept in the store directory)")
	f.StringVar(&cert, "tls-cert", "", "TLS certificate file (PEM): members connect with tls://")
	f.StringVar(&key, "tls-key", "", "TLS key file (PEM) for --tls-cert")
	return cmd
}

func splitListen(listen string) (string, int, error) {
	host, p, err := net.SplitHostPort(listen)
	if err != nil {
		return "", 0, fmt.Errorf("--listen %q: write HOST:PORT, as in 0.0.0.0:4222", listen)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("--listen %q: the port must be a number from 0 to 65535", listen)
	}
	if port == 0 {
		port = -1 // the server's word for "any free port"
	}
	return host, port, nil
}

// storedToken reads the server's token from the store directory, making it
// the first time, so a restarted server keeps the URL teammates have.
func storedToken(store string) (string, error) {
	if err := os.MkdirAll(store, 0o700); err != nil {
		return "", fmt.Errorf("cannot make the store directory: %w", err)
	}
	path := filepath.Join(store, "token")
	b, err := os.ReadFile(path)
	if err == nil {
		if t := strings.TrimSpace(string(b)); t != "" {
			return t, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("cannot read the token: %w", err)
	}
	t := team.NewToken()
	if err := os.WriteFile(path, []byte(t+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("cannot keep the token: %w", err)
	}
	return t, nil
}

// shareHost is the host teammates reach: the one listened on, or for every
// interface, this machine's first non-loopback address.
func shareHost(host string) string {
	if host != "" && host != "0.0.0.0" && host != "::" {
		return host
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	if h, err := os.Hostname(); err == nil {
		return h
	}
	return "127.0.0.1"
}
