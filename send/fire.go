package send

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gaff/provider"
	"gaff/storage"
)

// leaseMargin pads the lease a synchronous attempt takes on its event (see
// FireNow) beyond the subscription's timeout, for signing and the commit.
const leaseMargin = 30 * time.Second

// Templates lists the events the dispatcher can fire: the user's and the
// built-in ones (see the package function Templates).
func (d *Dispatcher) Templates() ([]provider.Template, error) {
	return Templates(d.opt.TemplateDir)
}

// TemplatePayload renders the template called name with fresh ids and
// timestamps: what FireTemplate would send, for a preview to edit.
func (d *Dispatcher) TemplatePayload(name string) (Payload, error) {
	list, loadErr := d.Templates()
	t, err := FindTemplate(list, name)
	if err != nil {
		// A broken user file may be why the name is missing: say both.
		return Payload{}, errors.Join(err, loadErr)
	}
	return RenderTemplate(t, d.opt.Clock.Now()), nil
}

// Fire stores p as a new event for subscription subID and wakes the
// dispatcher, which sends it at once and retries it on the subscription's
// schedule. A payload from a template is refused if the subscription does
// not take its event type; raw and captured payloads are the user's
// explicit choice and always go.
func (d *Dispatcher) Fire(ctx context.Context, subID int64, p Payload) (int64, error) {
	ev, err := d.queue(ctx, subID, p, func(*storage.Subscription) time.Time { return time.Time{} })
	if err != nil {
		return 0, err
	}
	d.Kick()
	return ev.ID, nil
}

// FireTemplate fires the template called name (rendered fresh) at subID.
func (d *Dispatcher) FireTemplate(ctx context.Context, subID int64, name string) (int64, error) {
	p, err := d.TemplatePayload(name)
	if err != nil {
		return 0, err
	}
	return d.Fire(ctx, subID, p)
}

// FireCapture fires captured request requestID at subID, used as a
// template (see CapturePayload).
func (d *Dispatcher) FireCapture(ctx context.Context, subID, requestID int64) (int64, error) {
	r, err := d.db.GetRequest(ctx, requestID)
	if err != nil {
		return 0, err
	}
	return d.Fire(ctx, subID, CapturePayload(r))
}

// FireNow stores p as an event and makes its first attempt at once, in the
// caller's goroutine: for the CLI, which has no dispatcher running. Any
// retries are left to the dispatcher of a running gaff, which finds them in
// the database. The event is stored with a lease (due only after the
// subscription's timeout and a margin) so that a running gaff does not
// send it at the same moment; if this process dies mid-attempt, the lease
// runs out and that gaff sends it.
func (d *Dispatcher) FireNow(ctx context.Context, subID int64, p Payload) (*storage.Event, *storage.Delivery, error) {
	ev, err := d.queue(ctx, subID, p, d.lease)
	if err != nil {
		return nil, nil, err
	}
	x, err := d.AttemptNow(ctx, ev.ID)
	return d.reread(ctx, ev), x, err
}

// Retry makes event id due now — a manual retry of a failed, gone or
// cancelled event, a redelivery of a delivered one — and wakes the
// dispatcher. A retry past the end of the schedule is one more attempt.
func (d *Dispatcher) Retry(ctx context.Context, id int64) error {
	if _, err := d.retryable(ctx, id); err != nil {
		return err
	}
	if err := d.db.RetryEvent(ctx, id, d.opt.Clock.Now()); err != nil {
		return err
	}
	d.Kick()
	return nil
}

// RetryNow is Retry made at once in the caller's goroutine, with a lease as
// in FireNow.
func (d *Dispatcher) RetryNow(ctx context.Context, id int64) (*storage.Event, *storage.Delivery, error) {
	sub, err := d.retryable(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := d.db.RetryEvent(ctx, id, d.lease(sub)); err != nil {
		return nil, nil, err
	}
	x, err := d.AttemptNow(ctx, id)
	return d.reread(ctx, &storage.Event{ID: id}), x, err
}

// SetEnabled switches subscription id on or off (reason says why, kept
// while off). Switched on, the events it held are due at once, so the
// dispatcher is woken.
func (d *Dispatcher) SetEnabled(ctx context.Context, id int64, on bool, reason string) error {
	if err := d.db.SetSubscriptionEnabled(ctx, id, on, reason); err != nil {
		return err
	}
	d.Kick()
	return nil
}

// AttemptNow makes one attempt of pending event id in the caller's
// goroutine and records it, unless the dispatcher has it in flight.
func (d *Dispatcher) AttemptNow(ctx context.Context, id int64) (*storage.Delivery, error) {
	ev, err := d.db.GetEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	if ev.State != storage.EventPending {
		return nil, fmt.Errorf("event %d is %s, not pending; retry it to send it again", id, ev.State)
	}
	if !d.claim(ev, false) {
		return nil, fmt.Errorf("event %d is being sent right now; look at its attempts in a moment", id)
	}
	defer d.release(ev)
	x, err := d.attempt(ctx, ev)
	if x == nil && err == nil {
		err = errors.New("the attempt was not made")
	}
	return x, err
}

func (d *Dispatcher) queue(ctx context.Context, subID int64, p Payload, due func(*storage.Subscription) time.Time) (*storage.Event, error) {
	sub, err := d.db.GetSubscription(ctx, subID)
	if err != nil {
		return nil, err
	}
	if !sub.Enabled {
		return nil, disabledError(sub)
	}
	if p.Type == "" {
		p.Type = p.Template
	}
	if p.Template != "" && !Accepts(sub, p.Type) {
		return nil, fmt.Errorf("subscription %s takes only %v, not %s; pick another event or change its event types", sub.Name, sub.Events, p.Type)
	}
	if err := CheckHeaders(p.Headers); err != nil {
		return nil, err
	}
	if p.Method == "" {
		p.Method = "POST"
	}
	ev := &storage.Event{SubscriptionID: sub.ID, Time: d.opt.Clock.Now(), Template: p.Template, RequestID: p.RequestID,
		MsgID: messageID(sub.Scheme, p), Type: p.Type, Method: p.Method, Headers: p.Headers, Body: p.Body, NextAttempt: due(sub)}
	if err := d.db.CreateEvent(ctx, ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// lease is how long a synchronous attempt keeps its event from a running
// gaff's dispatcher.
func (d *Dispatcher) lease(sub *storage.Subscription) time.Time {
	return d.opt.Clock.Now().Add(sub.Timeout + leaseMargin)
}

// retryable checks that event id's subscription can take a retry.
func (d *Dispatcher) retryable(ctx context.Context, id int64) (*storage.Subscription, error) {
	ev, err := d.db.GetEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	sub, err := d.db.GetSubscription(ctx, ev.SubscriptionID)
	if err != nil {
		return nil, err
	}
	if !sub.Enabled {
		return nil, disabledError(sub)
	}
	return sub, nil
}

// reread returns the stored state of ev after an attempt, or ev itself if
// it cannot be read.
func (d *Dispatcher) reread(ctx context.Context, ev *storage.Event) *storage.Event {
	if got, err := d.db.GetEvent(context.WithoutCancel(ctx), ev.ID); err == nil {
		return got
	}
	return ev
}

func disabledError(sub *storage.Subscription) error {
	why := sub.DisabledReason
	if why == "" {
		why = "switched off"
	}
	return fmt.Errorf("subscription %s is disabled (%s); enable it to send events to it", sub.Name, why)
}
