package tunnel

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.ngrok.com/ngrok/v2"
)

// DefaultConnectTimeout bounds the first connection to ngrok. A healthy
// network takes about a second; after this long the user is better served
// by "failed, and here is why" than by a spinner.
const DefaultConnectTimeout = 15 * time.Second

// closeWait bounds how long Close waits for the SDK to wind down, so quitting
// gaff never hangs on a dead network.
const closeWait = 3 * time.Second

// NgrokOptions configures Ngrok. Only AuthToken is required.
type NgrokOptions struct {
	// AuthToken authenticates to ngrok (normally $NGROK_AUTHTOKEN).
	AuthToken string

	// URL asks for a fixed address: https://NAME.ngrok.app (the free static
	// domain of the account) or a domain of the user's own reserved on
	// ngrok. Empty means ngrok picks one. A missing scheme means https.
	URL string

	// BasicAuth ("user:password"), AllowCIDRs and TrafficPolicyFile protect
	// the public URL with an ngrok traffic policy; see TrafficPolicy.
	BasicAuth         string
	AllowCIDRs        []string
	TrafficPolicyFile string

	// Pool lets several agents serve the same URL: ngrok spreads requests
	// over them rather than refusing the second (a team behind one URL,
	// ARCHITECTURE.md "Team"). It needs a fixed URL.
	Pool bool

	// ConnectTimeout bounds the first connection (DefaultConnectTimeout if
	// zero). It does not limit reconnections after the tunnel has been
	// online: those retry until they succeed or ngrok refuses the token.
	ConnectTimeout time.Duration

	// ConnectURL overrides the address of ngrok's agent service
	// (connect.ngrok-agent.com:443), as HOST:PORT.
	ConnectURL string

	// Logger receives everything the SDK logs, and the tunnel's state
	// changes. Nil discards them. The authtoken is redacted.
	Logger *slog.Logger

	// Description labels the agent and endpoint in the ngrok dashboard
	// ("gaff" if empty). Version is gaff's version, sent in the SDK's user
	// agent ("dev" if empty).
	Description string
	Version     string

	// agentOptions are appended to the SDK options. Tests use them to trust
	// a local fake ngrok server and to shorten heartbeats.
	agentOptions []ngrok.AgentOption
}

