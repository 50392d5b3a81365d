package tunnel

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"gaff/internal/testkit"

	"golang.ngrok.com/ngrok/v2"
)

// A token long enough to be redacted, in ngrok's format but not valid.
const fakeToken = "2fAkEtOkEn0000000000000000_fakefakefakefakefake"

// The refusal ngrok sends for a malformed token. Like the real one it
// quotes the token back, which gaff must not show or log.
const refusal105 = "The authtoken you specified does not look like a proper ngrok authtoken.\n" +
	"Your authtoken: " + fakeToken + "\n" +
	"Instructions to install your authtoken are on your ngrok dashboard:\n" +
	"https://dashboard.ngrok.com/get-started/your-authtoken\r\n\r\nERR_NGROK_105\r\n"

func TestNgrokRefusedTokenFailsFast(t *testing.T) {
	fake := newFakeNgrok(t)
	fake.set(func(f *fakeNgrok) { f.authErr = refusal105 })

	var logs testkit.LockedBuffer
	opts := fake.options(fakeToken)
	// Far longer than the test runs: reaching Failed proves the refusal
	// was recognised, not that the connect timer fired.
	opts.ConnectTimeout = time.Hour
	opts.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	tun, err := Ngrok(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()

	s := waitFor(t, tun, "Failed", status(Failed))
	t.Log(s.Line())
	if s.Kind != KindAuth {
		t.Errorf("kind = %v, want auth; state %+v", s.Kind, s)
	}
	if !strings.Contains(s.Err, "refused the authtoken") || !strings.Contains(s.Err, "ERR_NGROK_105") {
		t.Errorf("Err = %q, want it to say the token was refused, with the code", s.Err)
	}
	if !strings.Contains(s.Hint, TokenURL) {
		t.Errorf("Hint = %q, want the dashboard URL", s.Hint)
	}
	if line := s.Line(); !strings.HasPrefix(line, "tunnel: failed: ngrok refused the authtoken") {
		t.Errorf("Line() = %q", line)
	}
	if _, err := tun.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after failure = %v, want net.ErrClosed", err)
	}

	tun.Close()
	log := logs.String()
	if strings.Contains(log, fakeToken) || strings.Contains(s.Err, fakeToken) {
		t.Errorf("the authtoken leaked into the log or the state:\n%s", log)
	}
	if !strings.Contains(log, redacted) {
		t.Errorf("expected the SDK's logged refusal, redacted, in the log:\n%s", log)
	}
}

