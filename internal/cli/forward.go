package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/spf13/cobra"

	"gaff/capture"
	"gaff/send"
	"gaff/storage"
)

// forwardFlags send every capture on to the user's own server.
type forwardFlags struct {
	to      string
	mode    string
	timeout time.Duration
}

const (
	forwardCopy  = "copy"
	forwardProxy = "proxy"
)

func (f *forwardFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.to, "forward-to", "", "also send every capture, once stored, to this URL (your local server); the path and query are appended")
	fl.StringVar(&f.mode, "forward-mode", forwardCopy, "copy: the sender gets gaff's answer; proxy: the sender gets the forward target's answer (502 and why if it fails, so the sender retries)")
	fl.DurationVar(&f.timeout, "timeout", send.DefaultTimeout, "how long to wait for the forward target's answer")
}

// check refuses forward flags gaff cannot use, before anything is opened.
func (f forwardFlags) check() error {
	if f.mode != forwardCopy && f.mode != forwardProxy {
		return fmt.Errorf("--forward-mode %q: use copy or proxy", f.mode)
	}
	if f.timeout <= 0 {
		return fmt.Errorf("--timeout %s: give a positive duration, like 30s", f.timeout)
	}
	if f.to == "" && f.mode == forwardProxy {
		return fmt.Errorf("--forward-mode proxy needs --forward-to URL: the server whose answers to relay")
	}
	if f.to != "" {
		if _, err := send.ParseTarget(f.to); err != nil {
			return fmt.Errorf("--forward-to: %w", err)
		}
	}
	return nil
}

// newSender is the Sender gaff's commands and screens share.
func newSender(db *storage.DB, timeout time.Duration, secret func(string) (string, bool)) *send.Sender {
	return &send.Sender{DB: db, Client: send.NewClient(timeout), Secret: secret}
}

// setupForwarding builds the capture hooks for --forward-to: stored queues
// each capture for forwarding (copy mode), proxy answers with the target's
// response (proxy mode; 502 when it fails), or 508 to a capture that came back (both modes).
// Both are nil when not forwarding. stop lets queued
// forwards finish; call it after the capture server stopped and before the
// database closes. Headless mode prints a `<-- [200] POST …` line on
// stderr per attempt (stdout carries only JSON lines). self is gaff's own
// local URL, which forwarding must not point back at.
func setupForwarding(ctx context.Context, o serveOptions, db *storage.DB, log *slog.Logger, headless bool, self string) (
	stored func(*storage.Request), proxy func(context.Context, *storage.Request) (*capture.Answer, error), stop func(), err error) {
	f := o.forward
	stop = func() {}
	if f.to == "" {
		return nil, nil, stop, nil
	}
	if pointsAt(f.to, self) {
		return nil, nil, stop, fmt.Errorf("--forward-to %s is gaff itself (%s): every forward would be captured and forwarded again; give your own server's URL", send.RedactURL(f.to), self)
	}
	s := newSender(db, f.timeout, nil)
	// Remembered, so that `gaff replay ID` and the TUI's replay go there too.
	if err := s.SetTarget(ctx, f.to); err != nil {
		return nil, nil, stop, fmt.Errorf("--forward-to: %w", err)
	}
	opt := send.ForwardOptions{Log: log}
	if headless {
		opt.OnResult = func(d *storage.Delivery, event string) { fmt.Fprintln(os.Stderr, send.EventLine(d, event)) }
	}
	fw, err := send.NewForwarder(s, f.to, opt)
	if err != nil {
		return nil, nil, stop, fmt.Errorf("--forward-to: %w", err)
	}
	log.Info("forwarding captures", "to", send.RedactURL(f.to), "mode", f.mode, "timeout", f.timeout)
	answer := func(a *send.ProxyAnswer) *capture.Answer {
		return &capture.Answer{Status: a.Status, Header: a.Header, Body: a.Body}
	}
	if f.mode == forwardCopy {
		// gaff answers by itself, but a capture it sent itself gets 508: its
		// 200 would record the forward that went round as delivered.
		loop := func(_ context.Context, r *storage.Request) (*capture.Answer, error) {
			if a := send.LoopAnswer(r); a != nil {
				return answer(a), nil
			}
			return nil, nil
		}
		return fw.Enqueue, loop, fw.Close, nil
	}
	// In proxy mode the forward is the proxy attempt itself. Captures
	// capture answers by itself (over --max-body: 413) are not proxied;
	// they are recorded as not forwarded, as in copy mode.
	stored = func(r *storage.Request) {
		if r.Truncated && r.Status == http.StatusRequestEntityTooLarge {
			fw.Enqueue(r)
		}
	}
	proxy = func(ctx context.Context, r *storage.Request) (*capture.Answer, error) {
		a, err := fw.Proxy(ctx, r)
		if err != nil {
			return badGateway(r, err), nil
		}
		return answer(a), nil
	}
	return stored, proxy, fw.Close, nil
}

// badGateway is the answer when the forward target failed: 502, as a
// proxy would, so the provider retries rather than count the event as
// delivered; the body says what happened. The capture is stored already.
func badGateway(r *storage.Request, err error) *capture.Answer {
	body := fmt.Sprintf("gaff: your server did not answer this request (stored as #%d): %v\n"+
		"gaff runs with --forward-mode proxy, so the sender gets 502 and may retry; `gaff replay %d` sends it again.\n", r.ID, err, r.ID)
	return &capture.Answer{Status: http.StatusBadGateway, Header: storage.Headers{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}}, Body: []byte(body)}
}

// pointsAt reports whether target plainly reaches the server at self: the
// same port on a loopback or unspecified host. It only catches the obvious
// mistake early; whatever it misses (another spelling, a name, a tunnel,
// another gaff forwarding back) is stopped by send.LoopHeader.
func pointsAt(target, self string) bool {
	t, err1 := url.Parse(target)
	s, err2 := url.Parse(self)
	if err1 != nil || err2 != nil || t.Port() != s.Port() && !(t.Port() == "" && s.Port() == "80") {
		return false
	}
	local := func(host string) bool {
		ip := net.ParseIP(host)
		return host == "localhost" || host == "" || ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
	}
	return t.Scheme == "http" && local(t.Hostname()) && local(s.Hostname())
}
