package send

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"gaff/storage"
)

// wireRequest is an Outbound made ready for the wire: where to connect,
// and the request head as bytes, written once.
type wireRequest struct {
	method string
	tls    bool
	addr   string // host:port to dial
	server string // TLS server name
	head   []byte
	body   []byte
}

// newWireRequest writes out's head: the request line with the path as
// written (rawPath), then the headers in their captured order, names in
// their case, repeats where they were. Host and Content-Length are made
// for the target and body and go where the capture had its own (Host
// first, Content-Length last, when it had none); other hop-by-hop headers
// describe a connection that is gone and are left out. gaff adds no
// header of its own here (no User-Agent, no Accept-Encoding).
func newWireRequest(out Outbound) (*wireRequest, error) {
	u, err := ParseTarget(out.URL)
	if err != nil {
		return nil, err
	}
	method := out.Method
	if method == "" {
		method = http.MethodPost
	}
	if !isToken(method) {
		return nil, fmt.Errorf("cannot build the request: %q is not an HTTP method", method)
	}
	target := *u
	if p, ok := rawPath(out.URL, u); ok {
		// Sent as written: a path that is not UTF-8, or not ASCII, must
		// carry the captured bytes, not a re-encoding of them.
		target.Opaque = p
	}
	uri := target.RequestURI()
	if strings.IndexFunc(uri, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return nil, errors.New("cannot build the request: the URL has a space or control character, which a request line cannot carry; percent-encode it")
	}
	// As net/http: a length for any body, and for an empty one except
	// where none is expected (GET, HEAD), unless the capture had one.
	hadLength := len(out.Headers.Values("Content-Length")) > 0
	sendLength := len(out.Body) > 0 || (method != http.MethodGet && method != http.MethodHead) || hadLength
	length := strconv.Itoa(len(out.Body))

	var b strings.Builder
	b.WriteString(method + " " + uri + " HTTP/1.1\r\n")
	line := func(name, value string) { b.WriteString(name + ": " + value + "\r\n") }
	if len(out.Headers.Values("Host")) == 0 {
		line("Host", u.Host)
	}
	hostDone, lengthDone := false, false
	for _, h := range out.Headers {
		switch k := strings.ToLower(h.Name); {
		case k == "host":
			if !hostDone {
				line(h.Name, u.Host)
				hostDone = true
			}
		case k == "content-length":
			if sendLength && !lengthDone {
				line(h.Name, length)
				lengthDone = true
			}
		case hopByHop[k]:
			// It describes a connection that is gone.
		default:
			if err := CheckHeaders(storage.Headers{h}); err != nil {
				return nil, fmt.Errorf("cannot build the request: %w", err)
			}
			line(h.Name, h.Value)
		}
	}
	if sendLength && !lengthDone {
		line("Content-Length", length)
	}
	b.WriteString("\r\n")

	w := &wireRequest{method: method, tls: u.Scheme == "https", server: u.Hostname(), head: []byte(b.String()), body: out.Body}
	port := u.Port()
	if port == "" {
		port = "80"
		if w.tls {
			port = "443"
		}
	}
	w.addr = net.JoinHostPort(u.Hostname(), port)
	return w, nil
}

// exchange is one request sent and its answer's head read, on conn.
type exchange struct {
	conn *wireConn
	resp *http.Response
	stop func() bool // stops the cancel watch; false if it already fired
}

