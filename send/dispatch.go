package send

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"gaff/storage"
)

// DispatcherOptions tune a Dispatcher; the zero value is what gaff runs with.
type DispatcherOptions struct {
	// Workers bounds the attempts in flight at once (4 when 0). Each
	// subscription has at most one in flight, so a target that hangs holds
	// one worker until its timeout and never the others.
	Workers int
	// Clock schedules retries; real time when nil.
	Clock Clock
	// Client sends; NewClient when nil. Each attempt takes its
	// subscription's timeout instead of the client's.
	Client *Client
	// Log receives a line per attempt; discarded when nil.
	Log *slog.Logger
	// Poll is the longest the dispatcher sleeps between looks at the
	// database (2 s when 0): events queued by another process — `gaff
	// subscriptions fire` beside a running gaff — arrive without a Kick.
	Poll time.Duration
	// TemplateDir holds user templates; TemplateDir() when "".
	TemplateDir string
	// OnAttempt, when set, is called after each attempt is stored (from
	// the attempt's goroutine: it must not block).
	OnAttempt func(*storage.Delivery, storage.AttemptResult)
}

// Dispatcher delivers subscription events in the background: it sends what
// is due, records each attempt with the event's next step in one commit,
// and sleeps until the next retry is due. Pending retries are rows, so a
// restart resumes the schedule.
//
// Delivery is at least once: an attempt cut short by Stop (or a crash) is
// not recorded, and its event is due again on the next start, though the
// target may have received it. The message id stays the same, so a
// receiver that drops duplicates by it (as providers advise) sees one.
type Dispatcher struct {
	db  *storage.DB
	opt DispatcherOptions

	kick  chan struct{} // new work: an event fired, retried, a subscription enabled
	freed chan struct{} // an attempt ended: a worker and its subscription are free

	mu       sync.Mutex
	inflight map[int64]bool // events being attempted
	busy     map[int64]int  // attempts in flight per subscription

	stop func()
	wg   sync.WaitGroup
	// attempts run on their own context: Stop lets them finish (and be
	// recorded) for a grace period before cutting them.
	attempts     context.Context
	cutAttempts  func()
	attemptsDone sync.WaitGroup
}

// stopGrace is how long Stop lets attempts in flight finish.
const stopGrace = 5 * time.Second

// NewDispatcher makes a dispatcher over db; Start runs it. Without Start it
// still fires and attempts on request (FireNow, RetryNow), as the CLI does.
func NewDispatcher(db *storage.DB, opt DispatcherOptions) *Dispatcher {
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	if opt.Clock == nil {
		opt.Clock = realClock{}
	}
	if opt.Client == nil {
		opt.Client = NewClient(storage.DefaultSubscriptionTimeout)
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.Poll <= 0 {
		opt.Poll = 2 * time.Second
	}
	if opt.TemplateDir == "" {
		opt.TemplateDir = TemplateDir()
	}
	return &Dispatcher{
		db: db, opt: opt,
		kick: make(chan struct{}, 1), freed: make(chan struct{}, 1),
		inflight: map[int64]bool{}, busy: map[int64]int{},
		stop: func() {}, attempts: context.Background(), cutAttempts: func() {},
	}
}

// Start runs the dispatcher until Stop or the end of ctx.
func (d *Dispatcher) Start(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	d.stop = cancel
	d.attempts, d.cutAttempts = context.WithCancel(context.WithoutCancel(ctx))
	d.wg.Add(1)
	go d.run(ctx)
}

// Stop ends the dispatcher: no new attempt starts, and attempts in flight
// get stopGrace to finish and be recorded; any still running then are cut
// and not recorded (their events are due again on the next start). It
// returns once every goroutine has finished, so the database can be closed
// after it.
func (d *Dispatcher) Stop() {
	d.stop()
	d.wg.Wait() // the loop has ended: nothing new starts
	waitOrCut(&d.attemptsDone, stopGrace, d.cutAttempts)
	d.cutAttempts()
}

// Kick makes the dispatcher look for due events now rather than at its
// next wake-up. It never blocks.
func (d *Dispatcher) Kick() { signal(d.kick) }

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (d *Dispatcher) run(ctx context.Context) {
	defer d.wg.Done()
	for {
		d.dispatchDue(ctx)
		wake := d.opt.Clock.After(d.untilNext(ctx))
		select {
		case <-ctx.Done():
			return
		case <-d.kick:
		case <-d.freed:
		case <-wake:
		}
	}
}

// dispatchDue starts an attempt for each due event there is a free worker
// for, skipping subscriptions that have one in flight.
func (d *Dispatcher) dispatchDue(ctx context.Context) {
	d.mu.Lock()
	free, busy := d.opt.Workers-len(d.inflight), len(d.busy)
	d.mu.Unlock()
	if free <= 0 {
		return
	}
	// At most one row per subscription comes back, so asking for free+busy
	// rows finds `free` startable ones even if every busy one is among them.
	due, err := d.db.DueEvents(ctx, d.opt.Clock.Now(), free+busy)
	if err != nil {
		if ctx.Err() == nil {
			d.opt.Log.Warn("subscriptions: cannot read due events", "err", err)
		}
		return
	}
	for _, ev := range due {
		if !d.claim(ev, true) {
			continue
		}
		d.attemptsDone.Add(1)
		go func() {
			defer d.attemptsDone.Done()
			defer d.release(ev)
			d.attempt(d.attempts, ev)
		}()
	}
}

// untilNext is how long to sleep: until the soonest retry of a subscription
// that is not busy, at most Poll. A busy subscription's next event waits
// for its attempt to end, which signals freed.
func (d *Dispatcher) untilNext(ctx context.Context) time.Duration {
	d.mu.Lock()
	skip := make([]int64, 0, len(d.busy))
	for id := range d.busy {
		skip = append(skip, id)
	}
	full := len(d.inflight) >= d.opt.Workers
	d.mu.Unlock()
	at, ok, err := d.db.NextDue(ctx, skip...)
	if err != nil || !ok || full {
		return d.opt.Poll
	}
	return min(d.opt.Poll, max(0, at.Sub(d.opt.Clock.Now())))
}

// claim marks ev in flight unless it already is. A worker's claim also
// needs a free worker and an idle subscription; a caller attempting in its
// own goroutine (AttemptNow) takes no worker.
func (d *Dispatcher) claim(ev *storage.Event, worker bool) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inflight[ev.ID] || worker && (d.busy[ev.SubscriptionID] > 0 || len(d.inflight) >= d.opt.Workers) {
		return false
	}
	d.inflight[ev.ID] = true
	d.busy[ev.SubscriptionID]++
	return true
}

func (d *Dispatcher) release(ev *storage.Event) {
	d.mu.Lock()
	delete(d.inflight, ev.ID)
	if d.busy[ev.SubscriptionID]--; d.busy[ev.SubscriptionID] <= 0 {
		delete(d.busy, ev.SubscriptionID)
	}
	d.mu.Unlock()
	signal(d.freed)
}
