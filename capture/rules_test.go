package capture

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"gaff/policy"
	"gaff/storage"
)

// rulesRig serves the --respond specs given, with rule state from seed.
func rulesRig(t *testing.T, cfg Config, seed uint64, specs ...string) *rig {
	t.Helper()
	p := &policy.Policy{State: policy.NewRuleStates(seed)}
	for _, s := range specs {
		r, err := policy.ParseResponseRule(s)
		if err != nil {
			t.Fatal(err)
		}
		p.Responses = append(p.Responses, r)
	}
	rg := newRig(t, cfg, storage.Options{})
	rg.h.SetPolicy(p)
	return rg
}

// statuses posts n requests to path in turn and returns their statuses,
// checking each was stored with the status it got.
func statuses(t *testing.T, rg *rig, path string, n int) []int {
	t.Helper()
	var got []int
	for range n {
		ex := do(t, "POST", rg.url+path, nil, "x")
		if s := rg.last(t).Status; s != ex.status {
			t.Fatalf("answered %d but stored %d", ex.status, s)
		}
		got = append(got, ex.status)
	}
	return got
}

func TestSequenceAnswersInTurnThenTheLastSticks(t *testing.T) {
	rg := rulesRig(t, Config{}, 1, "/flaky seq=500,503,200")
	got := statuses(t, rg, "/flaky/x", 5)
	if want := []int{500, 503, 200, 200, 200}; !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	// Other paths get the default answer and do not move the sequence.
	if ex := do(t, "POST", rg.url+"/other", nil, "x"); ex.status != 200 {
		t.Fatalf("other path got %d", ex.status)
	}
	c := rg.h.Policy().State.Counts(rg.h.Policy().Responses[0])
	if c.Matched != 5 || c.Answered != 5 {
		t.Fatalf("counts %+v", c)
	}
}

func TestAfterCountThenTheRule(t *testing.T) {
	rg := rulesRig(t, Config{}, 1, "/gone 410 after=3")
	if got, want := statuses(t, rg, "/gone", 5), []int{200, 200, 200, 410, 410}; !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
}

func TestRetryAfterHeader(t *testing.T) {
	rg := rulesRig(t, Config{}, 1, "/rl 429 retry-after=5")
	ex := do(t, "POST", rg.url+"/rl", nil, "x")
	if ex.status != 429 || ex.header.Get("Retry-After") != "5" {
		t.Fatalf("got %d Retry-After %q", ex.status, ex.header.Get("Retry-After"))
	}
}

// A fixed seed gives a share near the rate and the same answers again; the
// draws are deterministic, so the tolerance cannot flake.
func TestRateIsNearItsShareAndRepeatsWithASeed(t *testing.T) {
	const n = 100
	run := func(seed uint64) []int {
		return statuses(t, rulesRig(t, Config{}, seed, "/sometimes 503 rate=30%"), "/sometimes", n)
	}
	a := run(42)
	hits := 0
	for _, s := range a {
		switch s {
		case 503:
			hits++
		case 200:
		default:
			t.Fatalf("status %d", s)
		}
	}
	if hits < 15 || hits > 45 {
		t.Fatalf("%d of %d got 503 with rate=30%%", hits, n)
	}
	if b := run(42); !slices.Equal(a, b) {
		t.Fatalf("seed 42 gave two different runs:\n%v\n%v", a, b)
	}
	if c := run(43); slices.Equal(a, c) {
		t.Fatal("seeds 42 and 43 gave the same 100 answers")
	}
}

// A hang is stored (status 0, noted) and closed unanswered once its cap
// passes.
func TestHangIsStoredThenClosedAtTheCap(t *testing.T) {
	rg := rulesRig(t, Config{HangCap: 20 * time.Millisecond}, 1, "/h hang")
	resp, err := http.Post(rg.url+"/h", "text/plain", strings.NewReader("held"))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a hang was answered %d", resp.StatusCode)
	}
	req := rg.last(t)
	if req.Status != 0 || !strings.Contains(req.Note, "hang:") || string(req.Body) != "held" {
		t.Fatalf("stored status %d note %q body %q", req.Status, req.Note, req.Body)
	}
}

