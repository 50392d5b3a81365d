package send

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"gaff/storage"
)

// MaxCopies bounds --duplicate: enough to expose a handler that is not
// idempotent or races itself, too few to flood the target.
const MaxCopies = 100

// CheckCopies says what is wrong with a number of copies to deliver.
func CheckCopies(n int) error {
	if n < 1 || n > MaxCopies {
		return fmt.Errorf("--duplicate %d: give how many times to deliver each event, from 1 to %d (2 is a provider's duplicate)", n, MaxCopies)
	}
	return nil
}

// FireCopies stores p as one event for subscription subID and delivers it
// copies times at once, in the caller's goroutine, as a provider does when
// a retry crosses a delivery that did arrive: one signing, so every copy
// carries the same id, timestamp and signature. Each copy is recorded as
// an attempt of the event, on the same step of the schedule; the event is
// delivered if any copy was. With together, the copies leave at the same
// moment (each on its own connection) to expose a handler racing itself;
// without, each waits for the answer to the one before.
//
// As FireNow, the event holds a lease while the copies are in flight, and
// retries are left to a running gaff. The deliveries come back in the
// order of the copies; one that could not be recorded is still returned,
// with the error.
func (d *Dispatcher) FireCopies(ctx context.Context, subID int64, p Payload, copies int, together bool) (*storage.Event, []*storage.Delivery, error) {
	if err := CheckCopies(copies); err != nil {
		return nil, nil, err
	}
	ev, err := d.queue(ctx, subID, p, d.lease)
	if err != nil {
		return nil, nil, err
	}
	if !d.claim(ev, false) {
		return ev, nil, fmt.Errorf("event %d is being sent right now; look at its attempts in a moment", ev.ID)
	}
	defer d.release(ev)
	ev, sub, err := d.ready(ctx, ev)
	if err != nil {
		return nil, nil, err
	}
	now := d.opt.Clock.Now()
	out, failed := d.sign(sub, ev, now)
	xs := []*storage.Delivery{failed}
	if failed == nil {
		xs = d.sendCopies(ctx, sub, out, copies, together)
	}
	var errs []error
	for _, x := range xs {
		if x.Status == 0 && ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			continue
		}
		errs = append(errs, d.record(ctx, sub, ev, stamp(x, sub, ev, now)))
	}
	return d.reread(ctx, ev), xs, errors.Join(errs...)
}

// sendCopies sends out n times, one after another or, together, all
// released at once.
func (d *Dispatcher) sendCopies(ctx context.Context, sub *storage.Subscription, out Outbound, n int, together bool) []*storage.Delivery {
	xs := make([]*storage.Delivery, n)
	if !together {
		for i := range xs {
			xs[i] = d.send(ctx, sub, out)
		}
		return xs
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range xs {
		wg.Go(func() {
			<-start
			xs[i] = d.send(ctx, sub, out)
		})
	}
	close(start)
	wg.Wait()
	return xs
}

// Shuffle is the order in which to deliver a batch of n events, out of
// order as providers deliver them, the same for the same seed.
func Shuffle(n int, seed uint64) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	r := rand.New(rand.NewPCG(seed, seed))
	r.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	return order
}
