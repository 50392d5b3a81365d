package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/capture"
	"gaff/policy"
	"gaff/sanitize"
	"gaff/storage"
	"gaff/team"
	"gaff/tunnel"
	"gaff/ui"
)

const defaultListen = "127.0.0.1:4747"

// startNgrok opens the public URL; a test replaces it to make it fail
// while a capture is in flight.
var startNgrok = tunnel.Ngrok

type serveOptions struct {
	version   string // this build's, for the ngrok client
	db        string
	listen    string
	listenSet bool
	maxBody   int64
	maxPages  int64 // hidden --max-db-pages: a small "disk" for tests
	headless  bool
	after     int64  // --after: the capture --headless prints after; -1: the newest
	format    string // --format: json or text lines from --headless
	logPath   string

	tunnel, url, basicAuth, basicAuthFile, trafficPolicy string
	pool                                                 bool
	allowCIDR                                            []string
	policy                                               policyFlags
	retention                                            retentionFlags
	forward                                              forwardFlags
	team                                                 teamFlags

	// Set by check.
	overrides  *policy.Overrides
	teamConfig *team.Config // nil without --team
	useNgrok   bool
	ngrokToken string
}

// serve is gaff itself: it captures on the local address (and the public
// URL), shows the TUI or prints --headless lines, and delivers forwards and
// subscription events, until a signal or the quit key. Each step's cleanup
// is deferred as it starts, so everything stops in the reverse order:
// capture drains before the forwards and the background work end, and
// those before the database closes.
func serve(ctx context.Context, o serveOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	// Caught from the start, so a stop while gaff starts up is graceful
	// too; it cancels only what runs once capture is up (below).
	sigCtx, stop := catchSignals(ctx, o.headless)
	defer stop()
	log, closeLog, err := openLog(o.logPath, o.headless)
	if err != nil {
		return err
	}
	defer closeLog()
	// Libraries that log through slog's default (the ngrok SDK does) must
	// not write over the TUI.
	slog.SetDefault(log)
	db, err := o.openDB()
	if err != nil {
		return err
	}
	defer db.Close()
	dispatcher, stopDispatcher := startDispatcher(ctx, db, log)
	defer stopDispatcher() // runs before db.Close: attempts in flight end first

	local, err := listenLocal(o.listen, o.listenSet)
	if err != nil {
		return err
	}
	h, stopForwarding, err := newCapture(ctx, o, db, log, local.URL())
	if err != nil {
		return err
	}
	defer stopForwarding() // after the server's shutdown, before db.Close
	// Before capture starts, so every capture from here on is shipped.
	member, err := startTeam(o.teamConfig, db, log)
	if err != nil {
		return err
	}
	if member != nil {
		defer member.Stop() // after the server's shutdown, before db.Close
	}
	var printer *headless
	if o.headless {
		// Before retention starts, so it never deletes what is unprinted.
		printer = newHeadless(db, os.Stdout, o.after, log)
		if o.format == "text" {
			printer.line = func(b []byte, r *storage.Request) []byte { return append(b, captureLine(r)...) }
		}
	}
	stopBackground, err := startBackground(ctx, db, o.retention, log)
	if err != nil {
		return err
	}
	defer stopBackground() // before db.Close (deferred earlier, so run later)
	pol, err := policy.Layer(ctx, db, o.overrides, h.SetPolicy)
	if err != nil {
		return err
	}
	srv := capture.NewServer(h, log)
	// Hangs would hold the shutdown to its timeout: they end first.
	srv.RegisterOnShutdown(h.Stop)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(h.Listener(local, "local")) }()
	// Whatever ends the run from here (a tunnel that fails to start
	// included), in-flight captures finish before the database closes.
	stopServer := sync.OnceFunc(func() { shutdown(srv, log) })
	defer stopServer()
	log.Info("listening", "url", local.URL(), "db", o.db)

	ctx = sigCtx
	var public tunnel.Tunnel
	if o.useNgrok {
		if public, err = startNgrok(ctx, o.ngrokOptions(log)); err != nil {
			return err
		}
		defer public.Close()
		// An error here means the tunnel closed or failed; its State says
		// why and the local listener carries on.
		go func() { _ = srv.Serve(h.Listener(public, "ngrok")) }()
	}

	if o.headless {
		return runHeadless(ctx, printer, serveErr, stopServer, local, public, member, o.db)
	}
	err = runTUI(ctx, ui.Deps{DB: db, Local: local, Public: public, Health: h.Health, Policy: pol,
		Sender: newSender(db, o.forward.timeout, pol.Secret), Dispatcher: dispatcher, ForwardTo: o.forward.to, Overloaded: h.Overloaded, Team: teamState(member)})
	stopServer() // before the public URL closes under requests in flight
	return err
}

