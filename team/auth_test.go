package team

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"gaff/internal/testkit"
	"gaff/storage"
)

// operator is a decentralised-auth setup as nsc makes it: an operator that
// signs an account (with JetStream) that signs users.
type operator struct {
	claims  *jwt.OperatorClaims
	kp, acc nkeys.KeyPair
	sys     nkeys.KeyPair
}

func newOperator(t *testing.T) *operator {
	t.Helper()
	o := &operator{kp: must(t, nkeys.CreateOperator), acc: must(t, nkeys.CreateAccount), sys: must(t, nkeys.CreateAccount)}
	pub, _ := o.kp.PublicKey()
	o.claims = jwt.NewOperatorClaims(pub)
	sysPub, _ := o.sys.PublicKey()
	o.claims.SystemAccount = sysPub
	return o
}

func must(t *testing.T, f func() (nkeys.KeyPair, error)) nkeys.KeyPair {
	t.Helper()
	kp, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

// creds writes a credentials file for a new user of the operator's account.
func (o *operator) creds(t *testing.T) string {
	t.Helper()
	user := must(t, nkeys.CreateUser)
	pub, _ := user.PublicKey()
	token, err := jwt.NewUserClaims(pub).Encode(o.acc)
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := user.Seed()
	b, err := jwt.FormatUserConfig(token, seed)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "user.creds")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// serve starts a NATS server that trusts only the operator's users.
func (o *operator) serve(t *testing.T) string {
	t.Helper()
	res := &server.MemAccResolver{}
	for _, kp := range []nkeys.KeyPair{o.acc, o.sys} {
		pub, _ := kp.PublicKey()
		ac := jwt.NewAccountClaims(pub)
		if kp == o.acc {
			ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
		}
		token, err := ac.Encode(o.kp)
		if err != nil {
			t.Fatal(err)
		}
		res.Store(pub, token)
	}
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(),
		TrustedOperators: []*jwt.OperatorClaims{o.claims}, AccountResolver: res, SystemAccount: o.claims.SystemAccount,
		NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("the NATS server did not start")
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return s.ClientURL()
}

func startWith(t *testing.T, cfg Config, db *storage.DB) *Member {
	t.Helper()
	cfg.Name, cfg.Replicas = "t", 1
	m, err := Start(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Stop)
	return m
}

// Members log in with credentials files of the team's operator and share;
// a user of another operator is refused, and capture goes on.
func TestCredentialsFilesJoinAnOperatorsServer(t *testing.T) {
	op := newOperator(t)
	url := op.serve(t)
	alice, bob := openDB(t), openDB(t)
	am := startWith(t, Config{URL: url, Me: "alice", CredsFile: op.creds(t)}, alice)
	bm := startWith(t, Config{URL: url, Me: "bob", CredsFile: op.creds(t)}, bob)
	waitFor(t, "both connected", func() bool { return am.State().Phase == Connected && bm.State().Phase == Connected })
	capture(t, alice, "/with-creds", []byte(`{}`))
	waitFor(t, "alice's capture at bob", func() bool {
		rs := all(t, bob)
		return len(rs) == 1 && rs[0].Origin == "alice" && rs[0].Target == "/with-creds"
	})

	eve := openDB(t)
	em := startWith(t, Config{URL: url, Me: "eve", CredsFile: newOperator(t).creds(t)}, eve)
	waitFor(t, "eve refused", func() bool { return em.State().Phase == Refused })
	capture(t, eve, "/still", nil)
}

// A team server with a self-signed certificate is joined over tls:// by a
// member given that certificate to trust; one without it is told why it
// cannot connect, and captures.
func TestTLSWithASelfSignedCertificate(t *testing.T) {
	cert, key := testkit.SelfSignedCert(t)
	s, err := StartServer(ServerOptions{Host: "127.0.0.1", Port: -1, StoreDir: t.TempDir(), Token: "s3cret", TLSCert: cert, TLSKey: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	url := s.URL("127.0.0.1")
	if !strings.HasPrefix(url, "tls://") {
		t.Fatalf("the URL to share is %s", url)
	}
	alice, bob := openDB(t), openDB(t)
	am := startWith(t, Config{URL: url, Me: "alice", CAFile: cert}, alice)
	bm := startWith(t, Config{URL: url, Me: "bob", CAFile: cert}, bob)
	waitFor(t, "both connected", func() bool { return am.State().Phase == Connected && bm.State().Phase == Connected })
	capture(t, alice, "/over-tls", []byte(`{}`))
	waitFor(t, "alice's capture at bob", func() bool {
		rs := all(t, bob)
		return len(rs) == 1 && rs[0].Origin == "alice"
	})

	eve := openDB(t)
	em := startWith(t, Config{URL: url, Me: "eve"}, eve)
	waitFor(t, "eve offline", func() bool { return em.State().Phase == Offline })
	if st := em.State(); !strings.Contains(st.Err, "certificate signed by unknown authority") || !strings.Contains(st.Err, "--team-ca") {
		t.Fatalf("eve's state does not say the certificate was not trusted: %+v", st)
	}
	capture(t, eve, "/still", nil)

	// A file that is not a certificate is said at once.
	junk := filepath.Join(t.TempDir(), "junk.pem")
	os.WriteFile(junk, []byte("hello"), 0o600)
	if st := startWith(t, Config{URL: url, Me: "mallory", CAFile: junk}, openDB(t)).State(); st.Phase != Invalid || !strings.Contains(st.Err, "--team-ca") {
		t.Fatalf("a junk --team-ca: %+v", st)
	}
}
