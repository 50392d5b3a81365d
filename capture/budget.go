package capture

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"
)

// Every body is held in memory from its first byte until its commit. A flood
// faster than the disk would otherwise hold them all: 1,000 uploads of
// 25 MiB are 25 GB. A budget bounds the bytes held at once; a request that
// finds it spent waits briefly for room, then is answered 503.
//
// A body with a Content-Length reserves it whole, before its first byte, so
// two bodies never each hold half their share while waiting for the rest.
// The price: a sender that announces 25 MiB and trickles holds that room
// until its body is in or ReadTimeout (2 min) ends it.
const (
	DefaultMaxInFlight = 256 << 20
	DefaultBudgetWait  = 2 * time.Second
	// budgetStep is how much a body of unknown length (chunked) reserves
	// at a time, as it arrives.
	budgetStep = 256 << 10
)

var errOverBudget = errors.New("too many request bodies are waiting to be stored")

// budget is a counting semaphore over bytes with a bounded wait.
type budget struct {
	max  int64
	wait time.Duration

	mu      sync.Mutex
	used    int64
	changed chan struct{} // closed and replaced on every release
}

func newBudget(max int64, wait time.Duration) *budget {
	return &budget{max: max, wait: wait, changed: make(chan struct{})}
}

// acquire reserves n more bytes for a holder that already has mine. A holder
// alone may exceed the budget: one body larger than it must still get in.
func (b *budget) acquire(ctx context.Context, n, mine int64) bool {
	var timeout <-chan time.Time
	for {
		b.mu.Lock()
		if b.used+n <= b.max || b.used == mine {
			b.used += n
			b.mu.Unlock()
			return true
		}
		ch := b.changed
		b.mu.Unlock()
		if timeout == nil {
			t := time.NewTimer(b.wait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-ch:
		case <-timeout:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

func (b *budget) release(n int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	close(b.changed)
	b.changed = make(chan struct{})
	b.mu.Unlock()
}

// inUse is what bodies hold now.
func (b *budget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// budgetReader reserves budget ahead of what it reads.
type budgetReader struct {
	ctx  context.Context
	r    io.Reader
	b    *budget
	held int64 // reserved
	read int64
	// whole: held covers the whole body (its Content-Length), so reading
	// to EOF needs no more.
	whole bool
}

// reserve adds n bytes to what the reader holds, waiting briefly for room.
func (br *budgetReader) reserve(n int64) error {
	if !br.b.acquire(br.ctx, n, br.held) {
		return errOverBudget
	}
	br.held += n
	return nil
}

func (br *budgetReader) Read(p []byte) (int, error) {
	if len(p) > budgetStep {
		p = p[:budgetStep]
	}
	if !br.whole && br.read+int64(len(p)) > br.held {
		if err := br.reserve(budgetStep); err != nil {
			return 0, err
		}
	}
	n, err := br.r.Read(p)
	br.read += int64(n)
	return n, err
}

// close returns what the body held, once it is stored or dropped.
func (br *budgetReader) close() {
	br.b.release(br.held)
	br.held = 0
}
