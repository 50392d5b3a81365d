package capture

import (
	"bytes"
	"context"
	"net"
	"sync"
)

// net/http hands handlers a canonicalised header map: case and order are
// gone. gaff keeps headers as they arrived (ARCHITECTURE.md, "The path of
// one request"), so every connection keeps the bytes it read recently, and
// the handler recovers its request's head from them (see head.go). Memory
// stays bounded: while a handler reads a body only a short tail is kept,
// enough to hold the start of a pipelined next request.
type recConn struct {
	net.Conn
	via string
	// refused is told when net/http turns a request away before any handler
	// runs (a control byte in a header, a malformed request line), so that
	// request is still recorded.
	refused func(c *recConn, reply []byte)

	mu        sync.Mutex
	buf       []byte
	inHandler bool
	window    int
}

// tailDuringBody is what a connection keeps while a body streams through: the
// largest read net/http's bufio makes, twice over.
const tailDuringBody = 16 << 10

func (c *recConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.record(p[:n])
	}
	return n, err
}

// net/http writes its own refusals straight to the connection in exactly
// this shape (net/http/server.go, conn.serve): a status line, these headers,
// a short reason. Handler responses always carry Content-Length and Date, so
// they never match.
var refusalHeaders = []byte("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n")

func (c *recConn) Write(p []byte) (int, error) {
	if c.refused != nil && bytes.HasPrefix(p, []byte("HTTP/1.1 ")) {
		if i := bytes.Index(p, []byte("\r\n")); i > 0 && bytes.HasPrefix(p[i:], refusalHeaders) {
			c.refused(c, p)
		}
	}
	return c.Conn.Write(p)
}

// unclaimed returns the bytes read since the last handled request's head:
// the head (and perhaps body) of a request no handler saw.
func (c *recConn) unclaimed() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.buf)
}

func (c *recConn) record(p []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	limit := c.window
	if c.inHandler {
		limit = tailDuringBody
	}
	if len(p) >= limit {
		c.buf = append(c.buf[:0], p[len(p)-limit:]...)
		return
	}
	c.buf = append(c.buf, p...)
	if over := len(c.buf) - limit; over > 0 {
		c.buf = c.buf[:copy(c.buf, c.buf[over:])]
	}
}

// takeHead finds the raw head of the request that has just been parsed,
// the first one valid accepts (valid copies what it keeps: the buffer is
// reused), and marks the connection busy until done is called. It reports
// whether one was found.
func (c *recConn) takeHead(requestLine []byte, valid func(head []byte) bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inHandler = true
	from := 0
	for {
		i := bytes.Index(c.buf[from:], requestLine)
		if i < 0 {
			return false
		}
		start := from + i
		end := headEnd(c.buf[start:])
		if end > 0 && valid(c.buf[start:start+end]) {
			// Keep what follows: body read-ahead and maybe the next request.
			c.buf = c.buf[:copy(c.buf, c.buf[start+end:])]
			return true
		}
		from = start + 1
	}
}

func (c *recConn) done() {
	c.mu.Lock()
	c.inHandler = false
	c.mu.Unlock()
}

// headEnd is the length of the head (through the blank line) at the start of
// b, or 0 if b holds no complete head.
func headEnd(b []byte) int {
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return 0
		}
		line := b[i : i+j]
		i += j + 1
		if len(line) == 0 || (len(line) == 1 && line[0] == '\r') {
			return i
		}
	}
	return 0
}

// recListener wraps every accepted connection in a recConn.
type recListener struct {
	net.Listener
	via     string
	window  int
	refused func(c *recConn, reply []byte)
}

func (l *recListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &recConn{Conn: c, via: l.via, window: l.window, refused: l.refused}, nil
}

type connKey struct{}

func connContext(ctx context.Context, c net.Conn) context.Context {
	if rc, ok := c.(*recConn); ok {
		return context.WithValue(ctx, connKey{}, rc)
	}
	return ctx
}

func connFrom(ctx context.Context) *recConn {
	rc, _ := ctx.Value(connKey{}).(*recConn)
	return rc
}
