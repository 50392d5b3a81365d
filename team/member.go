package team

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"gaff/internal/pause"
	"gaff/storage"
)

// A Member ships this database's captures to the team and stores the
// teammates'. Nothing it does is in the capture path: it reads what the
// writer committed (a storage.Follower) and writes teammates' captures
// through the same writer, so a slow or absent team server never slows a
// capture; it only makes the member fall behind.
type Member struct {
	cfg  Config
	db   *storage.DB
	log  *slog.Logger
	dbID string
	mark string // the settings key of the shipped watermark

	st     status
	wm     atomic.Int64 // the shipped watermark, for State
	cancel context.CancelFunc
	done   chan struct{}
}

// Settings keys: this database's id in every team, and how far it shipped
// to one team.
const dbIDKey = "team.db_id"

func markKey(team string) string { return "team." + team + ".shipped" }

// Start joins the team in the background. Errors are in State (and the
// log); capture goes on whatever happens here, a configuration that cannot
// join a team included (phase Invalid, ARCHITECTURE.md "Team"). Only a
// database that cannot be read is an error. Stop it before closing db.
func Start(cfg Config, db *storage.DB, log *slog.Logger) (*Member, error) {
	ctx, cancel := context.WithCancel(context.Background())
	m := &Member{cfg: cfg, db: db, log: log, mark: markKey(cfg.Name), cancel: cancel, done: make(chan struct{})}
	m.st.changed = make(chan struct{}, 1)
	if err := cfg.Check(); err != nil {
		m.st.s = State{Phase: Invalid, Err: err.Error()}
		close(m.done)
		return m, nil
	}
	var err error
	if m.dbID, err = ensureDBID(ctx, db); err != nil {
		cancel()
		return nil, err
	}
	shipped, err := m.shipped(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	// The follower and the hold start now, before capture does, so nothing
	// committed from here on is missed or pruned before it is shipped.
	m.wm.Store(shipped)
	sh := &shipper{m: m, wm: shipped, savedWM: shipped, follow: db.Follow(), hold: db.Hold(shipped), rec: newRecorder()}
	go m.run(ctx, sh)
	return m, nil
}

// State is the team connection's state now.
func (m *Member) State() State {
	s := m.st.get()
	if s.shares() {
		s.Behind = max(0, m.db.LastRequestID()-m.wm.Load())
	}
	return s
}

// Changed is signalled when the phase or its error changes.
func (m *Member) Changed() <-chan struct{} { return m.st.changed }

// Stop ships nothing more, stops consuming and waits for both.
func (m *Member) Stop() {
	m.cancel()
	<-m.done
}

// ensureDBID is this database's random id, made once.
func ensureDBID(ctx context.Context, db *storage.DB) (string, error) {
	id, ok, err := db.Setting(ctx, dbIDKey)
	if err != nil || ok {
		return id, err
	}
	b := make([]byte, 8)
	rand.Read(b)
	id = hex.EncodeToString(b)
	return id, db.SetSetting(ctx, dbIDKey, id)
}

// shipped is the newest capture id the team server acknowledged. A
// database joining a team for the first time shares what it captures from
// now on, not its history.
func (m *Member) shipped(ctx context.Context) (int64, error) {
	v, ok, err := m.db.Setting(ctx, m.mark)
	if err != nil {
		return 0, err
	}
	if !ok {
		last := m.db.LastRequestID()
		return last, m.db.SetSetting(ctx, m.mark, strconv.FormatInt(last, 10))
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("the setting %s is %q, not a capture id: delete it to ship from now on", m.mark, v)
	}
	return n, nil
}

// run connects, and reconnects, until Stop. A refusal of the credentials
// ends sharing: retrying them cannot help.
func (m *Member) run(ctx context.Context, sh *shipper) {
	defer close(m.done)
	defer sh.stop()
	defer m.st.set(func(s *State) {
		if s.Phase != Refused { // the refusal stays on screen
			s.Phase = Stopped
		}
	})
	wait := time.Second
	for ctx.Err() == nil {
		nc, err := nats.Connect(m.cfg.URL, m.natsOptions()...)
		if err == nil {
			wait = time.Second
			err = m.session(ctx, nc, sh)
			nc.Close()
			if err == nil || ctx.Err() != nil {
				continue
			}
		}
		if refused(err) {
			m.st.set(func(s *State) { s.Phase, s.Err = Refused, err.Error() })
			return
		}
		why := err.Error()
		if untrusted(err) {
			why += " (trust the team server's certificate with --team-ca FILE, or check the host in --team)"
		}
		m.st.set(func(s *State) { s.Phase, s.Err = Offline, why })
		if !pause.For(ctx, wait) {
			return
		}
		wait = min(2*wait, 10*time.Second) // a server back is found within 10 s
	}
}

func (m *Member) natsOptions() []nats.Option {
	opts := []nats.Option{
		nats.Name("gaff " + m.cfg.Me),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			msg := "the connection was lost"
			if err != nil {
				msg = err.Error()
			}
			m.st.set(func(s *State) { s.Phase, s.Err = Offline, msg })
		}),
		nats.ReconnectHandler(func(*nats.Conn) {
			m.st.set(func(s *State) { s.Phase, s.Err = Connected, "" })
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			m.log.Warn("team", "err", err)
		}),
	}
	if m.cfg.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(m.cfg.CredsFile))
	}
	if m.cfg.CAFile != "" {
		opts = append(opts, nats.RootCAs(m.cfg.CAFile))
	}
	return opts
}

