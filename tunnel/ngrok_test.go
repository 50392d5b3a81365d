package tunnel

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"gaff/internal/testkit"
)

// These tests point the real SDK at places that are not ngrok. There is no
// route to ngrok from the test machines, so this is also what happens to a
// user with no network. ConnectTimeout is short so the tests end quickly;
// they assert the state reached, never how long it took.
const shortTimeout = 300 * time.Millisecond

// tcpServer accepts connections and hands each to serve.
func tcpServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return ln.Addr().String()
}

// localServer runs an http server on a Local tunnel for the test.
func localServer(t *testing.T) Tunnel {
	t.Helper()
	local, err := Local("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "local ok")
	})}
	go srv.Serve(local)
	t.Cleanup(func() { srv.Close() })
	return local
}

func getOK(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != "local ok" {
		t.Fatalf("GET %s: %d %q", url, resp.StatusCode, b)
	}
}

func TestNgrokFailsWithoutNgrok(t *testing.T) {
	garbage := tcpServer(t, func(c net.Conn) {
		defer c.Close()
		io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
	})
	silent := tcpServer(t, func(c net.Conn) {
		defer c.Close()
		io.Copy(io.Discard, c) // reads the TLS hello, never answers
	})
	tests := []struct {
		name    string
		addr    string
		kinds   []Kind
		errText string
	}{
		{"closed port", testkit.UnusedAddr(t), []Kind{KindNetwork}, "refused"},
		{"not TLS", garbage, []Kind{KindTLS, KindNetwork}, ""},
		{"silent", silent, []Kind{KindTimeout}, "no answer from ngrok"},
		// TEST-NET-1, routed nowhere: unreachable at once or never answering.
		{"unreachable", "192.0.2.1:443", []Kind{KindNetwork, KindTimeout}, ""},
	}
	local := localServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tun, err := Ngrok(t.Context(), NgrokOptions{AuthToken: fakeToken, ConnectURL: tt.addr, ConnectTimeout: shortTimeout})
			if err != nil {
				t.Fatal(err)
			}
			defer tun.Close()
			getOK(t, local.URL()+"/while-connecting")

			s := waitFor(t, tun, "Failed", status(Failed))
			t.Log(s.Line())
			if !kindIn(s.Kind, tt.kinds) || !strings.Contains(s.Err, tt.errText) || s.Hint == "" || s.URL != "" {
				t.Errorf("state = %+v, want kind in %v and an Err containing %q, with a hint", s, tt.kinds, tt.errText)
			}
			if _, err := tun.Accept(); !errors.Is(err, net.ErrClosed) {
				t.Errorf("Accept after failure = %v, want net.ErrClosed", err)
			}
			getOK(t, local.URL()+"/after-failure")
		})
	}
}

func kindIn(k Kind, ks []Kind) bool {
	for _, x := range ks {
		if k == x {
			return true
		}
	}
	return false
}

func TestNgrokCloseUnblocksAccept(t *testing.T) {
	silent := tcpServer(t, func(c net.Conn) { defer c.Close(); io.Copy(io.Discard, c) })
	tun, err := Ngrok(t.Context(), NgrokOptions{AuthToken: fakeToken, ConnectURL: silent, ConnectTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan error, 1)
	go func() {
		_, err := tun.Accept()
		accepted <- err
	}()
	if s := tun.State(); s.Status != Connecting || s.Line() != "tunnel: connecting to ngrok…" {
		t.Errorf("state = %+v (%q), want connecting", s, s.Line())
	}
	tun.Close()
	if err := <-accepted; !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept = %v, want net.ErrClosed", err)
	}
	if s := tun.State(); s.Status != Off {
		t.Errorf("state after Close = %+v, want off", s)
	}
	tun.Close() // twice is fine
}

func TestNgrokStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	silent := tcpServer(t, func(c net.Conn) { defer c.Close(); io.Copy(io.Discard, c) })
	tun, err := Ngrok(ctx, NgrokOptions{AuthToken: fakeToken, ConnectURL: silent, ConnectTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()
	cancel()
	waitFor(t, tun, "Off", status(Off))
	if _, err := tun.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept = %v, want net.ErrClosed", err)
	}
}

func TestNgrokOptionErrors(t *testing.T) {
	tests := []struct {
		name string
		opts NgrokOptions
		want string
	}{
		{"no token", NgrokOptions{AuthToken: "  \n"}, TokenURL},
		{"bad scheme", NgrokOptions{AuthToken: fakeToken, URL: "tcp://1.tcp.ngrok.io:1234"}, "gaff receives HTTP"},
		{"path", NgrokOptions{AuthToken: fakeToken, URL: "https://x.ngrok.app/hooks"}, "only a scheme and host"},
		{"bad cidr", NgrokOptions{AuthToken: fakeToken, AllowCIDRs: []string{"10.0.0.0/33"}}, `--allow-cidr "10.0.0.0/33"`},
		{"bad basic auth", NgrokOptions{AuthToken: fakeToken, BasicAuth: "nocolon"}, "USER:PASSWORD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tun, err := Ngrok(t.Context(), tt.opts)
			if err == nil {
				tun.Close()
				t.Fatal("Ngrok accepted the options")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestEndpointURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"lucky-otter.ngrok.app", "https://lucky-otter.ngrok.app"},
		{"https://lucky-otter.ngrok.app/", "https://lucky-otter.ngrok.app"},
		{" http://hooks.example.com ", "http://hooks.example.com"},
	}
	for _, tt := range tests {
		got, err := endpointURL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("endpointURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"https://", "https://u:p@x.ngrok.app", "https://x.ngrok.app?a=1", "ftp://x"} {
		if got, err := endpointURL(bad); err == nil {
			t.Errorf("endpointURL(%q) = %q, want an error", bad, got)
		}
	}
}

func TestReportPrintsEachChange(t *testing.T) {
	tun, err := Ngrok(t.Context(), NgrokOptions{AuthToken: fakeToken, ConnectURL: testkit.UnusedAddr(t), ConnectTimeout: shortTimeout})
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()
	var out bytes.Buffer
	Report(t.Context(), tun, &out) // returns once the tunnel has failed
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	t.Logf("%q", lines)
	if !strings.HasPrefix(lines[0], "tunnel: connecting to ngrok…") {
		t.Errorf("first line %q", lines[0])
	}
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "tunnel: failed: connection refused by ") || !strings.Contains(last, " — ") {
		t.Errorf("last line %q", last)
	}
}
