package storage

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"sync"
	"time"
)

// A job runs inside the writer's shared transaction. It must only touch the
// transaction: the batch it rides in commits or fails as one.
type job struct {
	fn func(tx *sql.Tx) error
	// row, instead of fn, is one capture's insertRequestSQL arguments: the
	// writer stores consecutive rows with multi-row INSERTs and sets id.
	row  []any
	req  *Request // the capture row stores: its duplicate is marked in the batch
	id   int64
	done chan error // buffered: the writer never waits on a caller
	// after runs once the batch is durable; used to publish new ids.
	after func()
	// added is how many requests fn inserts: the batch adds them to the
	// count in one update rather than one per capture.
	added int64
}

// writer is the single goroutine that writes. Callers hand it jobs and wait
// for their batch's commit, so many concurrent captures share one fsync.
type writer struct {
	d         *DB
	jobs      chan *job
	linger    time.Duration
	maxBatch  int
	lastBatch int // size of the previous batch: >1 means writers overlap

	mu     sync.RWMutex // guards closed against sends racing close
	closed bool
	done   chan struct{}
}

func newWriter(d *DB, opt Options) *writer {
	return &writer{
		d:        d,
		jobs:     make(chan *job, opt.MaxBatch*4),
		linger:   opt.Linger,
		maxBatch: opt.MaxBatch,
		done:     make(chan struct{}),
	}
}

// submit queues fn and waits for the commit of the batch that carried it.
// A full queue makes the caller wait (back-pressure), bounded by ctx.
func (w *writer) submit(ctx context.Context, j *job) error {
	ctx = ctxOrBackground(ctx)
	j.done = make(chan error, 1)
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	select {
	case w.jobs <- j:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	// Once queued the job will run even if ctx ends: a capture whose client
	// went away is still stored, so we wait for the verdict regardless.
	return <-j.done
}

func (w *writer) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.jobs)
	}
	w.mu.Unlock()
	<-w.done
}

func (w *writer) run() {
	defer close(w.done)
	batch := make([]*job, 0, w.maxBatch)
	for first := range w.jobs {
		batch = append(batch[:0], first)
		batch = w.gather(batch)
		w.lastBatch = len(batch)
		w.commit(batch)
	}
}

// gather collects what is already queued, then, when the last batch showed
// concurrent writers, lingers briefly for more so that bursts share a
// commit. The linger yields instead of sleeping on a timer: Go's timers
// round sub-millisecond waits up to about a millisecond (the netpoller
// waits in whole milliseconds), and a millisecond linger costs more than it
// groups (ARCHITECTURE.md, "Promises and the measurements behind them"). A
// lone writer never lingers.
func (w *writer) gather(batch []*job) []*job {
	batch = w.drain(batch)
	if w.linger <= 0 || w.lastBatch < 2 {
		return batch
	}
	deadline := time.Now().Add(w.linger)
	for len(batch) < w.maxBatch && time.Now().Before(deadline) {
		runtime.Gosched()
		batch = w.drain(batch)
	}
	return batch
}

// drain takes what is queued without waiting.
func (w *writer) drain(batch []*job) []*job {
	for len(batch) < w.maxBatch {
		select {
		case j, ok := <-w.jobs:
			if !ok {
				return batch
			}
			batch = append(batch, j)
		default:
			return batch
		}
	}
	return batch
}

func (w *writer) commit(batch []*job) {
	err := w.runTx(batch)
	if err == nil {
		w.finish(batch, nil)
		return
	}
	err = classify(w.d.path, err)
	if len(batch) == 1 || errors.Is(err, ErrBusy) || errors.Is(err, ErrFull) {
		// A lock or a full disk fails every job alike: retrying one by one
		// would wait out the busy timeout once per job.
		w.finish(batch, err)
		return
	}
	// One bad job must not sink its neighbours: retry each on its own.
	for _, j := range batch {
		w.finish([]*job{j}, classify(w.d.path, w.runTx([]*job{j})))
	}
}

func (w *writer) runTx(batch []*job) error {
	tx, err := w.d.rw.Begin()
	if err != nil {
		return err
	}
	var added int64
	for i := 0; i < len(batch); {
		var err error
		if batch[i].row != nil {
			k := i + 1
			for k < len(batch) && batch[k].row != nil {
				k++
			}
			err = w.d.insertRun(tx, batch[i:k])
			for _, j := range batch[i:k] {
				added += j.added
			}
			i = k
		} else {
			err = batch[i].fn(tx)
			added += batch[i].added
			i++
		}
		if err != nil {
			tx.Rollback()
			return err
		}
	}
	if added > 0 {
		if _, err := tx.Stmt(w.d.countRequests).Exec(added); err != nil {
			tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

func (w *writer) finish(batch []*job, err error) {
	if err == nil {
		for _, j := range batch {
			if j.after != nil {
				j.after()
			}
		}
		w.d.version.Add(1)
		w.d.notify()
	}
	for _, j := range batch {
		j.done <- err
	}
}

// write runs fn in the writer's transaction and waits for it to be durable.
func (d *DB) write(ctx context.Context, fn func(tx *sql.Tx) error, after func()) error {
	return d.submit(ctx, &job{fn: fn, after: after})
}

// insert is write for fn that inserts n requests, which the batch counts.
func (d *DB) insert(ctx context.Context, n int64, fn func(tx *sql.Tx) error, after func()) error {
	return d.submit(ctx, &job{fn: fn, after: after, added: n})
}

func (d *DB) submit(ctx context.Context, j *job) error {
	if d.w == nil {
		return errReadOnly
	}
	return d.w.submit(ctx, j)
}
