package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Event states. An event is pending until an attempt delivers it, the
// schedule runs out (failed), the target answers 410 (gone) or the user
// cancels it.
const (
	EventPending   = "pending"
	EventDelivered = "delivered"
	EventFailed    = "failed"
	EventGone      = "gone"
	EventCancelled = "cancelled"
)

// Event is one outbound message to one subscription, stored unsigned: each
// attempt signs it afresh (new timestamp), keeping MsgID.
type Event struct {
	ID             int64
	SubscriptionID int64
	Time           time.Time // created
	Template       string    // template it was rendered from, if any
	RequestID      int64     // capture used as the template, if any
	MsgID          string    // stable across retries: webhook-id, X-GitHub-Delivery, …
	Type           string    // event type, matched against Subscription.Events
	Method         string
	Headers        Headers
	Body           []byte // nil in ListEvents (see Size); whole in GetEvent and DueEvents
	Size           int    // body length

	State       string
	Attempts    int
	NextAttempt time.Time // zero unless State is EventPending
	LastStatus  int       // status of the last attempt, 0 when none arrived
	LastError   string    // why the last attempt failed, in words
}

// codeConstraint is SQLite's primary code for a failed constraint; on an
// event insert it can only be the foreign key to a missing subscription.
const codeConstraint = 19

func noEvent(id int64) error {
	return notFound(fmt.Sprintf("no event with id %d", id))
}

const eventMeta = `e.id, e.subscription_id, e.created_at, e.template, coalesce(e.request_id,0), e.msg_id, e.event_type,
	e.method, e.headers, length(e.body), e.state, e.attempts, e.next_attempt_at, e.last_status, e.last_error`

