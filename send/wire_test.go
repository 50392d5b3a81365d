package send_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gaff/internal/testkit"
	"gaff/send"
	"gaff/storage"
)

// headTarget is a loopback server that keeps each request head exactly as
// its bytes arrived and answers 200.
func headTarget(t *testing.T) (url string, heads <-chan string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ch := make(chan string, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					var head strings.Builder
					for {
						line, err := br.ReadString('\n')
						if err != nil {
							return
						}
						head.WriteString(line)
						if line == "\r\n" {
							break
						}
					}
					req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(head.String())))
					if err != nil {
						return
					}
					io.CopyN(io.Discard, br, req.ContentLength)
					ch <- head.String()
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				}
			}()
		}
	}()
	return "http://" + l.Addr().String(), ch
}

// The head goes out as captured: header names in their order and case,
// repeats where they were, the target's Host and the body's
// Content-Length where the capture had its own; net/http would sort them.
func TestClientWritesTheHeadInCapturedOrder(t *testing.T) {
	url, heads := headTarget(t)
	host := strings.TrimPrefix(url, "http://")
	out := send.Outbound{Method: "POST", URL: url + "/hooks/a%2Fb?z=1&a=2", Body: []byte(`{"a":1}`), Headers: storage.Headers{
		{Name: "User-Agent", Value: "GitHub-Hookshot/abc"},
		{Name: "X-Zeta", Value: "1"},
		{Name: "Host", Value: "abc.ngrok.app"},
		{Name: "content-type", Value: "application/json"},
		{Name: "Content-Length", Value: "999"},
		{Name: "x-alpha", Value: "2"},
		{Name: "Connection", Value: "keep-alive"},
		{Name: "X-Zeta", Value: "3"},
		{Name: "Accept", Value: "*/*"},
	}}
	d := send.NewClient(0).Do(context.Background(), out)
	if d.Status != 200 || d.Error != "" || string(d.RespBody) != "ok" {
		t.Fatalf("%+v", d)
	}
	want := "POST /hooks/a%2Fb?z=1&a=2 HTTP/1.1\r\n" +
		"User-Agent: GitHub-Hookshot/abc\r\n" +
		"X-Zeta: 1\r\n" +
		"Host: " + host + "\r\n" +
		"content-type: application/json\r\n" +
		"Content-Length: 7\r\n" +
		"x-alpha: 2\r\n" +
		"X-Zeta: 3\r\n" +
		"Accept: */*\r\n\r\n"
	if got := <-heads; got != want {
		t.Fatalf("head on the wire:\n%s\nwant\n%s", got, want)
	}
	// Without them in the capture, Host leads and Content-Length closes.
	out.Headers = storage.Headers{{Name: "B", Value: "1"}, {Name: "A", Value: "2"}}
	if d := send.NewClient(0).Do(context.Background(), out); d.Status != 200 {
		t.Fatalf("%+v", d)
	}
	if got, want := <-heads, "POST /hooks/a%2Fb?z=1&a=2 HTTP/1.1\r\nHost: "+host+"\r\nB: 1\r\nA: 2\r\nContent-Length: 7\r\n\r\n"; got != want {
		t.Fatalf("head on the wire:\n%s\nwant\n%s", got, want)
	}
}

// A replay arrives at another gaff with the headers in the captured order.
func TestReplayKeepsHeaderOrder(t *testing.T) {
	db := testkit.DB(t)
	base, target := testkit.CaptureServer(t)
	orig := testkit.Store(t, db, &storage.Request{
		Summary: storage.Summary{Method: "POST", Target: "/o"}, Proto: "HTTP/1.1",
		Headers: storage.Headers{{Name: "X-Zeta", Value: "1"}, {Name: "Content-Type", Value: "text/plain"},
			{Name: "x-alpha", Value: "2"}, {Name: "X-Zeta", Value: "3"}, {Name: "Accept", Value: "*/*"}},
		Body: []byte("hi"),
	})
	if d, err := newSender(db, 0).Replay(context.Background(), orig.ID, base, false); err != nil || d.Status != 200 {
		t.Fatalf("%v %+v", err, d)
	}
	var got []string
	for _, h := range testkit.Newest(t, target).Headers {
		if !strings.EqualFold(h.Name, "Host") && !strings.EqualFold(h.Name, "Content-Length") {
			got = append(got, h.Name+": "+h.Value)
		}
	}
	want := []string{"X-Zeta: 1", "Content-Type: text/plain", "x-alpha: 2", "X-Zeta: 3", "Accept: */*", send.LoopHeader + ": " + send.InstanceID()}
	if !slices.Equal(got, want) {
		t.Fatalf("arrived in order\n%q\nwant\n%q", got, want)
	}
}

// Connections are reused, and one the target has since closed is not:
// the next request goes out on a new one instead of failing.
func TestClientReusesOpenConnectionsOnly(t *testing.T) {
	var opened, closed atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			opened.Add(1)
		case http.StateClosed:
			closed.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := send.NewClient(0)
	post := func() {
		t.Helper()
		if d := c.Do(context.Background(), send.Outbound{Method: "POST", URL: srv.URL + "/", Body: []byte("x")}); d.Status != 200 || d.Error != "" {
			t.Fatalf("%+v", d)
		}
	}
	for range 3 {
		post()
	}
	if n := opened.Load(); n != 1 {
		t.Fatalf("%d connections for 3 requests in turn, want 1", n)
	}
	srv.CloseClientConnections()
	for deadline := time.Now().Add(10 * time.Second); closed.Load() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server never closed the connection")
		}
	}
	post()
	if n := opened.Load(); n != 2 {
		t.Fatalf("%d connections, want a second one after the first was closed", n)
	}
}