// Ngrok starts a tunnel through ngrok and returns at once; it connects in the
// background. It returns an error only for options that cannot work (no
// token, bad --url, bad protection flags), never for the network: that shows
// in State, Failed with a reason and a hint if the first connection does not
// succeed within ConnectTimeout or ngrok refuses the token, account or URL.
//
// Cancelling ctx closes the tunnel, as Close does.
func Ngrok(ctx context.Context, opts NgrokOptions) (Tunnel, error) {
	token := strings.TrimSpace(opts.AuthToken)
	if token == "" {
		return nil, fmt.Errorf("ngrok needs an authtoken and none was given; copy yours from %s into NGROK_AUTHTOKEN, or run with --tunnel none", TokenURL)
	}
	epURL, err := endpointURL(opts.URL)
	if err != nil {
		return nil, err
	}
	policy, err := TrafficPolicy(opts.BasicAuth, opts.AllowCIDRs, opts.TrafficPolicyFile)
	if err != nil {
		return nil, err
	}
	timeout := opts.ConnectTimeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	desc := cmp.Or(opts.Description, "gaff")

	// The SDK must always get a logger: without one it warns through
	// slog.Default ((*agent).Connect: a CA warning printed on every Go older
	// than go1.26.10, this module's go1.26.8 included), and the default
	// handler writes to stderr, over the TUI.
	base := opts.Logger
	if base == nil {
		base = slog.New(slog.DiscardHandler)
	}
	logger := slog.New(newRedactHandler(base.Handler(), token))

	t := &ngrokTunnel{
		token:    token,
		log:      logger.With("tunnel", "ngrok"),
		changes:  make(chan struct{}, 1),
		ready:    make(chan struct{}),
		done:     make(chan struct{}),
		finished: make(chan struct{}),
		state:    State{Status: Connecting, At: time.Now()},
	}

	agentOpts := []ngrok.AgentOption{
		ngrok.WithAuthtoken(token),
		ngrok.WithLogger(logger),
		ngrok.WithEventHandler(t.onEvent),
		ngrok.WithClientInfo("gaff", cmp.Or(opts.Version, "dev")),
		ngrok.WithAgentDescription(desc),
	}
	if opts.ConnectURL != "" {
		agentOpts = append(agentOpts, ngrok.WithAgentConnectURL(opts.ConnectURL))
	}
	agentOpts = append(agentOpts, opts.agentOptions...)
	agent, err := ngrok.NewAgent(agentOpts...)
	if err != nil {
		return nil, fmt.Errorf("cannot set up the ngrok agent: %w", err)
	}

	epOpts := []ngrok.EndpointOption{ngrok.WithDescription(desc)}
	if epURL != "" {
		epOpts = append(epOpts, ngrok.WithURL(epURL))
	}
	if policy != "" {
		epOpts = append(epOpts, ngrok.WithTrafficPolicy(policy))
	}
	if opts.Pool {
		epOpts = append(epOpts, ngrok.WithPoolingEnabled(true))
	}

	// This context is the session's whole life, not the connect
	// attempt's: the SDK keeps the context given to Listen and uses it
	// for every reconnect dial (the dialer in the SDK's internal
	// legacy.Connect) and for the session's own loop, which closes the
	// session when it ends (runSessionHandlers there, and the goroutine
	// that pumps it). A context with the connect timeout as deadline
	// would kill a healthy tunnel at that deadline. The timeout is a
	// timer in run instead.
	t.ctx, t.cancel = context.WithCancel(ctx)
	context.AfterFunc(t.ctx, func() { t.end(State{Status: Off}) })

	t.log.Info("connecting to ngrok", "url", epURL, "policy", policy != "", "timeout", timeout)
	go t.run(agent, epOpts, timeout)
	return t, nil
}

type ngrokTunnel struct {
	token    string
	log      *slog.Logger
	changes  chan struct{}
	ready    chan struct{} // closed once ep is set; Accept waits on it
	done     chan struct{} // closed when the tunnel ends (Close, ctx, or failure)
	finished chan struct{} // closed when run has released the SDK's resources
	ctx      context.Context
	cancel   context.CancelFunc

	mu      sync.Mutex
	state   State
	ep      ngrok.EndpointListener // set once, before ready is closed
	ended   bool
	lastErr error // the SDK's last reported error, for the timeout message
}

type listenResult struct {
	ep  ngrok.EndpointListener
	err error
}

// run makes the first connection, waits for the tunnel to end, then releases
// what the SDK holds.
func (t *ngrokTunnel) run(agent ngrok.Agent, epOpts []ngrok.EndpointOption, timeout time.Duration) {
	defer close(t.finished)

	res := make(chan listenResult, 1)
	go func() {
		ep, err := agent.Listen(t.ctx, epOpts...)
		res <- listenResult{ep, err}
	}()

	timer := time.NewTimer(timeout)
	defer timer.Stop()

	var r listenResult
	select {
	case r = <-res:
		if r.err != nil {
			t.fail(r.err)
		} else {
			t.online(r.ep)
		}
	case <-timer.C:
		t.mu.Lock()
		last := t.lastErr
		t.mu.Unlock()
		t.fail(&connectTimeoutError{after: timeout, last: last})
		// Failing cancelled t.ctx, which makes Listen return promptly:
		// Connect's retry loop selects on it (runSessionHandlers in the
		// SDK's legacy.Connect).
		r = <-res
	case <-t.done:
		r = <-res
	}

	<-t.done
	// t.ctx is cancelled by now, so the SDK is already closing the session;
	// these calls release its bookkeeping and do not wait on the network.
	if r.ep != nil {
		_ = r.ep.Close()
	}
	_ = agent.Disconnect()
	t.log.Debug("ngrok agent released")
}