func scanEvent(sc scanner, extra ...any) (*Event, error) {
	e := &Event{}
	var created int64
	var next sql.NullInt64
	var hdr []byte
	dest := append([]any{&e.ID, &e.SubscriptionID, &created, &e.Template, &e.RequestID, &e.MsgID, &e.Type,
		&e.Method, &hdr, &e.Size, &e.State, &e.Attempts, &next, &e.LastStatus, &e.LastError}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	e.Time = time.Unix(0, created)
	if next.Valid {
		e.NextAttempt = time.Unix(0, next.Int64)
	}
	var err error
	if e.Headers, err = decodeHeaders(hdr); err != nil {
		return e, fmt.Errorf("event %d: %w", e.ID, err)
	}
	return e, nil
}

func scanEventWithBody(sc scanner) (*Event, error) {
	var body []byte
	e, err := scanEvent(sc, &body)
	if e != nil {
		e.Body = nonNil(body)
	}
	return e, err
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// CreateEvent stores e as pending, due at e.NextAttempt (now when zero);
// e.ID is set once it is durable. A caller that attempts it at once itself
// (the CLI) sets NextAttempt a little ahead, as a lease, so that a running
// gaff does not send it at the same moment.
func (d *DB) CreateEvent(ctx context.Context, e *Event) error {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	if e.NextAttempt.IsZero() {
		e.NextAttempt = e.Time
	}
	e.State, e.Body, e.Size = EventPending, nonNil(e.Body), len(e.Body)
	var id int64
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`INSERT INTO events
			(subscription_id, created_at, template, request_id, msg_id, event_type, method, headers, body, state, next_attempt_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
			e.SubscriptionID, e.Time.UnixNano(), e.Template, nullID(e.RequestID), e.MsgID, e.Type, e.Method,
			encodeHeaders(e.Headers), e.Body, EventPending, e.NextAttempt.UnixNano())
		if err != nil {
			if sqliteCode(err) == codeConstraint {
				return noSubscription(e.SubscriptionID)
			}
			return err
		}
		id, err = res.LastInsertId()
		return err
	}, nil)
	if err == nil {
		e.ID = id
	}
	return err
}

// GetEvent reads one event whole.
func (d *DB) GetEvent(ctx context.Context, id int64) (*Event, error) {
	return queryOne(ctx, d.ro, `SELECT `+eventMeta+`, e.body FROM events e WHERE e.id = ?`, id, scanEventWithBody, noEvent)
}

// EventFilter selects events, newest first; Before keyset-pages by id.
type EventFilter struct {
	SubscriptionID int64 // 0: every subscription
	Before         int64
	Limit          int // 50 when 0
}

// ListEvents returns events newest first, without their bodies (Size says
// how big each is; GetEvent reads one whole).
func (d *DB) ListEvents(ctx context.Context, f EventFilter) ([]*Event, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	q := `SELECT ` + eventMeta + ` FROM events e WHERE 1=1`
	var args []any
	if f.SubscriptionID != 0 {
		q += ` AND e.subscription_id = ?`
		args = append(args, f.SubscriptionID)
	}
	if f.Before > 0 {
		q += ` AND e.id < ?`
		args = append(args, f.Before)
	}
	q += ` ORDER BY e.id DESC LIMIT ?`
	args = append(args, f.Limit)
	return queryAll(ctx, d.ro, q, args, func(sc scanner) (*Event, error) { return scanEvent(sc) })
}

// DueEvents returns up to limit pending events due at or before now, whole,
// soonest first, at most one per subscription (its soonest), and none of a
// disabled subscription (they wait until it is enabled). One per
// subscription is what lets a dispatcher keep one hanging target from
// taking every worker.
func (d *DB) DueEvents(ctx context.Context, now time.Time, limit int) ([]*Event, error) {
	if limit <= 0 {
		return nil, nil
	}
	q := `SELECT ` + eventMeta + `, e.body FROM events e WHERE e.id IN (
			SELECT id FROM (
				SELECT e2.id, row_number() OVER (PARTITION BY e2.subscription_id ORDER BY e2.next_attempt_at, e2.id) AS rn
				FROM events e2 JOIN subscriptions s ON s.id = e2.subscription_id AND s.enabled = 1
				WHERE e2.next_attempt_at IS NOT NULL AND e2.next_attempt_at <= ?
			) WHERE rn = 1
		) ORDER BY e.next_attempt_at, e.id LIMIT ?`
	return queryAll(ctx, d.ro, q, []any{now.UnixNano(), limit}, scanEventWithBody)
}

// NextDue is when the soonest pending event of an enabled subscription is
// due, leaving out the subscriptions in skip (a dispatcher's busy ones,
// whose next event cannot go before their attempt in flight ends); ok is
// false when none is pending.
func (d *DB) NextDue(ctx context.Context, skip ...int64) (at time.Time, ok bool, err error) {
	q := `SELECT min(e.next_attempt_at) FROM events e
		JOIN subscriptions s ON s.id = e.subscription_id AND s.enabled = 1
		WHERE e.next_attempt_at IS NOT NULL`
	args := make([]any, len(skip))
	if len(skip) > 0 {
		q += ` AND e.subscription_id NOT IN (?` + strings.Repeat(`,?`, len(skip)-1) + `)`
		for i, id := range skip {
			args[i] = id
		}
	}
	var ns sql.NullInt64
	err = d.ro.QueryRowContext(ctxOrBackground(ctx), q, args...).Scan(&ns)
	if err != nil || !ns.Valid {
		return time.Time{}, false, err
	}
	return time.Unix(0, ns.Int64), true, nil
}

// AttemptResult is what one attempt did to its event; the sender decides it
// from the response and the retry policy.
type AttemptResult struct {
	State       string    // EventPending when another attempt follows, else a final state
	NextAttempt time.Time // when State is EventPending
	Error       string    // why the attempt failed, in words; "" when delivered
	// DisableSubscription, when set, switches the event's subscription off
	// with this reason (the target answered 410 Gone).
	DisableSubscription string
}

// RecordAttempt stores attempt x (x.EventID, x.SubscriptionID set) and the
// event's new state in one durable commit, so a crash never leaves an
// attempt recorded with its event still due for the same attempt, or the
// reverse. The event's attempt count goes up by one and x.Attempt is set
// to it. An event cancelled while its attempt was in flight stays
// cancelled. An event that is gone (its subscription was removed) is not
// recorded: ErrNotFound.
func (d *DB) RecordAttempt(ctx context.Context, x *Delivery, r AttemptResult) error {
	if x.Time.IsZero() {
		x.Time = time.Now()
	}
	if x.Kind == "" {
		x.Kind = KindSubscription
	}
	next := nullTime(r.NextAttempt)
	if r.State != EventPending {
		next = nil
	} else if next == nil {
		return errors.New("a pending event needs the time of its next attempt")
	}
	var id int64
	var attempt int
	err := d.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRow(`UPDATE events SET attempts = attempts + 1, last_status = ?, last_error = ?,
				state = CASE WHEN state = 'pending' THEN ? ELSE state END,
				next_attempt_at = CASE WHEN state = 'pending' THEN ? ELSE next_attempt_at END
			WHERE id = ? RETURNING attempts`, x.Status, r.Error, r.State, next, x.EventID).Scan(&attempt)
		if errors.Is(err, sql.ErrNoRows) {
			return noEvent(x.EventID)
		}
		if err != nil {
			return err
		}
		x.Attempt = attempt
		if id, err = insertDelivery(tx, x); err != nil {
			return err
		}
		if r.DisableSubscription != "" {
			_, err = tx.Exec(`UPDATE subscriptions SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?`,
				r.DisableSubscription, time.Now().UnixNano(), x.SubscriptionID)
		}
		return err
	}, nil)
	if err == nil {
		x.ID = id
	}
	return err
}

// RetryEvent makes an event pending again, due at at: a manual retry of a
// failed, gone or cancelled event (or a redelivery of a delivered one), or
// "now" for one waiting on its schedule. The attempt count carries on, so a
// retried event whose schedule has run out gets exactly one more attempt.
func (d *DB) RetryEvent(ctx context.Context, id int64, at time.Time) error {
	return d.execOne(ctx, noEvent(id), `UPDATE events SET state = 'pending', next_attempt_at = ? WHERE id = ?`, at.UnixNano(), id)
}

// CancelEvent stops a pending event's retries. An attempt already in
// flight still completes and is recorded; the event stays cancelled.
func (d *DB) CancelEvent(ctx context.Context, id int64) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		var state string
		err := tx.QueryRow(`SELECT state FROM events WHERE id = ?`, id).Scan(&state)
		if errors.Is(err, sql.ErrNoRows) {
			return noEvent(id)
		}
		if err != nil {
			return err
		}
		if state != EventPending {
			return fmt.Errorf("event %d is already %s; only a pending event can be cancelled", id, state)
		}
		_, err = tx.Exec(`UPDATE events SET state = 'cancelled', next_attempt_at = NULL WHERE id = ?`, id)
		return err
	}, nil)
}
