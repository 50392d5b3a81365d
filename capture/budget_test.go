package capture

import (
	"bytes"
	"crypto/rand"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"gaff/internal/dblock"
	"gaff/storage"
)

// A flood the disk cannot absorb meets back-pressure: bodies beyond the
// in-flight budget wait briefly, then get 503 with Retry-After; what was
// answered 2xx is stored; the budget is whole again afterwards.
func TestFloodBeyondTheBudgetGets503(t *testing.T) {
	rg := newRig(t, Config{MaxInFlight: 1 << 20, BudgetWait: 200 * time.Millisecond}, storage.Options{BusyTimeout: time.Minute})
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
	for i := 0; i < n; i++ {
		go func() {
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
		}()
	}
	// The two that fit wait for the commit; the rest are turned away.
	var refused int
	for refused < n-2 {
		r := <-results
		if r.code == 200 {
			t.Fatal("answered 200 while the commit was blocked")
		}
		if r.code == 503 && (r.retryAfter == "" || !strings.Contains(r.answer, "faster than it can store")) {
			t.Fatalf("503 without Retry-After or reason: %q %q", r.retryAfter, r.answer)
		}
		refused++
	}
	if got := rg.h.mem.inUse(); got > 1<<20 {
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
	rg := newRig(t, Config{MaxInFlight: budgetStep, BudgetWait: 50 * time.Millisecond}, storage.Options{})
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
