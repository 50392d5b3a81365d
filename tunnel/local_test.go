package tunnel

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestLocalServesHTTP(t *testing.T) {
	tun, err := Local("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://" + tun.Addr().String(); tun.URL() != want {
		t.Errorf("URL() = %q, want %q", tun.URL(), want)
	}
	if s := tun.State(); s.Status != Online || s.URL != tun.URL() || s.Line() != "tunnel: online "+tun.URL() {
		t.Errorf("State() = %+v", s)
	}

	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Method+" "+r.URL.Path)
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(tun) }()

	resp, err := http.Post(tun.URL()+"/hooks/stripe", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "POST /hooks/stripe" {
		t.Errorf("response %q", b)
	}

	tun.Close()
	if err := <-served; !errors.Is(err, net.ErrClosed) {
		t.Errorf("Serve returned %v, want net.ErrClosed", err)
	}
	if s := tun.State(); s.Status != Off {
		t.Errorf("state after Close = %+v", s)
	}
	select {
	case <-tun.Changes():
	default:
		t.Error("Close did not signal a change")
	}
}

func TestLocalPortInUse(t *testing.T) {
	first, err := Local("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	addr := first.Addr().String()
	second, err := Local(addr)
	if err == nil {
		second.Close()
		t.Fatalf("a second Local(%s) succeeded", addr)
	}
	msg := err.Error()
	if !strings.Contains(msg, addr) || !strings.Contains(msg, "already in use") || !strings.Contains(msg, "--listen") {
		t.Errorf("error %q should name the address, say it is in use, and point to --listen", msg)
	}
}

func TestLocalBadAddress(t *testing.T) {
	_, err := Local("4747")
	if err == nil || !strings.Contains(err.Error(), "--listen") {
		t.Errorf("Local(\"4747\") error = %v, want advice about --listen", err)
	}
}

func TestLocalCloseUnblocksAccept(t *testing.T) {
	tun, err := Local("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan error, 1)
	go func() {
		_, err := tun.Accept()
		accepted <- err
	}()
	tun.Close()
	if err := <-accepted; !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept = %v, want net.ErrClosed", err)
	}
}

func TestLocalURL(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"127.0.0.1:4747", "http://127.0.0.1:4747"},
		{"0.0.0.0:4747", "http://127.0.0.1:4747"},
		{"[::]:4747", "http://127.0.0.1:4747"},
		{"[::1]:4747", "http://[::1]:4747"},
		{"192.168.1.5:80", "http://192.168.1.5:80"},
	}
	for _, tt := range tests {
		a, err := net.ResolveTCPAddr("tcp", tt.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := localURL(a); got != tt.want {
			t.Errorf("localURL(%s) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