// Stop ends a hang at once, however long its cap, so a shutdown is not
// held up.
func TestStopEndsAHang(t *testing.T) {
	rg := rulesRig(t, Config{HangCap: time.Hour}, 1, "/h hang")
	done := make(chan error, 1)
	go func() {
		resp, err := http.Post(rg.url+"/h", "text/plain", strings.NewReader("held"))
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	waitStored(t, rg.db)
	rg.h.Stop()
	if err := <-done; err == nil {
		t.Fatal("a hang was answered after Stop")
	}
}

// waitStored waits until a request is stored; the bound only stops a
// broken test from running for ever.
func waitStored(t *testing.T, db *storage.DB) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if id, _ := db.NewestRequestID(context.Background()); id != 0 {
			return
		}
	}
	t.Fatal("nothing stored")
}

func TestDripDeliversTheWholeBody(t *testing.T) {
	body := strings.Repeat("0123456789", 30)
	rg := rulesRig(t, Config{}, 1, "/d 200 drip=50ms body="+body)
	ex := do(t, "POST", rg.url+"/d", nil, "x")
	if ex.status != 200 || ex.body != body {
		t.Fatalf("got %d %q", ex.status, ex.body)
	}
	if req := rg.last(t); req.Status != 200 || !strings.Contains(req.Note, "drip:") {
		t.Fatalf("stored %d %q", req.Status, req.Note)
	}
}

// A drip with no body to send (`/slow 200 drip=10s`) is still a slow
// answer: its end waits for the drip, not a Content-Length of 0 that ends
// it at once. Stop stands in for the drip's end, so no clock is read.
func TestDripWithoutABodyEndsWhenTheDripDoes(t *testing.T) {
	rg := rulesRig(t, Config{}, 1, "/slow 200 drip=2m")
	resp, err := http.Post(rg.url+"/slow", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != -1 {
		t.Fatalf("answered %d with length %d; want 200 whose end is still to come", resp.StatusCode, resp.ContentLength)
	}
	if req := rg.last(t); req.Status != 200 || !strings.Contains(req.Note, "drip:") {
		t.Fatalf("stored %d %q", req.Status, req.Note)
	}
	rg.h.Stop()
	if b, err := io.ReadAll(resp.Body); err != nil || len(b) != 0 {
		t.Fatalf("after the drip: %q, %v; want an empty body, ended cleanly", b, err)
	}
}

// A reset is stored, then the connection closes with not one byte of an
// answer.
func TestResetClosesTheConnectionUnanswered(t *testing.T) {
	rg := rulesRig(t, Config{}, 1, "/r reset")
	c, err := net.Dial("tcp", strings.TrimPrefix(rg.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST /r HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
	got, err := io.ReadAll(c)
	if len(got) != 0 || (err != nil && !errors.Is(err, syscall.ECONNRESET)) {
		t.Fatalf("read %q, %v; want a closed connection", got, err)
	}
	req := rg.last(t)
	if req.Status != 0 || !strings.Contains(req.Note, "reset:") || string(req.Body) != "hi" {
		t.Fatalf("stored status %d note %q body %q", req.Status, req.Note, req.Body)
	}
	// A real client sees the closed connection as an error.
	if resp, err := http.Post(rg.url+"/r", "text/plain", strings.NewReader("x")); err == nil {
		resp.Body.Close()
		t.Fatalf("reset answered %d", resp.StatusCode)
	}
}

// A sender that gives up ends the hang: the handler returns and the
// connection closes, long before the cap.
func TestHangEndsWhenTheSenderGivesUp(t *testing.T) {
	closed := make(chan struct{}, 1)
	rg := newRigServer(t, Config{HangCap: time.Hour}, storage.Options{}, func(s *http.Server) {
		s.ConnState = func(_ net.Conn, st http.ConnState) {
			if st == http.StateClosed {
				closed <- struct{}{}
			}
		}
	})
	r, _ := policy.ParseResponseRule("/h hang")
	rg.h.SetPolicy(&policy.Policy{Responses: []policy.ResponseRule{r}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "POST", rg.url+"/h", strings.NewReader("held"))
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	waitStored(t, rg.db)
	cancel()
	if err := <-done; err == nil {
		t.Fatal("a hang was answered")
	}
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("the hang went on after the sender gave up")
	}
}
