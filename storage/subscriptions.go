package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Subscription is an outbound test endpoint: where gaff, playing the
// webhook origin, sends events and how it signs them. send validates the
// fields (URL, scheme, secret format, retry policy) before they get here.
type Subscription struct {
	ID      int64
	Name    string // unique; what the CLI and the TUI call it
	URL     string
	Scheme  string // signing scheme: github, stripe, slack, standard-webhooks, shopify, none
	Secret  string
	Headers Headers  // extra headers sent with every event
	Events  []string // event types it takes (names or globs); empty: all
	Timeout time.Duration
	Retry   string // retry policy: standard, testing, none
	Enabled bool
	// DisabledReason says why Enabled is false: the target answered 410
	// Gone, or the user switched it off.
	DisabledReason string
	Created        time.Time
	Updated        time.Time
}

// DefaultSubscriptionTimeout is Svix's: a target gets 15 s to answer.
const DefaultSubscriptionTimeout = 15 * time.Second

// ErrDuplicateName is returned when a subscription name is taken.
var ErrDuplicateName = errors.New("name already taken")

// notFound words a missing row for the user while still matching
// errors.Is(err, ErrNotFound).
type notFound string

func (e notFound) Error() string        { return string(e) }
func (e notFound) Is(target error) bool { return target == ErrNotFound }

func noSubscription(id int64) error {
	return notFound(fmt.Sprintf("no subscription with id %d (see gaff subscriptions list)", id))
}

const subscriptionCols = `id, name, url, scheme, secret, headers, events, timeout_ms, retry_policy, enabled, disabled_reason, created_at, updated_at`

func scanSubscription(sc scanner) (*Subscription, error) {
	s := &Subscription{}
	var hdr []byte
	var events string
	var timeoutMS, created, updated int64
	var enabled int
	if err := sc.Scan(&s.ID, &s.Name, &s.URL, &s.Scheme, &s.Secret, &hdr, &events, &timeoutMS, &s.Retry,
		&enabled, &s.DisabledReason, &created, &updated); err != nil {
		return nil, err
	}
	s.Timeout = time.Duration(timeoutMS) * time.Millisecond
	s.Enabled = enabled != 0
	s.Created, s.Updated = time.Unix(0, created), time.Unix(0, updated)
	var err1, err2 error
	s.Headers, err1 = decodeHeaders(hdr)
	if events != "" {
		err2 = json.Unmarshal([]byte(events), &s.Events)
	}
	if err := errors.Join(err1, err2); err != nil {
		return s, fmt.Errorf("subscription %d: stored fields are damaged: %w", s.ID, err)
	}
	return s, nil
}

func encodeEvents(events []string) string {
	if len(events) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(events) // a []string always encodes
	return string(b)
}

// timeoutMS keeps a sub-millisecond timeout from being stored as 0, which
// would read back as "no timeout given".
func timeoutMS(d time.Duration) int64 {
	if d <= 0 {
		return DefaultSubscriptionTimeout.Milliseconds()
	}
	return max(1, d.Milliseconds())
}

// duplicateName turns the UNIQUE violation on name into words.
func duplicateName(name string, err error) error {
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed: subscriptions.name") {
		return fmt.Errorf("a subscription named %q already exists; pick another name or remove that one first: %w", name, ErrDuplicateName)
	}
	return err
}

// CreateSubscription stores s; s.ID, Created and Updated are set once it is
// durable. A zero Timeout is stored as DefaultSubscriptionTimeout.
func (d *DB) CreateSubscription(ctx context.Context, s *Subscription) error {
	now := time.Now()
	var id int64
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`INSERT INTO subscriptions
			(name, url, scheme, secret, headers, events, timeout_ms, retry_policy, enabled, disabled_reason, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
			s.Name, s.URL, s.Scheme, s.Secret, encodeHeaders(s.Headers), encodeEvents(s.Events), timeoutMS(s.Timeout),
			s.Retry, boolInt(s.Enabled), s.DisabledReason, now.UnixNano(), now.UnixNano())
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	}, nil)
	if err != nil {
		return duplicateName(s.Name, err)
	}
	s.ID, s.Created, s.Updated = id, now, now
	if s.Timeout <= 0 {
		s.Timeout = DefaultSubscriptionTimeout
	}
	return nil
}

// UpdateSubscription rewrites every field of the stored subscription s.ID.
func (d *DB) UpdateSubscription(ctx context.Context, s *Subscription) error {
	now := time.Now()
	err := d.execOne(ctx, noSubscription(s.ID), `UPDATE subscriptions SET name=?, url=?, scheme=?, secret=?, headers=?, events=?,
			timeout_ms=?, retry_policy=?, enabled=?, disabled_reason=?, updated_at=? WHERE id=?`,
		s.Name, s.URL, s.Scheme, s.Secret, encodeHeaders(s.Headers), encodeEvents(s.Events), timeoutMS(s.Timeout),
		s.Retry, boolInt(s.Enabled), s.DisabledReason, now.UnixNano(), s.ID)
	if err != nil {
		return duplicateName(s.Name, err)
	}
	s.Updated = now
	return nil
}

// SetSubscriptionEnabled switches a subscription on or off. reason is kept
// while it is off (and cleared when it is switched on). Events held while it
// was off are due again at once.
func (d *DB) SetSubscriptionEnabled(ctx context.Context, id int64, enabled bool, reason string) error {
	if enabled {
		reason = ""
	}
	return d.execOne(ctx, noSubscription(id), `UPDATE subscriptions SET enabled=?, disabled_reason=?, updated_at=? WHERE id=?`,
		boolInt(enabled), reason, time.Now().UnixNano(), id)
}

// DeleteSubscription removes a subscription, its events and the record of
// their attempts: with the subscription gone there is nowhere to show them.
func (d *DB) DeleteSubscription(ctx context.Context, id int64) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`DELETE FROM subscriptions WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if err := mustChange(res, noSubscription(id)); err != nil {
			return err
		}
		// Events go by ON DELETE CASCADE; deliveries carry no foreign key
		// (replays and forwards share the table), so they go by hand.
		_, err = tx.Exec(`DELETE FROM deliveries WHERE subscription_id = ?`, id)
		return err
	}, nil)
}

// execOne runs one statement in the writer that must change a row; missing
// is the error when it changes none.
func (d *DB) execOne(ctx context.Context, missing error, q string, args ...any) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(q, args...)
		if err != nil {
			return err
		}
		return mustChange(res, missing)
	}, nil)
}

func mustChange(res sql.Result, missing error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return missing
	}
	return nil
}

// GetSubscription reads one subscription by id.
func (d *DB) GetSubscription(ctx context.Context, id int64) (*Subscription, error) {
	s, err := scanSubscription(d.ro.QueryRowContext(ctxOrBackground(ctx), `SELECT `+subscriptionCols+` FROM subscriptions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, noSubscription(id)
	}
	return s, err
}

// SubscriptionByName reads one subscription by its name.
func (d *DB) SubscriptionByName(ctx context.Context, name string) (*Subscription, error) {
	s, err := scanSubscription(d.ro.QueryRowContext(ctxOrBackground(ctx), `SELECT `+subscriptionCols+` FROM subscriptions WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(fmt.Sprintf("no subscription named %q (see gaff subscriptions list)", name))
	}
	return s, err
}

// ListSubscriptions returns every subscription by name. There are few: they
// are typed in by a person.
func (d *DB) ListSubscriptions(ctx context.Context) ([]*Subscription, error) {
	return queryAll(ctx, d.ro, `SELECT `+subscriptionCols+` FROM subscriptions ORDER BY name`, nil, scanSubscription)
}
