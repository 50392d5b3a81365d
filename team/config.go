// Package team shares captures with teammates through NATS JetStream: every
// capture committed here is published to the team's stream, and every
// teammate's capture is stored here with its origin. See ARCHITECTURE.md,
// "Team".
package team

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"

	"gaff/storage"
)

// Config is one member's view of the team.
type Config struct {
	URL       string // nats://[user:pass@|token@]host:port, tls://… for TLS
	Name      string // the team: one stream, gaff_NAME
	Me        string // this member, as teammates see it ("from alice")
	CredsFile string // a NATS credentials file (--team-creds)
	CAFile    string // certificates (PEM) to trust for tls:// (--team-ca), instead of the system's
	Replicas  int    // stream replicas when this member creates the stream
	// Redact, when set, makes the copy of a capture that is shipped.
	Redact func(*storage.Request) *storage.Request
}

// names are what a NATS subject token and a stream name both accept.
var names = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Check validates the configuration without touching the network, so a
// mistyped flag is said at once instead of retried as an outage.
func (c *Config) Check() error {
	// Several servers of a cluster are given separated by commas, as the
	// NATS client takes them.
	for _, one := range strings.Split(c.URL, ",") {
		if err := checkURL(strings.TrimSpace(one)); err != nil {
			return err
		}
	}
	if !names.MatchString(c.Name) {
		return fmt.Errorf("--team-name %q: use 1 to 64 letters, digits, - or _", c.Name)
	}
	if c.Me == "" {
		return errors.New("--as is empty and $USER is not set: name yourself with --as NAME, as teammates will see you")
	}
	if !names.MatchString(c.Me) {
		return fmt.Errorf("--as %q: use 1 to 64 letters, digits, - or _", c.Me)
	}
	if c.Replicas < 1 || c.Replicas > 5 {
		return fmt.Errorf("--team-replicas %d: a stream has 1 to 5 replicas (3 on a 3-node cluster)", c.Replicas)
	}
	if c.CredsFile != "" {
		if err := checkCreds(c.CredsFile); err != nil {
			return err
		}
	}
	if c.CAFile != "" {
		return checkCA(c.CAFile)
	}
	return nil
}

// checkCA reads the certificates as the NATS client will when it
// connects, so a wrong file is said at start.
func checkCA(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--team-ca: %w", err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(b) {
		return fmt.Errorf("--team-ca %s holds no PEM certificate: give the team server's certificate (gaff team serve --tls-cert) or the CA that signed it", path)
	}
	return nil
}

// checkCreds reads a credentials file as the NATS client will, so a wrong
// path or a file of something else is said once, at start, rather than
// retried as if the server were down.
func checkCreds(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--team-creds: %w", err)
	}
	notCreds := func(err error) error {
		return fmt.Errorf("--team-creds %s is not a NATS credentials file (a user JWT and its seed, as `nsc generate creds` writes): %w", path, err)
	}
	token, err := nkeys.ParseDecoratedJWT(b)
	if err != nil {
		return notCreds(err)
	}
	if _, err := jwt.DecodeUserClaims(token); err != nil {
		return notCreds(err)
	}
	kp, err := nkeys.ParseDecoratedUserNKey(b)
	if err != nil {
		return notCreds(err)
	}
	kp.Wipe()
	return nil
}

func checkURL(raw string) error {
	if !strings.Contains(raw, "://") {
		return fmt.Errorf("--team %q: the scheme must be nats:// or tls://, as in nats://%s", redactURL(raw), redactURL(raw))
	}
	u, err := url.Parse(raw)
	if err != nil {
		// The parser's message repeats the URL, password and all.
		return fmt.Errorf("--team %q is not a URL: write nats://HOST:PORT, or tls://HOST:PORT for TLS", redactURL(raw))
	}
	switch u.Scheme {
	case "nats", "tls", "ws", "wss":
	default:
		return fmt.Errorf("--team %q: the scheme must be nats:// or tls:// (the address `gaff team serve` prints)", redactURL(raw))
	}
	if u.Hostname() == "" || u.Port() == "" {
		return fmt.Errorf("--team %q: name the host and port, as in nats://192.0.2.7:4222", redactURL(raw))
	}
	return nil
}

// stream is the team's JetStream stream; subject is where a member publishes;
// all is what every member consumes.
func (c *Config) stream() string            { return "gaff_" + c.Name }
func (c *Config) subject(who string) string { return "gaff." + c.Name + ".captures." + who }
func (c *Config) all() string               { return "gaff." + c.Name + ".captures.>" }
func (c *Config) durable() string           { return "member_" + c.Me }

// memberOf is the member a subject names, "" when it is not a capture's.
func (c *Config) memberOf(subject string) string {
	who, ok := strings.CutPrefix(subject, "gaff."+c.Name+".captures.")
	if !ok || !names.MatchString(who) {
		return ""
	}
	return who
}

// redactURL hides a password or token in a URL for messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			return "…" + raw[i:]
		}
		return raw
	}
	u.User = url.User("xxxxx")
	return u.String()
}
