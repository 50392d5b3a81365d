package storage

import (
	"database/sql"
	"strings"
	"time"
)

// BodyKeyWindow is how far apart two captures with the same body key may
// arrive and still be one delivery sent twice. A body key stands in for a
// delivery id when the sender names none (a hash of method, target and
// body); beyond the window the same bytes again are a new event, a health
// check every hour say, not a retry. See ARCHITECTURE.md, "Duplicates".
const BodyKeyWindow = 10 * time.Minute

// BodyKeyPrefix starts a body key; provider.BodyKeyPrefix is the same
// text (storage imports nothing of ours, so a test in policy ties them).
const BodyKeyPrefix = "body:"

// byDelivery selects the rows of one delivery id. requests_by_delivery is
// a partial index (WHERE delivery_id != ”), which SQLite uses only when the
// query implies that condition; "delivery_id = ?" alone does not (the
// parameter might be ”), and without it every capture scanned the table.
const byDelivery = `delivery_id = ? AND delivery_id != ''`

// firstDeliverySQL finds, in one statement of at most two index seeks, the
// newest capture with a delivery id and the first capture of its group
// with that capture's arrival time. The newest row rather than the oldest:
// for body keys the group is the latest one, and the newest row names it.
const firstDeliverySQL = `SELECT coalesce(l.duplicate_of, l.id), coalesce(f.received_at, l.received_at)
	FROM (SELECT id, duplicate_of, received_at FROM requests WHERE ` + byDelivery + ` ORDER BY id DESC LIMIT 1) l
	LEFT JOIN requests f ON f.id = l.duplicate_of`

// duplicateOf is the first capture r repeats, or 0. It runs in the
// writer's transaction, which sees the rows inserted earlier in the same
// batch, so repeats within one batch point at the first like any other.
func (d *DB) duplicateOf(tx *sql.Tx, r *Request) (int64, error) {
	if r.DeliveryID == "" {
		return 0, nil
	}
	var first, ns int64
	err := tx.Stmt(d.firstDelivery).QueryRow(r.DeliveryID).Scan(&first, &ns)
	switch {
	case err == sql.ErrNoRows:
		return 0, nil
	case err != nil:
		return 0, err
	}
	if strings.HasPrefix(r.DeliveryID, BodyKeyPrefix) {
		gap := r.Time.Sub(time.Unix(0, ns))
		if gap > BodyKeyWindow || gap < -BodyKeyWindow {
			return 0, nil // too long after: it starts a group of its own
		}
	}
	return first, nil
}

// withDuplicate sets r's duplicate_of in its insert arguments (built by
// requestArgs before the transaction) and on r.
func (d *DB) withDuplicate(tx *sql.Tx, r *Request, args []any) error {
	dup, err := d.duplicateOf(tx, r)
	if err != nil {
		return err
	}
	r.DuplicateOf = dup
	args[duplicateArg] = nullID(dup)
	return nil
}