// exchange writes w on a connection to its target, reused or new, and
// reads the answer's head (past any 1xx interim answers). ctx's deadline
// is the connection's; cancelling ctx cuts the exchange at once.
func (c *Client) exchange(ctx context.Context, w *wireRequest) (*exchange, error) {
	conn, err := c.conn(ctx, w)
	if err != nil {
		return nil, ctxErr(ctx, err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	ex := &exchange{conn: conn}
	ex.stop = context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	fail := func(err error) (*exchange, error) {
		ex.stop()
		conn.Close()
		return nil, ctxErr(ctx, err)
	}
	bufs := net.Buffers{w.head, w.body}
	if _, err := bufs.WriteTo(conn); err != nil {
		return fail(err)
	}
	req := &http.Request{Method: w.method}
	for {
		ex.resp, err = http.ReadResponse(conn.br, req)
		if err != nil {
			return fail(err)
		}
		if ex.resp.StatusCode >= 200 || ex.resp.StatusCode == http.StatusSwitchingProtocols {
			return ex, nil
		}
		// 100 Continue and other interim answers come before the real one.
	}
}

// done keeps the connection for the next request to the same target when
// its answer was read to the end and it may stay open; else closes it.
func (c *Client) done(ex *exchange, whole bool) {
	fired := !ex.stop()
	if !whole || fired || ex.resp.Close {
		ex.conn.Close()
		return
	}
	ex.resp.Body.Close()
	ex.conn.SetDeadline(time.Time{})
	c.idle.put(ex.conn)
}

// ctxErr is err, or what ended ctx when that is what cut the exchange
// short ("cancelled" says more than the deadline it was cut with).
func ctxErr(ctx context.Context, err error) error {
	if e := ctx.Err(); e != nil {
		return e
	}
	return err
}

// conn returns an idle connection to w's target, or dials one: TCP, and
// TLS (HTTP/1.1 only) for https.
func (c *Client) conn(ctx context.Context, w *wireRequest) (*wireConn, error) {
	key := w.addr
	if w.tls {
		key = "tls:" + key
	}
	if conn := c.idle.get(key); conn != nil {
		return conn, nil
	}
	tcp, err := c.dialer.DialContext(ctx, "tcp", w.addr)
	if err != nil {
		return nil, err
	}
	conn := tcp
	if w.tls {
		tc := tls.Client(tcp, &tls.Config{ServerName: w.server, NextProtos: []string{"http/1.1"}})
		if err := tc.HandshakeContext(ctx); err != nil {
			tcp.Close()
			return nil, err
		}
		conn = tc
	}
	return &wireConn{Conn: conn, tcp: tcp, br: bufio.NewReader(conn), key: key}, nil
}

// wireConn is a connection with its reader, which may hold the start of
// the next answer.
type wireConn struct {
	net.Conn
	tcp net.Conn // under TLS, the connection it runs on
	br  *bufio.Reader
	key string
	// While idle, a watcher blocks reading one byte: it returns when the
	// target closes the connection (or, against the protocol, sends
	// something), which makes the connection unusable.
	watch     chan error
	idleSince time.Time
}

// Idle connections are kept per target, a few each and not for long, as
// net/http keeps them.
const (
	maxIdlePerTarget = 16
	maxIdleTime      = 90 * time.Second
)

type idlePool struct {
	mu    sync.Mutex
	conns map[string][]*wireConn
}

func (p *idlePool) put(conn *wireConn) {
	conn.watch = make(chan error, 1)
	conn.idleSince = time.Now()
	go func() {
		_, err := conn.br.Peek(1)
		conn.watch <- err
	}()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		p.conns = map[string][]*wireConn{}
	}
	if len(p.conns[conn.key]) >= maxIdlePerTarget {
		conn.Close()
		return
	}
	p.conns[conn.key] = append(p.conns[conn.key], conn)
}

// get takes the newest idle connection to key that is still open.
func (p *idlePool) get(key string) *wireConn {
	for {
		p.mu.Lock()
		list := p.conns[key]
		if len(list) == 0 {
			p.mu.Unlock()
			return nil
		}
		conn := list[len(list)-1]
		p.conns[key] = list[:len(list)-1]
		p.mu.Unlock()
		// Stop the watcher: a read deadline in the past ends its Peek.
		conn.SetReadDeadline(time.Unix(1, 0))
		err := <-conn.watch
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() && conn.br.Buffered() == 0 && time.Since(conn.idleSince) < maxIdleTime {
			conn.SetReadDeadline(time.Time{})
			if stillOpen(conn.tcp) {
				return conn
			}
		}
		conn.Close()
	}
}