// online records the endpoint unless the tunnel ended while it was being
// made; run closes it in that case.
func (t *ngrokTunnel) online(ep ngrok.EndpointListener) {
	t.mu.Lock()
	if t.ended {
		t.mu.Unlock()
		return
	}
	t.ep = ep
	t.state = State{Status: Online, URL: ep.URL().String(), Latency: t.state.Latency, At: time.Now()}
	st := t.state
	t.mu.Unlock()
	close(t.ready)
	t.changed(st)
}

// onEvent turns the SDK's events into states. The SDK calls it
// synchronously from its session goroutines, some while holding the agent's
// lock ((*agent).Connect holds it throughout), so it must neither block nor
// call back into the agent: it only updates fields and signals.
func (t *ngrokTunnel) onEvent(ev ngrok.Event) {
	switch e := ev.(type) {
	case *ngrok.EventAgentConnectSucceeded:
		t.onConnect(e.Session)
	case *ngrok.EventAgentDisconnected:
		t.onDisconnect(e.Error)
	case *ngrok.EventAgentHeartbeatReceived:
		t.onHeartbeat(e.Latency)
	}
}

func (t *ngrokTunnel) onConnect(sess ngrok.AgentSession) {
	if sess != nil {
		for _, w := range sess.Warnings() {
			t.log.Warn("ngrok warning", "warning", w)
		}
	}
	t.mu.Lock()
	if t.ended {
		t.mu.Unlock()
		return
	}
	t.lastErr = nil
	if t.ep == nil {
		// Authenticated; the endpoint is still being created, and
		// online() reports it.
		t.state.Err, t.state.Kind, t.state.Hint = "", KindNone, ""
		t.mu.Unlock()
		notify(t.changes)
		return
	}
	// After a reconnect the SDK re-creates the endpoints before it
	// reports success ((*reconnectingSession).connect in the SDK), so
	// the URL works again.
	t.state = State{Status: Online, URL: t.state.URL, Latency: t.state.Latency, At: time.Now()}
	st := t.state
	t.mu.Unlock()
	t.changed(st)
}

func (t *ngrokTunnel) onDisconnect(err error) {
	if err == nil {
		// The session stopped for good (runSessionHandlers in the SDK's
		// legacy.Connect says so with nil): after our own cancel, or if the
		// SDK gave up, which it does only when closed.
		t.fail(errors.New("the ngrok session ended"))
		return
	}
	if errors.Is(err, context.Canceled) {
		return // our own cancel, reported first by runSessionHandlers
	}
	kind, msg, hint := Classify(err)

	t.mu.Lock()
	if t.ended {
		t.mu.Unlock()
		return
	}
	wasOnline := t.ep != nil
	// The SDK retries every failure forever, a refused token included
	// ((*reconnectingSession).connect sends auth errors to the same
	// retry as network errors; ngrok/ngrok-go#176, still listed as open
	// in the SDK's own to-do file at v2.4.0). Stop on the errors no retry can
	// fix: a refused token always; account problems on the first
	// connection. Once online, account errors such as the session limit
	// can be a stale session on ngrok's side that clears, so those keep
	// retrying, visibly.
	fatal := kind == KindAuth || !wasOnline && kind == KindAccount
	if !fatal {
		t.lastErr = err
		st := t.state
		if wasOnline {
			if st.Status != Reconnecting {
				st.At = time.Now()
			}
			st.Status = Reconnecting
		}
		st.Err, st.Kind, st.Hint = t.redact(msg), kind, hint
		t.state = st
		t.mu.Unlock()
		t.changed(st)
		return
	}
	t.mu.Unlock()
	t.fail(err)
}

func (t *ngrokTunnel) onHeartbeat(latency time.Duration) {
	t.mu.Lock()
	if t.ended {
		t.mu.Unlock()
		return
	}
	t.state.Latency = latency
	t.mu.Unlock()
	notify(t.changes)
}

// fail ends the tunnel with err explained.
func (t *ngrokTunnel) fail(err error) {
	t.mu.Lock()
	ended := t.ended
	t.mu.Unlock()
	if ended {
		return // the first reason stays
	}
	kind, msg, hint := Classify(err)
	if kind == KindClosed {
		t.end(State{Status: Off})
		return
	}
	t.log.Error("ngrok tunnel failed", "kind", kind, "err", err)
	t.end(State{Status: Failed, Err: t.redact(msg), Kind: kind, Hint: hint})
}

