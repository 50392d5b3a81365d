package send

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"gaff/storage"
)

// ForwardOptions tune a Forwarder. The zero value is what gaff runs with.
type ForwardOptions struct {
	// Workers is how many forwards may be in flight at once (default 4).
	Workers int
	// Queue is how many captures may wait for a worker (default 256). When
	// it is full a capture is recorded as not forwarded instead of waiting:
	// a slow target must never slow down or lose a capture.
	Queue int
	// OnResult is called with every stored attempt, and with every capture
	// that was not forwarded, from a forwarder goroutine (never from the
	// capture handler), with the capture's event name ("" when unknown).
	// Headless mode prints EventLine(d, event) with it.
	OnResult func(d *storage.Delivery, event string)
	// Grace is how long Close lets queued forwards finish before it cancels
	// them (default 5 s).
	Grace time.Duration
	Log   *slog.Logger
}

// Forwarder sends every capture on to the user's own server (--forward-to)
// after it is stored, and records each attempt as a forward delivery.
type Forwarder struct {
	s      *Sender
	opt    ForwardOptions
	target atomic.Pointer[string]

	mu     sync.RWMutex // guards closed against sends on closed channels
	closed bool
	queue  chan job
	skips  chan skipped // not-forwarded records, stored off the capture path
	lost   atomic.Int64 // not-forwarded records dropped because skips was full too

	ctx    context.Context // cancelled by Close once the grace is over
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// job is a capture to forward and the target it was enqueued for.
type job struct {
	r      *storage.Request
	target string
}

// skipBuffer bounds the not-forwarded records waiting to be stored; beyond
// it they are only counted (and the count logged on Close), so a flood
// cannot grow memory.
const skipBuffer = 4096

// NewForwarder starts a forwarder to target; "" starts it idle until
// SetTarget. Call Close before closing the database.
func NewForwarder(s *Sender, target string, opt ForwardOptions) (*Forwarder, error) {
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	if opt.Queue <= 0 {
		opt.Queue = 256
	}
	if opt.Grace <= 0 {
		opt.Grace = 5 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	f := &Forwarder{s: s, opt: opt, queue: make(chan job, opt.Queue), skips: make(chan skipped, skipBuffer)}
	if err := f.SetTarget(target); err != nil {
		return nil, err
	}
	f.ctx, f.cancel = context.WithCancel(context.Background())
	f.wg.Add(opt.Workers + 1)
	for range opt.Workers {
		go f.work()
	}
	go f.recordSkips()
	return f, nil
}

// Target is where captures go now, "" when forwarding is off.
func (f *Forwarder) Target() string {
	if t := f.target.Load(); t != nil {
		return *t
	}
	return ""
}

// SetTarget changes where the next captures go; "" turns forwarding off.
// Use Sender.SetTarget to remember it for later runs.
func (f *Forwarder) SetTarget(target string) error {
	if target != "" {
		if _, err := ParseTarget(target); err != nil {
			return err
		}
	}
	f.target.Store(&target)
	return nil
}

// Enqueue hands a stored capture to the forwarder. It never blocks: when
// the queue is full the capture is recorded as not forwarded instead.
func (f *Forwarder) Enqueue(r *storage.Request) {
	target := f.Target()
	if r == nil || target == "" {
		return
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.closed {
		return
	}
	if why := notForwardable(r); why != "" {
		f.skip(r, target, why)
		return
	}
	select {
	case f.queue <- job{r, target}:
	default:
		f.skip(r, target, "not forwarded: the forward queue is full (the target answers slower than captures arrive); replay it when the target catches up")
	}
}

// notForwardable says why a capture must not be forwarded: a cut body is not
// the request the sender made, and the handler would reject it anyway; a
// capture this gaff sent itself would be sent round again, for ever.
func notForwardable(r *storage.Request) string {
	switch {
	case r.Truncated:
		return "not forwarded: only part of the body was stored (see the capture's note); a cut body is not what the sender sent"
	case cameBack(r):
		return "not forwarded: loop: this gaff sent this request (its " + LoopHeader + " header carries this gaff's id) and it came back; " +
			"--forward-to leads back to this gaff, directly or through gaffs that forward here: give your own server's URL"
	}
	return ""
}

// skip records, off the caller's goroutine, that r was not forwarded.
// Callers hold f.mu for reading.
func (f *Forwarder) skip(r *storage.Request, target, why string) {
	if cameBack(r) {
		f.opt.Log.Warn("forward loop stopped: a capture came back to the gaff that sent it; --forward-to leads back here",
			"request", r.ID, "to", RedactURL(target))
	}
	select {
	case f.skips <- skipped{notForwarded(r, target, why), r.Event}:
	default:
		f.lost.Add(1)
	}
}

// skipped is a not-forwarded record with the event of its capture, for
// OnResult: the capture itself is not kept waiting in the buffer.
type skipped struct {
	d     *storage.Delivery
	event string
}

// notForwarded is the record of a capture that was not sent, and why.
func notForwarded(r *storage.Request, target, why string) *storage.Delivery {
	out, err := ReplayOf(r, target)
	if err != nil {
		out.URL = target
	}
	return &storage.Delivery{Time: time.Now(), Kind: storage.KindForward, RequestID: r.ID, Method: r.Method, URL: out.URL, Error: why}
}

func (f *Forwarder) work() {
	defer f.wg.Done()
	for j := range f.queue {
		if f.ctx.Err() != nil {
			f.store(skipped{notForwarded(j.r, j.target, "not forwarded: gaff was stopping; replay it"), j.r.Event})
			continue
		}
		f.forward(f.ctx, j.r, j.target)
	}
}

// forward sends r to target, stores and reports the attempt.
func (f *Forwarder) forward(ctx context.Context, r *storage.Request, target string) *storage.Delivery {
	d, err := f.s.sendCapture(ctx, storage.KindForward, r, target, false)
	if err != nil {
		f.opt.Log.Warn("forward not stored", "request", r.ID, "err", err)
	}
	f.report(d, r.Event)
	return d
}

func (f *Forwarder) recordSkips() {
	defer f.wg.Done()
	for s := range f.skips {
		f.store(s)
	}
}

func (f *Forwarder) store(s skipped) {
	if err := f.s.DB.InsertDelivery(context.Background(), s.d); err != nil {
		f.opt.Log.Warn("forward record not stored", "request", s.d.RequestID, "err", err)
	}
	f.report(s.d, s.event)
}

func (f *Forwarder) report(d *storage.Delivery, event string) {
	if f.opt.OnResult != nil {
		f.opt.OnResult(d, event)
	}
}

// Close stops taking captures, lets queued forwards finish for the grace
// period, then cancels the rest (recording them as not forwarded) and
// waits. Call it after the capture server has stopped and before the
// database is closed.
func (f *Forwarder) Close() {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return
	}
	f.closed = true
	close(f.queue)
	close(f.skips)
	f.mu.Unlock()

	waitOrCut(&f.wg, f.opt.Grace, f.cancel)
	f.cancel()
	if n := f.lost.Load(); n > 0 {
		f.opt.Log.Warn("captures neither forwarded nor recorded as such: the queues were full", "count", n)
	}
}
