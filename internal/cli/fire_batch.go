package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/spf13/cobra"

	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
)

// fireFlags are what `gaff subscriptions fire` sends and how: one event or
// a batch, each delivered once or in copies (README.md, "Rehearse
// delivery").
type fireFlags struct {
	pf         payloadFlags
	events     []string
	captures   []string
	queue      bool
	copies     int
	concurrent bool
	shuffle    bool
	seed       uint64
	seedGiven  bool
}

func (f *fireFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.events, "event", nil, "event template to fire (see gaff send --list-events); repeat for a batch")
	f.pf.addBody(cmd)
	fl.StringArrayVar(&f.captures, "capture", nil, "fire captured request ID (see gaff list); repeat for a batch")
	fl.BoolVar(&f.queue, "queue", false, "only queue the events for a running gaff to send")
	fl.IntVar(&f.copies, "duplicate", 1, fmt.Sprintf("deliver each event this many times, same id and signature (1-%d)", send.MaxCopies))
	fl.BoolVar(&f.concurrent, "concurrent", false, "send the copies of --duplicate at the same moment")
	fl.BoolVar(&f.shuffle, "shuffle", false, "deliver the batch out of order")
	fl.Uint64Var(&f.seed, "seed", 0, "the order --shuffle takes; the same seed, the same order (default: a random one, printed)")
}

// check refuses flags that contradict each other before anything opens.
func (f *fireFlags) check() error {
	kinds, n := 0, len(f.events)+len(f.captures)
	for _, given := range []bool{len(f.events) > 0, f.pf.body != "", len(f.captures) > 0} {
		if given {
			kinds++
		}
	}
	if f.pf.body != "" {
		n++
	}
	if kinds != 1 {
		return errors.New("say what to fire with one of --event TEMPLATE, --body FILE or --capture ID (repeat --event or --capture for a batch)")
	}
	if err := send.CheckCopies(f.copies); err != nil {
		return err
	}
	switch {
	case f.concurrent && f.copies < 2:
		return errors.New("--concurrent sends the copies of --duplicate N at the same moment: add --duplicate 2 or more")
	case f.shuffle && n < 2:
		return errors.New("--shuffle reorders a batch: give several --event (or --capture)")
	case f.seedGiven && !f.shuffle:
		return errors.New("--seed repeats the order of a --shuffle: add --shuffle")
	case f.queue && (f.copies > 1 || f.shuffle):
		return errors.New("--queue leaves the sending to a running gaff, which sends each event once in order; drop --queue to --duplicate or --shuffle")
	}
	return nil
}

// payloads builds the batch in the order given on the command line.
func (f *fireFlags) payloads(ctx context.Context, stdin io.Reader, db *storage.DB) ([]send.Payload, error) {
	var ps []send.Payload
	add := func(event string) error {
		pf := f.pf
		pf.event = event
		p, _, err := pf.payload(stdin)
		ps = append(ps, p)
		return err
	}
	switch {
	case len(f.events) > 0:
		for _, e := range f.events {
			if err := add(e); err != nil {
				return nil, err
			}
		}
	case f.pf.body != "":
		return ps, add("")
	default:
		flags, _, err := f.pf.payload(stdin)
		if err != nil {
			return nil, err
		}
		for _, ref := range f.captures {
			p, err := capturePayload(ctx, db, ref, flags)
			if err != nil {
				return nil, err
			}
			ps = append(ps, p)
		}
	}
	return ps, nil
}

// fire sends the batch to s and prints what each delivery answered; the
// error, the exit status, is nil only when every event was delivered.
func (f *fireFlags) fire(cmd *cobra.Command, db *storage.DB, s *storage.Subscription) error {
	ctx, out := cmd.Context(), cmd.OutOrStdout()
	ps, err := f.payloads(ctx, cmd.InOrStdin(), db)
	if err != nil {
		return err
	}
	order := make([]int, len(ps))
	for i := range order {
		order[i] = i
	}
	if f.shuffle {
		if !f.seedGiven {
			f.seed = rand.Uint64()
		}
		order = send.Shuffle(len(ps), f.seed)
		fmt.Fprintf(out, "shuffled with --seed %d: delivering events %s of the batch\n", f.seed, positions(order))
	}
	disp := send.NewDispatcher(db, send.DispatcherOptions{})
	var failed []error
	for _, i := range order {
		place := i + 1
		if len(ps) == 1 {
			place = 0
		}
		if err := f.fireOne(ctx, out, disp, s, ps[i], place); err != nil {
			failed = append(failed, err)
		}
	}
	if len(ps) > 1 && len(failed) > 0 {
		return fmt.Errorf("%d of %d events not delivered: %w", len(failed), len(ps), errors.Join(failed...))
	}
	return errors.Join(failed...)
}

// fireOne sends or queues one event: the batch item at place (1-based),
// or the only one when place is 0.
func (f *fireFlags) fireOne(ctx context.Context, out io.Writer, disp *send.Dispatcher, s *storage.Subscription, p send.Payload, place int) error {
	if place > 0 {
		fmt.Fprintf(out, "-- batch item %d: %s\n", place, sanitize.Line(eventName(&storage.Event{Template: p.Template, RequestID: p.RequestID, Type: p.Type})))
	}
	if f.queue {
		id, err := disp.Fire(ctx, s.ID, p)
		if err == nil {
			fmt.Fprintf(out, "event %d queued for %s; a running gaff sends it\n", id, sanitize.Line(s.Name))
		}
		return err
	}
	if f.copies == 1 {
		ev, x, err := disp.FireNow(ctx, s.ID, p)
		return reportAttempt(out, s, ev, x, err)
	}
	ev, xs, err := disp.FireCopies(ctx, s.ID, p, f.copies, f.concurrent)
	if ev == nil {
		return err
	}
	how := "one after another"
	if f.concurrent {
		how = "at the same moment"
	}
	fmt.Fprintf(out, "event %d, id %s: %d copies, %s, each counted as an attempt\n", ev.ID, sanitize.Line(ev.MsgID), len(xs), how)
	for i, x := range xs {
		fmt.Fprintf(out, "copy %d: ", i+1)
		printDelivery(out, x)
	}
	return reportAttempt(out, s, ev, nil, err)
}

// positions lists 0-based indexes as the 1-based places on the command line.
func positions(order []int) string {
	s := make([]string, len(order))
	for i, o := range order {
		s[i] = fmt.Sprint(o + 1)
	}
	return strings.Join(s, ", ")
}