// catchSignals ends the returned context on SIGINT or SIGTERM. Headless,
// a closed stdout must be an error to handle (say so, drain, stop), not a
// SIGPIPE that kills gaff with requests in flight.
func catchSignals(ctx context.Context, headless bool) (context.Context, context.CancelFunc) {
	if headless {
		signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	}
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}

// openDB opens (or creates) the database at --db or the default place.
func (o *serveOptions) openDB() (*storage.DB, error) {
	if o.db == "" {
		var err error
		if o.db, err = storage.DefaultPath(); err != nil {
			return nil, err
		}
	}
	return storage.Open(o.db, storage.Options{MaxPageCount: o.maxPages})
}

// ingestGCPercent is the collector's GOGC while gaff captures.
const ingestGCPercent = 400

// tuneCollector sets the garbage collector for capturing; the environment's
// GOMEMLIMIT and GOGC win.
func tuneCollector() {
	// The in-flight budget bounds what captures hold; a soft limit above it
	// keeps the collector from letting the heap double past it in a flood
	// (measured: RSS peak 1.1 GB without, 0.6 GB with).
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(capture.DefaultMaxInFlight + 256<<20)
	}
	// Captures allocate briskly over a small live heap, so at GOGC=100 the
	// collector ran several times a second under load and its work held
	// ingest back; with the limit above as the bound, the heap may grow to
	// five times what is live between collections (ARCHITECTURE.md,
	// "Limits are explicit", has the figures).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(ingestGCPercent)
	}
}

// newCapture makes the capture handler, with --forward-to's hooks; stop
// ends the forwarding (see setupForwarding).
func newCapture(ctx context.Context, o serveOptions, db *storage.DB, log *slog.Logger, self string) (h *capture.Handler, stop func(), err error) {
	stored, proxy, stop, err := setupForwarding(ctx, o, db, log, o.headless, self)
	if err != nil {
		return nil, nil, err
	}
	h = capture.New(capture.Config{DB: db, MaxBody: o.maxBody, Log: log, Stored: stored, Proxy: proxy})
	tuneCollector()
	return h, stop, nil
}

// ngrokOptions are the public URL's, as the flags give them.
func (o *serveOptions) ngrokOptions(log *slog.Logger) tunnel.NgrokOptions {
	return tunnel.NgrokOptions{AuthToken: o.ngrokToken, URL: o.url, BasicAuth: o.basicAuth,
		AllowCIDRs: o.allowCIDR, TrafficPolicyFile: o.trafficPolicy, Pool: o.pool, Logger: log, Version: o.version}
}

// runHeadless says where gaff listens on stderr, with the public URL's
// state as it changes, and prints captures on stdout until ctx ends, the
// listener fails or stdout closes; then it stops the server and prints
// what was answered during the shutdown too.
func runHeadless(ctx context.Context, printer *headless, serveErr <-chan error, stopServer func(), local, public tunnel.Tunnel, member *team.Member, dbPath string) error {
	fmt.Fprintf(os.Stderr, "gaff: listening on %s (database %s)\n", local.URL(), dbPath)
	writeReady(os.Stderr, local.URL(), "")
	if public != nil {
		go reportTunnel(ctx, public, local.URL(), os.Stderr)
	}
	if member != nil {
		go reportTeam(ctx, member, os.Stderr)
	}
	err := printer.run(ctx, serveErr)
	stopServer()
	if perr := printer.finish(); err == nil {
		err = perr
	}
	return err
}

// runTUI shows the UI until the quit key or the end of ctx (a signal).
func runTUI(ctx context.Context, deps ui.Deps) error {
	app := ui.New(deps)
	_, err := tea.NewProgram(app, tea.WithContext(ctx)).Run()
	app.Close() // a signal ends the program without the quit key
	if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// sanitizingWriter passes network text (ngrok's error messages) through the
// sanitiser on its way to the terminal.
type sanitizingWriter struct{ w io.Writer }

func (s sanitizingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(s.w, sanitize.String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// listenLocal binds the local listener. When the user did not choose an
// address and the default port is taken (another gaff?), the next free port
// is used so gaff always starts.
func listenLocal(addr string, chosen bool) (tunnel.Tunnel, error) {
	t, err := tunnel.Local(addr)
	if err == nil || chosen {
		return t, err
	}
	host, _, _ := net.SplitHostPort(addr)
	for port := 4748; port < 4768; port++ {
		if t, err2 := tunnel.Local(net.JoinHostPort(host, fmt.Sprint(port))); err2 == nil {
			return t, nil
		}
	}
	if t, err2 := tunnel.Local(net.JoinHostPort(host, "0")); err2 == nil {
		return t, nil
	}
	return nil, err
}

// shutdown lets in-flight captures finish (their commits included) before
// the database is closed by the caller.
func shutdown(srv *http.Server, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Warn("shutdown: requests still in flight were cut", "err", err)
		srv.Close()
	}
}
