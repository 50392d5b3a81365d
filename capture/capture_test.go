package capture

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gaff/storage"
)

type rig struct {
	db  *storage.DB
	url string
	h   *Handler
}

func newRig(t *testing.T, cfg Config, opt storage.Options) *rig {
	t.Helper()
	return newRigServer(t, cfg, opt, nil)
}

// newRigServer is newRig with the server's settings changed first (short
// timeouts for the slow-client tests).
func newRigServer(t *testing.T, cfg Config, opt storage.Options, tweak func(*http.Server)) *rig {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gaff.db")
	db, err := storage.Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DB = db
	h := New(cfg)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(h, nil)
	if tweak != nil {
		tweak(srv)
	}
	go srv.Serve(h.Listener(l, "local"))
	t.Cleanup(func() {
		srv.Close()
		db.Close()
	})
	return &rig{db: db, url: "http://" + l.Addr().String(), h: h}
}

func (r *rig) last(t *testing.T) *storage.Request {
	t.Helper()
	id, err := r.db.NewestRequestID(context.Background())
	if err != nil || id == 0 {
		t.Fatalf("no stored request (%v)", err)
	}
	req, err := r.db.GetRequest(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestEveryMethodIsCaptured(t *testing.T) {
	rg := newRig(t, Config{}, storage.Options{})
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "PURGE"} {
		req, _ := http.NewRequest(m, rg.url+"/any/path?q=1&q=2", strings.NewReader("body-"+m))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s answered %d", m, resp.StatusCode)
		}
		got := rg.last(t)
		if got.Method != m || got.Target != "/any/path?q=1&q=2" || string(got.Body) != "body-"+m || got.Status != 200 || got.Via != "local" {
			t.Errorf("%s stored as %+v body %q", m, got.Summary, got.Body)
		}
	}
}

// rawExchange writes exact bytes and reads one response per expected reply.
func rawExchange(t *testing.T, addr, wire string, replies int) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(addr, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, wire); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var out []*http.Response
	for i := 0; i < replies; i++ {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		out = append(out, resp)
	}
	return out
}

func TestHeadersKeepCaseOrderAndRepeats(t *testing.T) {
	rg := newRig(t, Config{}, storage.Options{})
	wire := "POST /hooks/github HTTP/1.1\r\n" +
		"host: example.test\r\n" +
		"X-GitHub-Event: push\r\n" +
		"x-custom: one\r\n" +
		"Content-Type: application/json\r\n" +
		"X-CUSTOM: two\r\n" +
		"x-custom:   three  \r\n" +
		"Content-Length: 2\r\n\r\n{}"
	rawExchange(t, rg.url, wire, 1)
	got := rg.last(t)
	var want storage.Headers
	for _, kv := range [][2]string{
		{"host", "example.test"}, {"X-GitHub-Event", "push"}, {"x-custom", "one"},
		{"Content-Type", "application/json"}, {"X-CUSTOM", "two"}, {"x-custom", "three"}, {"Content-Length", "2"},
	} {
		want = append(want, storage.Header{Name: kv[0], Value: kv[1]})
	}
	if fmt.Sprint(got.Headers) != fmt.Sprint(want) {
		t.Fatalf("headers\n got %q\nwant %q", got.Headers, want)
	}
}

func TestPipelinedRequestsWithLookAlikeBodies(t *testing.T) {
	rg := newRig(t, Config{}, storage.Options{})
	// The first body contains the second request's exact request line and
	// different headers: recovery must not take it for the real head.
	fake := "POST /two HTTP/1.1\r\nX-Fake: yes\r\n\r\n"
	first := "POST /one HTTP/1.1\r\nHost: a\r\nX-Order: 1\r\nContent-Length: " + fmt.Sprint(len(fake)) + "\r\n\r\n" + fake
	second := "POST /two HTTP/1.1\r\nHost: a\r\nx-real: yes\r\nContent-Length: 0\r\n\r\n"
	rawExchange(t, rg.url, first+second, 2)
	got := rg.last(t)
	if got.Target != "/two" || got.Headers.Get("X-Fake") != "" || got.Headers.Get("x-real") != "yes" || got.Headers[1].Name != "x-real" {
		t.Fatalf("second request headers %q", got.Headers)
	}
	one, _ := rg.db.GetRequest(context.Background(), got.ID-1)
	if string(one.Body) != fake || one.Headers[1].Name != "X-Order" {
		t.Fatalf("first request %q body %q", one.Headers, one.Body)
	}
}

