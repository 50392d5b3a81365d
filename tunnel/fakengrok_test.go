package tunnel

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/json"
	"io"
	"math/big"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"golang.ngrok.com/muxado/v2"
	"golang.ngrok.com/ngrok/v2"
)

// fakeNgrok is a small stand-in for ngrok's agent service, speaking the
// protocol the SDK speaks (TLS, then muxado streams carrying JSON RPCs;
// see the SDK's internal/tunnel/client/raw_session.go and proto/msg.go).
// There is no route to ngrok from the test machines, and the behaviours
// worth testing (a refused token, reconnects, heartbeats, connections
// arriving through the URL) need the real SDK talking to something.
type fakeNgrok struct {
	t    *testing.T
	ln   net.Listener
	tls  *tls.Config
	pool *x509.CertPool

	mu       sync.Mutex
	authErr  string // answer Auth with this error, if set
	bindErr  string // answer Bind with this error, if set
	url      string // the URL Bind assigns
	gate     chan struct{}
	sessions []fakeSession
	binds    []fakeBind
	auths    int
}

type fakeSession struct {
	raw net.Conn
	mux *muxado.Heartbeat
}

// fakeBind is what the SDK asked for when it created the endpoint.
type fakeBind struct {
	ID    string `json:"Id"`
	Proto string
	Opts  struct {
		URL           string
		TrafficPolicy string
	}
	Extra struct{ PoolingEnabled bool }
}

// Protocol stream types, from the SDK's ReqType constants (AuthReq…) in
// internal/tunnel/proto.
const (
	fakeAuthReq   = 0
	fakeBindReq   = 1
	fakeUnbindReq = 2
	fakeProxyReq  = 3
)

func newFakeNgrok(t *testing.T) *fakeNgrok {
	t.Helper()
	cert, pool := selfSigned(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeNgrok{
		t:    t,
		ln:   ln,
		tls:  &tls.Config{Certificates: []tls.Certificate{cert}},
		pool: pool,
		url:  "https://gaff-test.ngrok.app",
	}
	go f.serve()
	t.Cleanup(func() {
		ln.Close()
		f.mu.Lock()
		if f.gate != nil {
			close(f.gate)
			f.gate = nil
		}
		for _, s := range f.sessions {
			s.raw.Close()
		}
		f.mu.Unlock()
	})
	return f
}

// set changes the fake server's behaviour under its lock.
func (f *fakeNgrok) set(change func(*fakeNgrok)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

// options points a tunnel at the fake server and trusts its certificate.
// Heartbeats are fast so latency shows up without waiting ten seconds.
func (f *fakeNgrok) options(token string) NgrokOptions {
	return NgrokOptions{
		AuthToken:  token,
		ConnectURL: f.ln.Addr().String(),
		agentOptions: []ngrok.AgentOption{
			ngrok.WithAgentConnectCAs(f.pool),
			ngrok.WithHeartbeatInterval(50 * time.Millisecond),
		},
	}
}

func (f *fakeNgrok) serve() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		go f.handle(c)
	}
}

func (f *fakeNgrok) handle(raw net.Conn) {
	f.mu.Lock()
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		<-gate // holds the TLS handshake, so a reconnect stays in progress
	}
	typed := muxado.NewTypedStreamSession(muxado.Server(tls.Server(raw, f.tls), nil))
	// Accepting through a Heartbeat answers the client's heartbeats.
	mux := muxado.NewHeartbeat(typed, func(time.Duration, bool) {}, nil)
	f.mu.Lock()
	f.sessions = append(f.sessions, fakeSession{raw: raw, mux: mux})
	f.mu.Unlock()
	defer raw.Close()
	for {
		st, err := mux.AcceptTypedStream()
		if err != nil {
			return
		}
		go f.rpc(st)
	}
}

