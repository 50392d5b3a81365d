package send

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gaff/provider"
	"gaff/storage"
)

// fakeClock moves only when a test advances it. A test that expects the
// dispatcher to sleep until a retry waits for a sleeper at exactly that
// time (sleepsUntil) before advancing, so no step races the scheduler.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
	changed chan struct{} // closed and replaced when a waiter registers
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, changed: make(chan struct{})}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, fakeWaiter{c.now.Add(d), ch})
	close(c.changed)
	c.changed = make(chan struct{})
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			kept = append(kept, w)
			continue
		}
		w.ch <- c.now
	}
	c.waiters = kept
}

// sleepsUntil blocks until something sleeps until exactly at. The real-time
// bound only catches a dispatcher that never does.
func (c *fakeClock) sleepsUntil(t *testing.T, at time.Time) {
	t.Helper()
	guard := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		found := false
		for _, w := range c.waiters {
			found = found || w.at.Equal(at)
		}
		changed := c.changed
		c.mu.Unlock()
		if found {
			return
		}
		select {
		case <-changed:
		case <-guard:
			t.Fatalf("the dispatcher never went to sleep until %s", at.Format(time.TimeOnly))
		}
	}
}

// advanceTo waits for the dispatcher to sleep until at, then moves there.
func (c *fakeClock) advanceTo(t *testing.T, at time.Time) {
	t.Helper()
	c.sleepsUntil(t, at)
	c.Advance(at.Sub(c.Now()))
}

var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// harness is a dispatcher on a real SQLite file, driven by a fake clock.
type harness struct {
	t        *testing.T
	path     string
	db       *storage.DB
	clock    *fakeClock
	opt      DispatcherOptions
	disp     *Dispatcher
	attempts chan *storage.Delivery
}

func newHarness(t *testing.T, opt DispatcherOptions) *harness {
	t.Helper()
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "gaff.db"), clock: newFakeClock(t0), attempts: make(chan *storage.Delivery, 100)}
	if opt.Clock != nil {
		h.clock = opt.Clock.(*fakeClock)
	}
	opt.Clock = h.clock
	// Only the fake clock's sleeps matter; a long poll keeps them exact.
	opt.Poll = 1000 * time.Hour
	opt.TemplateDir = t.TempDir()
	opt.OnAttempt = func(x *storage.Delivery, _ storage.AttemptResult) { h.attempts <- x }
	h.opt = opt
	h.start()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) start() {
	h.t.Helper()
	db, err := storage.Open(h.path, storage.Options{})
	if err != nil {
		h.t.Fatal(err)
	}
	h.db = db
	h.disp = NewDispatcher(db, h.opt)
	h.disp.Start(context.Background())
}

func (h *harness) stop() {
	h.disp.Stop()
	h.db.Close()
}

// restart is gaff quitting and starting again on the same file.
func (h *harness) restart() {
	h.stop()
	h.start()
}

// next waits for the next recorded attempt.
func (h *harness) next() *storage.Delivery {
	h.t.Helper()
	select {
	case x := <-h.attempts:
		return x
	case <-time.After(10 * time.Second):
		h.t.Fatal("no attempt was recorded")
		return nil
	}
}

func (h *harness) subscribe(s storage.Subscription) *storage.Subscription {
	h.t.Helper()
	s.Enabled = true
	if s.Name == "" {
		s.Name = "sub-" + s.URL
	}
	if err := CreateSubscription(context.Background(), h.db, &s); err != nil {
		h.t.Fatal(err)
	}
	return &s
}

func (h *harness) fire(subID int64, template string) int64 {
	h.t.Helper()
	id, err := h.disp.FireTemplate(context.Background(), subID, template)
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

func (h *harness) event(id int64) *storage.Event {
	h.t.Helper()
	ev, err := h.db.GetEvent(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return ev
}

// received is one request a target got, with its signature verdict under
// the scheme it was meant to carry, checked at the clock's time.
type received struct {
	header  http.Header
	body    []byte
	verdict provider.Verdict
}

// target is a loopback receiver whose answers a test scripts.
type target struct {
	*httptest.Server
	got chan received
}

// newTarget serves answer for each request; scheme and secret, when set,
// are verified as the provider's SDK would.
func newTarget(t *testing.T, clock Clock, scheme, secret string, answer http.HandlerFunc) *target {
	tg := &target{got: make(chan received, 100)}
	tg.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec := received{header: r.Header.Clone(), body: body}
		if scheme != "" && scheme != provider.SchemeNone {
			rec.verdict = provider.Verify(scheme, secret, &provider.Request{Method: r.Method, URL: r.URL.String(), Header: r.Header, Body: body}, clock.Now())
		}
		tg.got <- rec
		answer(w, r)
	}))
	t.Cleanup(tg.Close)
	return tg
}

func (tg *target) next(t *testing.T) received {
	t.Helper()
	select {
	case r := <-tg.got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("the target received nothing")
		return received{}
	}
}

// script answers with the given statuses in turn, then 200.
func script(statuses ...int) http.HandlerFunc {
	var mu sync.Mutex
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		status := http.StatusOK
		if len(statuses) > 0 {
			status, statuses = statuses[0], statuses[1:]
		}
		mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, http.StatusText(status))
	}
}

// hang answers only once release is closed (or the client gives up).
func hang(release <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
}