func TestChunkedAndLargeBodiesKeepHeaders(t *testing.T) {
	rg := newRig(t, Config{}, storage.Options{})
	big := make([]byte, 300<<10)
	rand.Read(big)
	req, _ := http.NewRequest("POST", rg.url+"/upload", io.MultiReader(bytes.NewReader(big))) // no length: chunked
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// A second request on the same keep-alive connection after a big body.
	req2, _ := http.NewRequest("PUT", rg.url+"/after", strings.NewReader("x"))
	req2.Header["x-lower-case"] = []string{"kept"}
	resp, err = http.DefaultClient.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := rg.last(t)
	if got.Headers.Get("x-lower-case") != "kept" || !hasName(got.Headers, "x-lower-case") {
		t.Errorf("header case lost after a large body: %q", got.Headers)
	}
	up, _ := rg.db.GetRequest(context.Background(), got.ID-1)
	if !bytes.Equal(up.Body, big) || up.Size != int64(len(big)) || up.Truncated {
		t.Fatalf("chunked upload stored %d bytes (size %d), want %d", len(up.Body), up.Size, len(big))
	}
	if up.Headers.Get("Transfer-Encoding") != "chunked" {
		t.Errorf("Transfer-Encoding not kept: %q", up.Headers)
	}
}

func hasName(h storage.Headers, name string) bool {
	for _, x := range h {
		if x.Name == name {
			return true
		}
	}
	return false
}

func TestBinaryAndEmptyBodies(t *testing.T) {
	rg := newRig(t, Config{}, storage.Options{})
	bin := []byte{0, 1, 2, 0xff, 0xfe, '\r', '\n', 0x1b}
	resp, err := http.Post(rg.url+"/bin", "application/octet-stream", bytes.NewReader(bin))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := rg.last(t); !bytes.Equal(got.Body, bin) || got.Size != int64(len(bin)) {
		t.Fatalf("binary body %v", got.Body)
	}
	resp, _ = http.Post(rg.url+"/empty", "text/plain", nil)
	resp.Body.Close()
	if got := rg.last(t); len(got.Body) != 0 || got.Size != 0 || got.Target != "/empty" {
		t.Fatalf("empty body %+v", got.Summary)
	}
}

