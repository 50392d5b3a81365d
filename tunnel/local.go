package tunnel

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Local listens on addr (such as 127.0.0.1:4747) and is Online from the start.
// Its URL is http://ADDR with the port actually bound, so ":0" works. It is
// the tunnel that always works: gaff runs it in every mode, beside ngrok.
func Local(addr string) (Tunnel, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, listenError(addr, err)
	}
	t := &localTunnel{
		Listener: l,
		url:      localURL(l.Addr()),
		changes:  make(chan struct{}, 1),
	}
	t.state = State{Status: Online, URL: t.url, At: time.Now()}
	return t, nil
}

type localTunnel struct {
	net.Listener
	url     string
	changes chan struct{}

	mu    sync.Mutex
	state State
}

func (t *localTunnel) URL() string              { return t.url }
func (t *localTunnel) Changes() <-chan struct{} { return t.changes }

func (t *localTunnel) State() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state
}

// Close stops listening; a blocked Accept returns an error wrapping
// net.ErrClosed (the net package's own).
func (t *localTunnel) Close() error {
	err := t.Listener.Close()
	t.mu.Lock()
	changed := t.state.Status != Off
	if changed {
		t.state = State{Status: Off, URL: t.url, At: time.Now()}
	}
	t.mu.Unlock()
	if changed {
		notify(t.changes)
	}
	return err
}

// localURL is the URL a local sender should use for a bound address. An
// unspecified host (":4747", "0.0.0.0:4747", "[::]:4747") accepts loopback
// too, and 127.0.0.1 is the one address certain to reach it.
func localURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// listenError explains the common reasons a listen fails, since the raw
// error ("bind: address already in use") does not say which flag to change.
func listenError(addr string, err error) error {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("cannot listen on %s: the address is already in use (another gaff, or another program, is listening there); pick another with --listen: %w", addr, err)
	case errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM):
		hint := "pick another with --listen"
		if _, port, perr := net.SplitHostPort(addr); perr == nil {
			if n, nerr := strconv.Atoi(port); nerr == nil && n > 0 && n < 1024 {
				hint = "ports below 1024 need extra privileges; pick a higher one with --listen"
			}
		}
		return fmt.Errorf("cannot listen on %s: permission denied; %s: %w", addr, hint, err)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Errorf("cannot listen on %s: no network interface of this machine has that address; use 127.0.0.1:PORT with --listen: %w", addr, err)
	}
	var addrErr *net.AddrError
	if errors.As(err, &addrErr) {
		return fmt.Errorf("cannot listen on %q: not a HOST:PORT address (%s); use --listen 127.0.0.1:4747, for example: %w", addr, addrErr.Err, err)
	}
	return fmt.Errorf("cannot listen on %s: %w; pick another address with --listen", addr, err)
}
