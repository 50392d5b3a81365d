package team

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// ServerOptions configure the embedded team server (`gaff team serve`).
type ServerOptions struct {
	Host     string // "" or 0.0.0.0: every interface
	Port     int    // -1: any free port
	StoreDir string // JetStream's files: the team's history
	Token    string // "" for no authentication (tests only)
	TLSCert  string
	TLSKey   string
}

// Server is a running embedded NATS server with JetStream.
type Server struct {
	s     *server.Server
	token string
	tls   bool
}

// StartServer starts a NATS server with JetStream and waits until it
// takes connections.
func StartServer(o ServerOptions) (*Server, error) {
	opts := &server.Options{
		Host:          o.Host,
		Port:          o.Port,
		JetStream:     true,
		StoreDir:      o.StoreDir,
		Authorization: o.Token,
		NoSigs:        true,
		NoLog:         true,
		ServerName:    "gaff",
	}
	if o.TLSCert != "" || o.TLSKey != "" {
		if o.TLSCert == "" || o.TLSKey == "" {
			return nil, errors.New("--tls-cert and --tls-key go together")
		}
		tc, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: o.TLSCert, KeyFile: o.TLSKey})
		if err != nil {
			return nil, fmt.Errorf("cannot load the TLS certificate: %w", err)
		}
		opts.TLSConfig, opts.TLS = tc, true
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("cannot start the team server: %w", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("the team server did not start listening on %s (is the port taken?)", net.JoinHostPort(o.Host, strconv.Itoa(o.Port)))
	}
	return &Server{s: s, token: o.Token, tls: opts.TLS}, nil
}

// Port is the port it listens on.
func (s *Server) Port() int { return s.s.Addr().(*net.TCPAddr).Port }

// URL is what members pass to --team, token included, with host for the
// address teammates reach this machine at.
func (s *Server) URL(host string) string {
	u := url.URL{Scheme: "nats", Host: net.JoinHostPort(host, strconv.Itoa(s.Port()))}
	if s.tls {
		u.Scheme = "tls"
	}
	if s.token != "" {
		u.User = url.User(s.token)
	}
	return u.String()
}

// Stop shuts the server down and waits for it.
func (s *Server) Stop() {
	s.s.Shutdown()
	s.s.WaitForShutdown()
}

// NewToken is a random token for the server's authorization.
func NewToken() string {
	b := make([]byte, 18)
	rand.Read(b)
	return hex.EncodeToString(b)
}