func TestOversizeIsCutStoredAndRefused(t *testing.T) {
	rg := newRig(t, Config{MaxBody: 1000}, storage.Options{})
	body := bytes.Repeat([]byte("abcdefghij"), 500) // 5000 bytes
	resp, err := http.Post(rg.url+"/big", "text/plain", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 413 || !strings.Contains(string(msg), "--max-body") {
		t.Fatalf("got %d %q", resp.StatusCode, msg)
	}
	got := rg.last(t)
	if !got.Truncated || !bytes.Equal(got.Body, body[:1000]) || got.Size != 5000 || got.Status != 413 || got.Note == "" {
		t.Fatalf("stored %+v, %d body bytes", got.Summary, len(got.Body))
	}
	// Exactly at the limit is fine.
	resp, _ = http.Post(rg.url+"/edge", "text/plain", bytes.NewReader(body[:1000]))
	resp.Body.Close()
	if resp.StatusCode != 200 || rg.last(t).Truncated {
		t.Fatalf("a body of exactly --max-body was refused: %d", resp.StatusCode)
	}
}

func TestNoSuccessBeforeCommit(t *testing.T) {
	rg := newRig(t, Config{}, storage.Options{BusyTimeout: time.Minute})
	// Another connection holds the write lock, so the commit cannot happen.
	other, _ := sql.Open("sqlite", "file:"+rg.db.Path())
	defer other.Close()
	conn, _ := other.Conn(context.Background())
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	answered := make(chan int, 1)
	go func() {
		resp, err := http.Post(rg.url+"/wait", "text/plain", strings.NewReader("x"))
		if err != nil {
			answered <- -1
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	// Give the request every chance to be answered early.
	time.Sleep(300 * time.Millisecond)
	select {
	case code := <-answered:
		t.Fatalf("answered %d while the commit was blocked", code)
	default:
	}
	conn.ExecContext(context.Background(), "ROLLBACK")
	if code := <-answered; code != 200 {
		t.Fatalf("after the lock was released: %d", code)
	}
	if got := rg.last(t); got.Target != "/wait" {
		t.Fatalf("stored %q", got.Target)
	}
}

func TestFullDiskAnswers503(t *testing.T) {
	rg := newRig(t, Config{}, storage.Options{MaxPageCount: 40})
	body := bytes.Repeat([]byte("y"), 32<<10)
	var code int
	for i := 0; i < 30; i++ {
		resp, err := http.Post(rg.url+"/fill", "text/plain", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		code = resp.StatusCode
		if code != 200 {
			if resp.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			break
		}
	}
	if code != 503 {
		t.Fatalf("disk never reported full; last status %d", code)
	}
	if rg.h.Health() == nil {
		t.Fatal("Health does not report the failure")
	}
}

func TestSlowHeadersAreCut(t *testing.T) {
	rg := newRigServer(t, Config{}, storage.Options{}, func(s *http.Server) { s.ReadHeaderTimeout = 200 * time.Millisecond })
	c, _ := net.Dial("tcp", strings.TrimPrefix(rg.url, "http://"))
	defer c.Close()
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\n") // never finishes
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.ReadAll(c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("a client that never finished its headers kept the connection")
	}
}

func TestRequestsNetHTTPRefusesAreStillRecorded(t *testing.T) {
	rg := newRig(t, Config{}, storage.Options{})
	cases := []struct{ wire, target, header string }{
		{"POST /evil?\x1b]0;pwned\x07 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", "/evil?\x1b]0;pwned\x07", ""},
		{"POST /h HTTP/1.1\r\nHost: x\r\nX-Evil: a\x1b[2Jb\r\nContent-Length: 2\r\n\r\nhi", "/h", "a\x1b[2Jb"},
		{"GET /n HTTP/1.1\r\nHost: x\r\nBad\x1bName: v\r\n\r\n", "/n", ""},
	}
	for i, c := range cases {
		resps := rawExchange(t, rg.url, c.wire, 1)
		if resps[0].StatusCode != 400 {
			t.Fatalf("case %d: net/http answered %d", i, resps[0].StatusCode)
		}
		got := rg.last(t)
		if got.Target != c.target || got.Status != 400 || !strings.Contains(got.Note, "refused") {
			t.Fatalf("case %d stored %+v", i, got.Summary)
		}
		if c.header != "" && got.Headers.Get("X-Evil") != c.header {
			t.Fatalf("case %d headers %q", i, got.Headers)
		}
		if i == 0 && string(got.Body) != "abc" {
			t.Fatalf("body %q", got.Body)
		}
		if int(got.ID) != i+1 {
			t.Fatalf("case %d has id %d: a refusal was stored twice or not at all", i, got.ID)
		}
	}
	// A normal 4xx answered by the handler is not mistaken for a refusal.
	resp, _ := http.Post(rg.url+"/fine", "text/plain", strings.NewReader("x"))
	resp.Body.Close()
	if n, _ := rg.db.CountRequests(context.Background()); n != 4 {
		t.Fatalf("count %d, want 4", n)
	}
}

// A body that did not arrive whole is stored as far as it came and refused
// with the reason: a 2xx would tell the sender it was accepted.
func TestBrokenBodiesAreStoredAndRefused(t *testing.T) {
	rg := newRig(t, Config{}, storage.Options{})
	resps := rawExchange(t, rg.url, "POST /chunky HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n", 1)
	if resps[0].StatusCode != 400 {
		t.Fatalf("malformed chunks answered %d", resps[0].StatusCode)
	}
	got := rg.last(t)
	if got.Status != 400 || !got.Truncated || string(got.Body) != "hello" || !strings.Contains(got.Note, "malformed") {
		t.Fatalf("stored %+v body %q", got.Summary, got.Body)
	}

	// The sender closes early: what came is stored, marked cut.
	c, err := net.Dial("tcp", strings.TrimPrefix(rg.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "POST /short HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this")
	c.(*net.TCPConn).CloseWrite()
	io.ReadAll(c)
	c.Close()
	got = rg.last(t)
	if got.Target != "/short" || got.Status != 400 || string(got.Body) != "only this" || !strings.Contains(got.Note, "closed the connection after 9 B of a 100 B body") {
		t.Fatalf("stored %+v body %q", got.Summary, got.Body)
	}
}

func TestSlowBodyIsCutWith408(t *testing.T) {
	rg := newRigServer(t, Config{}, storage.Options{}, func(s *http.Server) { s.ReadTimeout = 300 * time.Millisecond })
	db := rg.db
	c, _ := net.Dial("tcp", strings.TrimPrefix(rg.url, "http://"))
	defer c.Close()
	io.WriteString(c, "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc") // the rest never comes
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 408 {
		t.Fatalf("slow body answered %d", resp.StatusCode)
	}
	id, _ := db.NewestRequestID(context.Background())
	got, _ := db.GetRequest(context.Background(), id)
	if string(got.Body) != "abc" || got.Status != 408 || !strings.Contains(got.Note, "read timeout") {
		t.Fatalf("stored %+v %q", got.Summary, got.Body)
	}
}