// session shares over one connection until it closes or ctx ends.
func (m *Member) session(ctx context.Context, nc *nats.Conn, sh *shipper) error {
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(2*shipBatch),
		jetstream.WithPublishAsyncTimeout(10*time.Second))
	if err != nil {
		return err
	}
	limit, err := m.ensureStream(ctx, js)
	if err != nil {
		return err
	}
	limit = min(limit, int(nc.MaxPayload()))
	m.st.set(func(s *State) { s.Phase, s.Err = Connected, "" })
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	closed := make(chan struct{})
	nc.SetClosedHandler(func(*nats.Conn) { close(closed); cancel() })
	ap := &applier{m: m}
	var wg sync.WaitGroup
	var applyErr error
	wg.Go(func() {
		applyErr = ap.run(sctx, js)
		cancel() // a member that cannot store stops shipping too, and reconnects
	})
	sh.run(sctx, js, nc, limit)
	cancel()
	wg.Wait()
	select {
	case <-closed:
		if err := nc.LastError(); err != nil {
			return err
		}
		return errors.New("the connection to the team server closed")
	default:
	}
	return applyErr
}

// ensureStream finds the team's stream, or makes it, and returns the
// largest message it takes. An existing stream's settings (its replicas on
// a cluster) are the team's, and left as they are.
func (m *Member) ensureStream(ctx context.Context, js jetstream.JetStream) (int, error) {
	s, err := js.Stream(ctx, m.cfg.stream())
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		s, err = js.CreateStream(ctx, jetstream.StreamConfig{
			Name:        m.cfg.stream(),
			Description: "gaff team " + m.cfg.Name + ": shared webhook captures",
			Subjects:    []string{m.cfg.all()},
			Storage:     jetstream.FileStorage,
			Replicas:    m.cfg.Replicas,
			MaxAge:      streamMaxAge,
			// Server-side de-duplication covers quick retries; the origin
			// key in each member's database covers the rest.
			Duplicates: time.Hour,
		})
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			s, err = js.Stream(ctx, m.cfg.stream()) // a teammate made it first
		}
	}
	if err != nil {
		return 0, fmt.Errorf("cannot open the team's stream %s: %w", m.cfg.stream(), err)
	}
	limit := int(s.CachedInfo().Config.MaxMsgSize)
	if limit <= 0 {
		limit = int(^uint(0) >> 1)
	}
	return limit, nil
}

// streamMaxAge bounds the history a late joiner receives, and the disk the
// team server spends on it.
const streamMaxAge = 30 * 24 * time.Hour

// refused tells a refusal of the credentials from a network failure.
func refused(err error) bool {
	return errors.Is(err, nats.ErrAuthorization) || errors.Is(err, nats.ErrAuthExpired) ||
		errors.Is(err, nats.ErrAuthRevoked) || errors.Is(err, nats.ErrAccountAuthExpired)
}

// untrusted tells a certificate this member does not trust (a self-signed
// team server without --team-ca) from a server that is down: the remedy is
// a flag, not waiting. It is still retried, since the server may change
// its certificate.
func untrusted(err error) bool {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}