// The SDK's real values: what EventAgentDisconnected carries and what
// Connect returns when ngrok refuses the token, and what Listen returns
// when ngrok refuses the endpoint. This also shows ngrok/ngrok-go#176: the
// agent keeps retrying a refused token until its context ends.
func TestClassifySDKErrors(t *testing.T) {
	fake := newFakeNgrok(t)
	fake.set(func(f *fakeNgrok) { f.authErr = refusal105 })

	events := make(chan error, 16)
	agent, err := ngrok.NewAgent(
		ngrok.WithAuthtoken(fakeToken),
		ngrok.WithAgentConnectURL(fake.ln.Addr().String()),
		ngrok.WithAgentConnectCAs(fake.pool),
		ngrok.WithLogger(slog.New(slog.DiscardHandler)),
		ngrok.WithEventHandler(func(ev ngrok.Event) {
			if d, ok := ev.(*ngrok.EventAgentDisconnected); ok && d.Error != nil {
				select {
				case events <- d.Error:
				default:
				}
			}
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	connectErr := make(chan error, 1)
	go func() { connectErr <- agent.Connect(ctx) }()

	for i := range 2 { // a second refusal: the SDK retried a refused token
		ev := <-events
		if kind, msg, _ := Classify(ev); kind != KindAuth {
			t.Errorf("event %d: Classify(%T %q) = %v %q, want auth", i, ev, ev, kind, msg)
		}
	}
	cancel()
	err = <-connectErr
	if kind, msg, _ := Classify(err); kind != KindAuth {
		t.Errorf("Classify(Connect's error %q) = %v %q, want auth", err, kind, msg)
	}

	// Now a good token but a URL reserved by someone else.
	fake.set(func(f *fakeNgrok) {
		f.authErr = ""
		f.bindErr = "The domain 'taken.ngrok.app' is reserved for another account.\r\n\r\nERR_NGROK_320\r\n"
	})
	agent, err = ngrok.NewAgent(
		ngrok.WithAuthtoken(fakeToken),
		ngrok.WithAgentConnectURL(fake.ln.Addr().String()),
		ngrok.WithAgentConnectCAs(fake.pool),
		ngrok.WithLogger(slog.New(slog.DiscardHandler)),
	)
	if err != nil {
		t.Fatal(err)
	}
	_, err = agent.Listen(t.Context(), ngrok.WithURL("https://taken.ngrok.app"))
	defer agent.Disconnect()
	var ne ngrok.Error
	if !errors.As(err, &ne) || ne.Code() != "ERR_NGROK_320" {
		t.Fatalf("Listen error = %v (%T), want an ngrok.Error with ERR_NGROK_320", err, err)
	}
	kind, msg, hint := Classify(err)
	if kind != KindURL || !strings.Contains(msg, "reserved for another account") || !strings.Contains(hint, "--url") {
		t.Errorf("Classify(%q) = %v, %q, %q", err, kind, msg, hint)
	}
}

func TestNgrokRefusedURLFails(t *testing.T) {
	fake := newFakeNgrok(t)
	fake.set(func(f *fakeNgrok) {
		f.bindErr = "The endpoint 'https://gaff-test.ngrok.app' is already online.\r\n\r\nERR_NGROK_334\r\n"
	})
	opts := fake.options(fakeToken)
	opts.URL = "gaff-test.ngrok.app"
	tun, err := Ngrok(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()
	s := waitFor(t, tun, "Failed", status(Failed))
	t.Log(s.Line())
	if s.Kind != KindURL || !strings.Contains(s.Err, "already online") || !strings.Contains(s.Hint, "--url") {
		t.Errorf("state = %+v", s)
	}
	if got := fake.lastBind().Opts.URL; got != "https://gaff-test.ngrok.app" {
		t.Errorf("the SDK asked for %q, want the --url with https added", got)
	}
}

// Online, requests through the URL, latency from heartbeats, a dropped
// connection shown as Reconnecting, and back Online by itself.
func TestNgrokOnlineReconnectsAndServes(t *testing.T) {
	fake := newFakeNgrok(t)
	opts := fake.options(fakeToken)
	opts.URL = "https://gaff-test.ngrok.app"
	opts.BasicAuth = "webhooks:correct-horse"
	opts.AllowCIDRs = []string{"203.0.113.0/24"}
	tun, err := Ngrok(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if s := tun.State(); s.Status != Connecting {
		t.Errorf("state right after Ngrok = %v, want connecting", s.Status)
	}

	type seen struct{ path, remote, body string }
	got := make(chan seen, 4)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.URL.Path, r.RemoteAddr, string(b)}
		io.WriteString(w, "stored")
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(tun) }()

	s := waitFor(t, tun, "Online", status(Online))
	if s.URL != "https://gaff-test.ngrok.app" || tun.URL() != s.URL || tun.Addr().String() != s.URL {
		t.Errorf("URL = %q, URL() = %q, Addr() = %q", s.URL, tun.URL(), tun.Addr())
	}
	bind := fake.lastBind()
	var policy struct {
		OnHTTPRequest []struct {
			Actions []struct{ Type string }
		} `json:"on_http_request"`
	}
	if err := json.Unmarshal([]byte(bind.Opts.TrafficPolicy), &policy); err != nil || len(policy.OnHTTPRequest) != 1 ||
		len(policy.OnHTTPRequest[0].Actions) != 2 ||
		policy.OnHTTPRequest[0].Actions[0].Type != "restrict-ips" || policy.OnHTTPRequest[0].Actions[1].Type != "basic-auth" {
		t.Errorf("traffic policy sent to ngrok = %q (%v)", bind.Opts.TrafficPolicy, err)
	}

	post := func(body string) {
		t.Helper()
		req, _ := http.NewRequest("POST", "https://gaff-test.ngrok.app/hooks/github", strings.NewReader(body))
		resp := fake.request(req, "203.0.113.9:4242")
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(b) != "stored" {
			t.Fatalf("response through the tunnel: %d %q", resp.StatusCode, b)
		}
		g := <-got
		if g.path != "/hooks/github" || g.body != body || g.remote != "203.0.113.9:4242" {
			t.Errorf("handler saw %+v", g)
		}
	}
	post(`{"zen":"first"}`)

	waitFor(t, tun, "a heartbeat latency", func(s State) bool { return s.Latency > 0 })
	if line := tun.State().Line(); !strings.HasPrefix(line, "tunnel: online https://gaff-test.ngrok.app (") {
		t.Errorf("Line() = %q", line)
	}

	release := fake.holdConnections()
	fake.dropConnections()
	s = waitFor(t, tun, "Reconnecting", status(Reconnecting))
	t.Log(s.Line())
	if s.Err == "" || s.URL != "https://gaff-test.ngrok.app" {
		t.Errorf("reconnecting state = %+v, want the error and the kept URL", s)
	}
	release()
	waitFor(t, tun, "Online again", status(Online))
	post(`{"zen":"after the reconnect"}`)

	if err := tun.Close(); err != nil {
		t.Fatal(err)
	}
	if s := tun.State(); s.Status != Off {
		t.Errorf("state after Close = %+v", s)
	}
	if err := <-served; !errors.Is(err, net.ErrClosed) {
		t.Errorf("Serve returned %v, want net.ErrClosed", err)
	}
}