func (f *fakeNgrok) rpc(st muxado.TypedStream) {
	defer st.Close()
	f.mu.Lock()
	authErr, bindErr, url := f.authErr, f.bindErr, f.url
	f.mu.Unlock()
	dec, enc := json.NewDecoder(st), json.NewEncoder(st)
	switch st.StreamType() {
	case fakeAuthReq:
		var req map[string]any
		if dec.Decode(&req) != nil {
			return
		}
		f.mu.Lock()
		f.auths++
		f.mu.Unlock()
		resp := map[string]any{"Version": "3", "ClientId": "client-1", "Error": authErr}
		if authErr == "" {
			resp["Extra"] = map[string]any{"Region": "test", "AccountName": "gaff tests", "AgentSessionID": "as_test", "Cookie": "cookie"}
		}
		_ = enc.Encode(resp)
	case fakeBindReq:
		var req fakeBind
		if dec.Decode(&req) != nil {
			return
		}
		if req.ID == "" {
			req.ID = "bind-1"
		}
		f.mu.Lock()
		f.binds = append(f.binds, req)
		f.mu.Unlock()
		if bindErr != "" {
			_ = enc.Encode(map[string]any{"Id": req.ID, "Error": bindErr})
			return
		}
		_ = enc.Encode(map[string]any{
			"Id": req.ID, "URL": url, "Proto": req.Proto,
			"Opts":  map[string]any{"URL": url},
			"Extra": map[string]any{"Token": "bind-token", "TunnelID": "tn_test"},
		})
	case fakeUnbindReq:
		var req map[string]any
		if dec.Decode(&req) == nil {
			_ = enc.Encode(map[string]any{"Error": ""})
		}
	}
}

// holdConnections makes new connections wait (before TLS) until the
// returned function is called.
func (f *fakeNgrok) holdConnections() (release func()) {
	gate := make(chan struct{})
	f.mu.Lock()
	f.gate = gate
	f.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			if f.gate == gate {
				f.gate = nil
			}
			f.mu.Unlock()
			close(gate)
		})
	}
}

// dropConnections cuts every agent connection, as a network outage would.
func (f *fakeNgrok) dropConnections() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.sessions {
		s.raw.Close()
	}
	f.sessions = nil
}

func (f *fakeNgrok) lastBind() fakeBind {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.binds) == 0 {
		f.t.Fatal("the SDK never asked the fake server for an endpoint")
	}
	return f.binds[len(f.binds)-1]
}

// request sends req to the agent as ngrok's edge would for a visitor at
// clientAddr: a proxy stream with a length-prefixed JSON header, then the
// raw bytes (client/session.go ReadProxyHeader).
func (f *fakeNgrok) request(req *http.Request, clientAddr string) *http.Response {
	f.t.Helper()
	f.mu.Lock()
	if len(f.sessions) == 0 {
		f.mu.Unlock()
		f.t.Fatal("no agent is connected to the fake server")
	}
	mux := f.sessions[len(f.sessions)-1].mux
	bindID := "bind-1"
	if len(f.binds) > 0 {
		bindID = f.binds[len(f.binds)-1].ID
	}
	f.mu.Unlock()

	st, err := mux.OpenTypedStream(fakeProxyReq)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { st.Close() })
	hdr, _ := json.Marshal(map[string]any{"Id": bindID, "ClientAddr": clientAddr, "Proto": "https", "EdgeType": "1"})
	var buf bytes.Buffer
	_ = binary.Write(&buf, binary.LittleEndian, int64(len(hdr)))
	buf.Write(hdr)
	if err := req.Write(&buf); err != nil {
		f.t.Fatal(err)
	}
	if _, err := st.Write(buf.Bytes()); err != nil {
		f.t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(st), req)
	if err != nil {
		f.t.Fatalf("reading the response through the tunnel: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fake ngrok"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// waitFor waits until tun's state satisfies ok. The guard only stops a hung
// test; nothing here measures time.
func waitFor(t *testing.T, tun Tunnel, what string, ok func(State) bool) State {
	t.Helper()
	guard := time.NewTimer(60 * time.Second)
	defer guard.Stop()
	for {
		s := tun.State()
		if ok(s) {
			return s
		}
		select {
		case <-tun.Changes():
		case <-guard.C:
			t.Fatalf("still waiting for %s; state: %+v", what, s)
		}
	}
}

func status(want Status) func(State) bool {
	return func(s State) bool { return s.Status == want }
}
