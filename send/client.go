// Package send is the origin: it sends requests gaff builds (replays, edits,
// forwards, test events) and records every attempt as a storage.Delivery.
package send

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"gaff/storage"
)

// Defaults for outbound attempts.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultMaxResponse = 1 << 20 // response bodies kept per attempt
)

// Outbound is a request to send, byte for byte.
type Outbound struct {
	Method  string
	URL     string
	Headers storage.Headers
	Body    []byte
}

// Client sends Outbounds. It writes each request head itself (wire.go):
// net/http's client sorts header names, and a replay must go out with the
// captured names in their order and case, repeats where they were. It
// dials targets directly, never through a proxy from the environment, and
// keeps idle connections for reuse. The zero value is not usable; use
// NewClient.
type Client struct {
	Timeout     time.Duration
	MaxResponse int64
	dialer      net.Dialer
	idle        *idlePool // shared by copies of the Client
}

// NewClient makes a client that never follows redirects (a webhook sender
// does not: the 3xx is the answer to show), never asks for compression
// (the stored response must be the bytes the target sent) and keeps its
// own connection pool.
func NewClient(timeout time.Duration) *Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Client{
		Timeout:     timeout,
		MaxResponse: DefaultMaxResponse,
		dialer:      net.Dialer{KeepAlive: 30 * time.Second},
		idle:        &idlePool{},
	}
}

// hopByHop headers describe one connection, not the message (RFC 9110 §7.6.1);
// Host and Content-Length are recomputed for the new target and body.
var hopByHop = map[string]bool{
	"connection": true, "keep-alive": true, "proxy-authenticate": true, "proxy-authorization": true,
	"proxy-connection": true, "te": true, "trailer": true, "transfer-encoding": true, "upgrade": true,
	"host": true, "content-length": true,
}

// Do sends out and returns the attempt as a Delivery (not yet stored). It
// never returns an error: a failure is part of the record, in words.
func (c *Client) Do(ctx context.Context, out Outbound) *storage.Delivery {
	d := &storage.Delivery{Time: time.Now(), Method: out.Method, URL: out.URL, Headers: out.Headers, Body: out.Body}
	w, err := newWireRequest(out)
	if err != nil {
		d.Error = err.Error()
		return d
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	start := time.Now()
	ex, err := c.exchange(ctx, w)
	if err != nil {
		d.Duration = time.Since(start)
		d.Error = Describe(err, c.Timeout)
		return d
	}
	body, err := io.ReadAll(io.LimitReader(ex.resp.Body, c.MaxResponse+1))
	d.Duration = time.Since(start)
	d.Status = ex.resp.StatusCode
	d.RespHeaders = responseHeaders(ex.resp)
	if int64(len(body)) > c.MaxResponse {
		body, d.RespTruncated = body[:c.MaxResponse], true
	}
	d.RespBody = body
	if err != nil {
		d.Error = "the response body was cut: " + Describe(ctxErr(ctx, err), c.Timeout)
		d.RespTruncated = true
	}
	c.done(ex, err == nil && !d.RespTruncated)
	return d
}

// rawPath is the path of raw exactly as written, when it can go on the
// request line as is: no byte a request line cannot carry (space, control
// characters) and nothing the parsed URL reads differently.
func rawPath(raw string, u *url.URL) (string, bool) {
	raw = strings.TrimSpace(raw)
	rest, ok := strings.CutPrefix(raw, u.Scheme+"://")
	if !ok {
		return "", false
	}
	i := strings.IndexAny(rest, "/?#")
	if i < 0 || rest[i] != '/' {
		return "", false
	}
	p, _, _ := strings.Cut(rest[i:], "?")
	p, _, _ = strings.Cut(p, "#")
	for _, c := range []byte(p) {
		if c <= ' ' || c == 0x7f {
			return "", false
		}
	}
	if unescaped, err := url.PathUnescape(p); err != nil || unescaped != u.Path {
		return "", false
	}
	return p, true
}

func responseHeaders(resp *http.Response) storage.Headers {
	var h storage.Headers
	for k, vs := range resp.Header {
		for _, v := range vs {
			h = append(h, storage.Header{Name: k, Value: v})
		}
	}
	sortHeaders(h)
	return h
}

// ParseTarget checks a URL typed by a user: absolute, http or https, with a
// host. The error says what is wrong in words, and shows the URL without
// its password.
func ParseTarget(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("no target URL given")
	}
	shown := RedactURL(raw)
	u, err := url.Parse(raw)
	if err != nil {
		// "127.0.0.1:9000" does not parse at all: a path cannot start with
		// a colon before its first slash.
		if guess, ok := withHTTP(raw); ok {
			return nil, fmt.Errorf("%q is not an http:// or https:// URL; did you mean %s?", shown, guess)
		}
		return nil, fmt.Errorf("%q is not a valid URL: %v", shown, errors.Unwrap(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		// "localhost:3000/hook" parses as scheme "localhost", opaque "3000/hook".
		if guess, ok := withHTTP(raw); ok && (u.Scheme == "" || startsWithDigit(u.Opaque)) {
			return nil, fmt.Errorf("%q is not an http:// or https:// URL; did you mean %s?", shown, guess)
		}
		return nil, fmt.Errorf("%q is not an http:// or https:// URL", shown)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q has no host", shown)
	}
	return u, nil
}

// withHTTP is raw with http:// in front, when that makes a URL with a host:
// what a user who left the scheme out meant.
func withHTTP(raw string) (string, bool) {
	if strings.Contains(raw, "://") {
		return "", false
	}
	u, err := url.Parse("http://" + raw)
	if err != nil || u.Hostname() == "" {
		return "", false
	}
	return RedactURL("http://" + raw), true
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// Describe says why an attempt failed, in the words a user searches for.
func Describe(err error, timeout time.Duration) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Sprintf("timed out: no response within %s", timeout)
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("DNS: cannot resolve %s (%s)", dnsErr.Name, dnsErr.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		if errors.As(err, &opErr) && opErr.Addr != nil {
			return fmt.Sprintf("connection refused: nothing is listening on %s", opErr.Addr)
		}
		return "connection refused: nothing is listening there"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the target closed the connection without a complete response"
	case errors.As(err, &certErr):
		return "TLS: the certificate was not accepted: " + certErr.Err.Error()
	case errors.As(err, &recErr):
		return "TLS: the target did not answer TLS (is it plain http?)"
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "TLS: the target did not answer TLS (it speaks plain http: use http://)"
	case strings.Contains(err.Error(), "tls: "):
		return "TLS: " + err.Error()
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
