package capture

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"gaff/internal/dblock"
	"gaff/storage"
)

// A flood the disk cannot absorb meets back-pressure: bodies beyond the
// in-flight budget wait briefly, then get 503 with Retry-After and the
// reason; what was answered 2xx is stored; the budget is whole again
// afterwards.
func TestFloodBeyondTheBudgetGets503(t *testing.T) {
	// One sender's address and connection may use the whole budget here:
	// this is about the budget, not the shares (TestOne*HoldsAtMostItsShare).
	const max = 1 << 20
	rg := newRig(t, Config{MaxInFlight: max, MaxInFlightPerConn: max, MaxInFlightPerAddr: max, BudgetWait: 200 * time.Millisecond}, storage.Options{BusyTimeout: time.Minute})
	// Another program holds the write lock: a disk that absorbs nothing.
	release, err := dblock.Hold(rg.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer release()

	const n = 8
	type result struct {
		code       int
		retryAfter string
		answer     string
		body       []byte
	}
	results := make(chan result, n)
	post := func() {
		body := make([]byte, 512<<10)
		rand.Read(body)
		resp, err := http.Post(rg.url+"/flood", "application/octet-stream", bytes.NewReader(body))
		if err != nil {
			// The server may close while the body is still going out:
			// a connection error, which promises nothing either.
			results <- result{code: -1, body: body}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		results <- result{resp.StatusCode, resp.Header.Get("Retry-After"), string(b), body}
	}
	// Room is taken as bytes arrive, so bodies that start together could
	// each hold a part; two sent one after the other arrive whole and fill
	// the budget while they wait for the commit.
	for i := int64(1); i <= 2; i++ {
		go post()
		waitHeld(t, rg.h, func(n int64) bool { return n == i*512<<10 })
	}
	for i := 2; i < n; i++ {
		go post()
	}
	// The rest are turned away.
	var refused int
	for refused < n-2 {
		r := <-results
		if r.code == 200 {
			t.Fatal("answered 200 while the commit was blocked")
		}
		if r.code == 503 && (r.retryAfter != "1" || !strings.Contains(r.answer, "faster than it can store") || !strings.Contains(r.answer, "1 MiB of them waiting to be written to disk")) {
			t.Fatalf("503 without Retry-After or reason: %q %q", r.retryAfter, r.answer)
		}
		refused++
	}
	if got := rg.h.mem.inUse(); got > max {
		t.Fatalf("%d bytes held, over the 1 MiB budget", got)
	}
	release()
	stored := 0
	for i := 0; i < 2; i++ {
		r := <-results
		if r.code != 200 {
			t.Fatalf("a body within the budget got %d %q", r.code, r.answer)
		}
		stored++
		if got := rg.last(t); got.Size != int64(len(r.body)) {
			t.Fatalf("stored %d bytes of %d", got.Size, len(r.body))
		}
	}
	if rg.h.Overloaded() == 0 || rg.h.Overloaded() > n-2 {
		t.Fatalf("Overloaded() = %d", rg.h.Overloaded())
	}
	if got := rg.h.mem.inUse(); got != 0 {
		t.Fatalf("%d bytes still held after every request ended", got)
	}
}

// A single body larger than the whole budget still gets in when it is
// alone, with a length or chunked.
func TestABodyLargerThanTheBudgetGetsInAlone(t *testing.T) {
	rg := newRig(t, Config{MaxInFlight: firstChunk, BudgetWait: 50 * time.Millisecond}, storage.Options{})
	body := bytes.Repeat([]byte("z"), 3<<20)
	for _, r := range []io.Reader{bytes.NewReader(body), io.MultiReader(bytes.NewReader(body))} {
		resp, err := http.Post(rg.url+"/big", "text/plain", r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := rg.last(t); resp.StatusCode != 200 || got.Size != int64(len(body)) {
			t.Fatalf("got %d, stored %d bytes", resp.StatusCode, got.Size)
		}
	}
	if got := rg.h.mem.inUse(); got != 0 {
		t.Fatalf("%d bytes still held", got)
	}
}

// sender is a client connection from a chosen loopback address (127.0.0.x),
// so tests can be several remote addresses at once.
func dialFrom(t *testing.T, from, url string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	c, err := d.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Skipf("cannot connect from %s here: %v", from, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// startBody sends a request head announcing declared bytes and the first
// part of its body, and leaves the rest unsent.
func startBody(t *testing.T, from, url, path string, declared int, part []byte) net.Conn {
	t.Helper()
	c := dialFrom(t, from, url)
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", path, declared)
	if _, err := c.Write(part); err != nil {
		t.Fatal(err)
	}
	return c
}

// readAnswer reads the one answer on c; the deadline only stops a hang.
func readAnswer(t *testing.T, c net.Conn) (int, string, string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
}

// postFrom posts body from a loopback address and reads the answer.
func postFrom(t *testing.T, from, url string, body []byte) (int, string, string) {
	t.Helper()
	c := dialFrom(t, from, url)
	fmt.Fprintf(c, "POST /from/%s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", from, len(body))
	c.Write(body)
	return readAnswer(t, c)
}

// waitHeld waits until the budget's accounting satisfies ok; the bound
// only stops a hang.
func waitHeld(t *testing.T, h *Handler, ok func(int64) bool) int64 {
	t.Helper()
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if n := h.mem.inUse(); ok(n) {
			return n
		}
	}
	t.Fatalf("the budget holds %d bytes", h.mem.inUse())
	return 0
}

// A sender that announces a large body and sends a few bytes holds room
// for what it sent, not for what it announced.
func TestAnnouncedLengthIsNotReservedUpFront(t *testing.T) {
	rg := newRig(t, Config{MaxBody: 64 << 20}, storage.Options{})
	startBody(t, "127.0.0.1", rg.url, "/announce", 64<<20, []byte("abc"))
	if got := waitHeld(t, rg.h, func(n int64) bool { return n > 0 }); got > firstChunk {
		t.Fatalf("3 bytes of an announced 64 MiB hold %d bytes of the budget", got)
	}
}

// The lock-out from issue 11, scaled down: ten senders announcing the
// largest body and one announcing the rest of the budget, each trickling,
// must not turn every other sender away.
func TestTricklersDoNotLockOthersOut(t *testing.T) {
	const max = 10<<20 + 512<<10
	rg := newRig(t, Config{MaxInFlight: max, MaxBody: 1 << 20, BudgetWait: 100 * time.Millisecond}, storage.Options{})
	held := int64(0)
	for i := range 11 {
		declared := 1 << 20
		if i == 10 {
			declared = max - 10<<20
		}
		startBody(t, "127.0.0.1", rg.url, fmt.Sprintf("/trickle/%d", i), declared, []byte("abc"))
		held = waitHeld(t, rg.h, func(n int64) bool { return n > held })
	}
	body := bytes.Repeat([]byte("k"), 1024)
	for _, from := range []string{"127.0.0.1", "127.0.0.2"} {
		code, _, msg := postFrom(t, from, rg.url, body)
		if code != 200 {
			t.Fatalf("a sender from %s beside 11 tricklers got %d %q", from, code, msg)
		}
		if got := rg.last(t); got.Target != "/from/"+from || !bytes.Equal(got.Body, body) {
			t.Fatalf("stored %+v", got.Summary)
		}
	}
}

// One connection holds at most its share of the budget while other bodies
// are arriving; it is turned away, saying so, and the other sender's
// request still gets through and is stored.
func TestOneConnectionHoldsAtMostItsShare(t *testing.T) {
	rg := newRig(t, Config{MaxInFlight: 1 << 20, MaxInFlightPerConn: 64 << 10, MaxBody: 1 << 20, BudgetWait: 100 * time.Millisecond}, storage.Options{})
	other := startBody(t, "127.0.0.2", rg.url, "/other", 6, []byte("abc"))
	waitHeld(t, rg.h, func(n int64) bool { return n > 0 })
	big := startBody(t, "127.0.0.1", rg.url, "/big", 512<<10, bytes.Repeat([]byte("b"), 200<<10))
	code, retry, msg := readAnswer(t, big)
	if code != 503 || retry == "" || !strings.Contains(msg, "64 KiB, the most one connection may hold") {
		t.Fatalf("a connection past its share got %d %q %q", code, retry, msg)
	}
	other.Write([]byte("def"))
	if code, _, msg := readAnswer(t, other); code != 200 {
		t.Fatalf("the other sender got %d %q", code, msg)
	}
	if got := rg.last(t); got.Target != "/other" || string(got.Body) != "abcdef" {
		t.Fatalf("stored %+v %q", got.Summary, got.Body)
	}
	if n, _ := rg.db.CountRequests(context.Background()); n != 1 {
		t.Fatalf("%d stored: a 503 was stored", n)
	}
}

// One remote address holds at most its share: its next body is turned
// away, saying so, while another address still gets through.
func TestOneAddressHoldsAtMostItsShare(t *testing.T) {
	rg := newRig(t, Config{MaxInFlight: 1 << 20, MaxInFlightPerAddr: 128 << 10, MaxBody: 1 << 20, BudgetWait: 100 * time.Millisecond}, storage.Options{})
	startBody(t, "127.0.0.1", rg.url, "/first", 512<<10, bytes.Repeat([]byte("a"), 100<<10))
	waitHeld(t, rg.h, func(n int64) bool { return n == 128<<10 })
	second := startBody(t, "127.0.0.1", rg.url, "/second", 512<<10, []byte("abc"))
	code, retry, msg := readAnswer(t, second)
	if code != 503 || retry == "" || !strings.Contains(msg, "your address 127.0.0.1 already has 128 KiB") {
		t.Fatalf("an address past its share got %d %q %q", code, retry, msg)
	}
	if code, _, msg := postFrom(t, "127.0.0.2", rg.url, []byte("elsewhere")); code != 200 {
		t.Fatalf("another address got %d %q", code, msg)
	}
	if got := rg.last(t); string(got.Body) != "elsewhere" {
		t.Fatalf("stored %+v %q", got.Summary, got.Body)
	}
}

// A 503 says what actually holds the room: here bodies still arriving from
// other senders, not a disk that cannot keep up.
func TestA503SaysWhatHoldsTheBudget(t *testing.T) {
	rg := newRig(t, Config{MaxInFlight: 4 * firstChunk, MaxBody: 1 << 20, BudgetWait: 100 * time.Millisecond, BodyGrace: 7 * time.Second}, storage.Options{})
	held := int64(0)
	for i := 2; i <= 5; i++ {
		startBody(t, fmt.Sprintf("127.0.0.%d", i), rg.url, "/arriving", 1<<20, []byte("abc"))
		held = waitHeld(t, rg.h, func(n int64) bool { return n > held })
	}
	code, retry, msg := postFrom(t, "127.0.0.9", rg.url, []byte("x"))
	if code != 503 || retry != "7" || !strings.Contains(msg, "still arriving from other senders") || strings.Contains(msg, "faster than it can store") {
		t.Fatalf("got %d, Retry-After %q: %q", code, retry, msg)
	}
}

// Bodies that each filled half their room before the budget ran out all
// get in whole: one at a time may go past the limit, so they do not wait
// on each other until every one is refused.
func TestHalfArrivedBodiesAllGetIn(t *testing.T) {
	const max = 256 << 10
	rg := newRig(t, Config{MaxInFlight: max, MaxInFlightPerConn: max, MaxInFlightPerAddr: max, BudgetWait: 10 * time.Second}, storage.Options{})
	var conns []net.Conn
	for i := range 4 {
		conns = append(conns, startBody(t, "127.0.0.1", rg.url, fmt.Sprintf("/half/%d", i), 128<<10, bytes.Repeat([]byte{byte('a' + i)}, 60<<10)))
	}
	waitHeld(t, rg.h, func(n int64) bool { return n == max })
	for i, c := range conns {
		c.Write(bytes.Repeat([]byte{byte('a' + i)}, 68<<10))
	}
	for i, c := range conns {
		if code, _, msg := readAnswer(t, c); code != 200 {
			t.Fatalf("body %d got %d %q", i, code, msg)
		}
	}
	for id := int64(1); id <= 4; id++ {
		got, err := rg.db.GetRequest(context.Background(), id)
		if err != nil || len(got.Body) != 128<<10 || got.Truncated {
			t.Fatalf("request %d: %v %+v", id, err, got)
		}
	}
	if got := rg.h.mem.inUse(); got != 0 {
		t.Fatalf("%d bytes still held", got)
	}
}

// An address's share is the address, or for IPv6 its /64: one host can
// take any address in its network.
func TestAddressShares(t *testing.T) {
	same := [][2]string{
		{"[2001:db8:1:2::1]:1000", "[2001:db8:1:2:ffff::9]:2000"},
		{"192.0.2.7:1", "[::ffff:192.0.2.7]:2"},
	}
	for _, p := range same {
		if addrKey(p[0]) != addrKey(p[1]) {
			t.Errorf("%s and %s count against different shares", p[0], p[1])
		}
	}
	differ := [][2]string{
		{"[2001:db8:1:2::1]:1", "[2001:db8:1:3::1]:1"},
		{"192.0.2.7:1", "192.0.2.8:1"},
	}
	for _, p := range differ {
		if addrKey(p[0]) == addrKey(p[1]) {
			t.Errorf("%s and %s share one share", p[0], p[1])
		}
	}
	no := &overBudget{cause: addrFull, addr: addrKey("[2001:db8:1:2::1]:1"), held: 3 << 20}
	if _, why := no.explain(1024, time.Second); !strings.Contains(why, "your network 2001:db8:1:2::/64 already has 3 MiB") {
		t.Errorf("explained as %q", why)
	}
}

// inUse is what bodies hold now.
func (b *budget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}