// end moves the tunnel to its final state once and stops the SDK; later
// calls change nothing, so the first reason (a failure, or Close) stays.
func (t *ngrokTunnel) end(st State) {
	t.mu.Lock()
	if t.ended {
		t.mu.Unlock()
		return
	}
	t.ended = true
	st.URL = t.state.URL
	st.At = time.Now()
	t.state = st
	t.mu.Unlock()

	close(t.done)
	t.cancel()
	t.changed(st)
}

func (t *ngrokTunnel) changed(st State) {
	t.log.Info("tunnel state", "status", st.Status, "url", st.URL, "err", st.Err, "kind", st.Kind)
	notify(t.changes)
}

func (t *ngrokTunnel) redact(s string) string {
	if len(t.token) < minSecret {
		return s
	}
	return strings.ReplaceAll(s, t.token, redacted)
}

// Accept waits for the tunnel to be online, then returns connections that
// arrive through the public URL. After Close or a failure it returns an
// error wrapping net.ErrClosed.
func (t *ngrokTunnel) Accept() (net.Conn, error) {
	select {
	case <-t.done:
		return nil, t.closedError()
	default:
	}
	select {
	case <-t.ready:
	case <-t.done:
		return nil, t.closedError()
	}
	c, err := t.ep.Accept()
	if err == nil {
		return c, nil
	}
	select {
	case <-t.done:
	default:
		// The endpoint closed under us: ngrok stopped it (from the
		// dashboard or API, or an error of its own), which the SDK
		// reports here with ngrok's code (remoteCallbackHandler.OnStopTunnel
		// and (*tunnelImpl).Accept in the SDK's internal legacy package).
		t.fail(err)
	}
	return nil, t.closedError()
}

func (t *ngrokTunnel) closedError() error {
	if st := t.State(); st.Status == Failed {
		return fmt.Errorf("ngrok tunnel failed: %s: %w", st.Err, net.ErrClosed)
	}
	return fmt.Errorf("ngrok tunnel closed: %w", net.ErrClosed)
}

// Close ends the tunnel and waits briefly for the SDK to let go. A blocked
// Accept returns. The state becomes Off, unless the tunnel had failed, in
// which case the reason stays visible.
func (t *ngrokTunnel) Close() error {
	t.end(State{Status: Off})
	timer := time.NewTimer(closeWait)
	defer timer.Stop()
	select {
	case <-t.finished:
	case <-timer.C:
		t.log.Warn("ngrok agent still shutting down; not waiting longer")
	}
	return nil
}

func (t *ngrokTunnel) Addr() net.Addr {
	return tunnelAddr(t.URL())
}

func (t *ngrokTunnel) URL() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state.URL
}

func (t *ngrokTunnel) State() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state
}

func (t *ngrokTunnel) Changes() <-chan struct{} { return t.changes }

// tunnelAddr is the listener address of an ngrok tunnel: its public URL.
// The SDK's own Addr panics on a URL it cannot parse
// ((*RemoteBindConfig).String in its internal tunnel client) and has
// nothing to say before the endpoint exists.
type tunnelAddr string

func (a tunnelAddr) Network() string { return "ngrok" }
func (a tunnelAddr) String() string {
	if a == "" {
		return "ngrok (connecting)"
	}
	return string(a)
}

// endpointURL checks --url and returns it as scheme://host.
func endpointURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	raw := s
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("--url %q is not a URL (%v); use https://NAME.ngrok.app or a domain of yours reserved on ngrok", raw, err)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return "", fmt.Errorf("--url %q has scheme %s; gaff receives HTTP, so use https://NAME.ngrok.app (or http://)", raw, u.Scheme)
	case u.Hostname() == "":
		return "", fmt.Errorf("--url %q has no host name; use https://NAME.ngrok.app or a domain of yours reserved on ngrok", raw)
	case u.User != nil, u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "":
		return "", fmt.Errorf("--url %q must be only a scheme and host, such as https://NAME.ngrok.app; senders add their own paths", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}
