package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Delivery is one outbound attempt: what gaff sent and what came back.
type Delivery struct {
	ID             int64
	Time           time.Time // when the attempt started
	Kind           string    // replay, edit, forward, send, subscription
	RequestID      int64     // capture it came from, 0 if none
	SubscriptionID int64
	EventID        int64
	Attempt        int

	Method  string
	URL     string
	Headers Headers
	Body    []byte

	Status        int // 0 when no response arrived; Error says why
	RespHeaders   Headers
	RespBody      []byte
	RespTruncated bool
	Duration      time.Duration
	Error         string
}

// Delivery kinds.
const (
	KindReplay       = "replay"
	KindEdit         = "edit"
	KindForward      = "forward"
	KindSend         = "send"
	KindSubscription = "subscription"
)

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// InsertDelivery stores an attempt; d.ID is set once it is durable.
func (d *DB) InsertDelivery(ctx context.Context, x *Delivery) error {
	if x.Time.IsZero() {
		x.Time = time.Now()
	}
	if x.Attempt == 0 {
		x.Attempt = 1
	}
	var id int64
	err := d.write(ctx, func(tx *sql.Tx) (err error) {
		id, err = insertDelivery(tx, x)
		return err
	}, nil)
	if err == nil {
		x.ID = id
	}
	return err
}

// insertDelivery is the INSERT alone, so a caller can put it in one job with
// other writes (RecordAttempt stores the attempt and its event's new state).
func insertDelivery(tx *sql.Tx, x *Delivery) (int64, error) {
	res, err := tx.Exec(`INSERT INTO deliveries
		(created_at, kind, request_id, subscription_id, event_id, attempt, method, url, headers, body,
		 status, resp_headers, resp_body, resp_truncated, duration_ns, error)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		x.Time.UnixNano(), x.Kind, nullID(x.RequestID), nullID(x.SubscriptionID), nullID(x.EventID), x.Attempt,
		x.Method, x.URL, encodeHeaders(x.Headers), nonNil(x.Body), x.Status, encodeHeaders(x.RespHeaders), nonNil(x.RespBody),
		boolInt(x.RespTruncated), int64(x.Duration), x.Error)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// DeliveryFilter selects attempts; zero fields do not filter. Results are
// newest first, keyset-paged by Before.
type DeliveryFilter struct {
	RequestID      int64
	SubscriptionID int64
	EventID        int64
	Kind           string
	Before         int64
	Limit          int
}

const deliveryCols = `id, created_at, kind, coalesce(request_id,0), coalesce(subscription_id,0), coalesce(event_id,0), attempt,
	method, url, headers, body, status, resp_headers, resp_body, resp_truncated, duration_ns, error`

func scanDelivery(sc interface{ Scan(...any) error }) (*Delivery, error) {
	x := &Delivery{}
	var ns, dur int64
	var trunc int
	var hdr, rhdr []byte
	if err := sc.Scan(&x.ID, &ns, &x.Kind, &x.RequestID, &x.SubscriptionID, &x.EventID, &x.Attempt,
		&x.Method, &x.URL, &hdr, &x.Body, &x.Status, &rhdr, &x.RespBody, &trunc, &dur, &x.Error); err != nil {
		return nil, err
	}
	x.Time, x.Duration, x.RespTruncated = time.Unix(0, ns), time.Duration(dur), trunc != 0
	var err1, err2 error
	x.Headers, err1 = decodeHeaders(hdr)
	x.RespHeaders, err2 = decodeHeaders(rhdr)
	if err := errors.Join(err1, err2); err != nil {
		return x, fmt.Errorf("delivery %d: %w", x.ID, err)
	}
	return x, nil
}

// ListDeliveries returns attempts, newest first, bodies included: they are
// capped when stored, and a page is small.
func (d *DB) ListDeliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	q := `SELECT ` + deliveryCols + ` FROM deliveries WHERE 1=1`
	var args []any
	for _, c := range []struct {
		col string
		v   int64
	}{{"request_id", f.RequestID}, {"subscription_id", f.SubscriptionID}, {"event_id", f.EventID}} {
		if c.v != 0 {
			q += ` AND ` + c.col + ` = ?`
			args = append(args, c.v)
		}
	}
	if f.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, f.Kind)
	}
	if f.Before > 0 {
		q += ` AND id < ?`
		args = append(args, f.Before)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	return queryAll(ctx, d.ro, q, args, scanDelivery)
}

// GetDelivery reads one attempt.
func (d *DB) GetDelivery(ctx context.Context, id int64) (*Delivery, error) {
	return queryOne(ctx, d.ro, `SELECT `+deliveryCols+` FROM deliveries WHERE id = ?`, id, scanDelivery, notFoundAs("delivery"))
}

// Outcome is the gist of an attempt, for a list row.
type Outcome struct {
	Status int
	Error  bool
}

// LatestOutcomes returns, for each id that has any, the outcome of the
// newest attempt made for that request: the list shows it beside the row
// ("→200"). One query per page, on the request index.
func (d *DB) LatestOutcomes(ctx context.Context, ids []int64) (map[int64]Outcome, error) {
	out := map[int64]Outcome{}
	if len(ids) == 0 {
		return out, nil
	}
	q := `SELECT request_id, status, error != '' FROM deliveries WHERE id IN (
		SELECT max(id) FROM deliveries WHERE request_id IN (?` + strings.Repeat(",?", len(ids)-1) + `) GROUP BY request_id)`
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := d.ro.QueryContext(ctxOrBackground(ctx), q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var o Outcome
		if err := rows.Scan(&id, &o.Status, &o.Error); err != nil {
			return nil, err
		}
		out[id] = o
	}
	return out, rows.Err()
}
