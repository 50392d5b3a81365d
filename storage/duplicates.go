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

// firstArrival is the first capture of the newest group of deliveryID
// stored so far (in the database, or earlier in tx) and its arrival time;
// first is 0 when none is.
func (d *DB) firstArrival(tx *sql.Tx, deliveryID string) (first, ns int64, err error) {
	err = tx.Stmt(d.firstDelivery).QueryRow(deliveryID).Scan(&first, &ns)
	if err == sql.ErrNoRows {
		return 0, 0, nil
	}
	return first, ns, err
}

// sameGroup reports whether a capture of deliveryID arriving at t belongs
// with a first arrival at firstNs: always for a provider's id; for a body
// key only within BodyKeyWindow.
func sameGroup(deliveryID string, t time.Time, firstNs int64) bool {
	if !strings.HasPrefix(deliveryID, BodyKeyPrefix) {
		return true
	}
	gap := t.Sub(time.Unix(0, firstNs))
	return gap <= BodyKeyWindow && gap >= -BodyKeyWindow
}

// duplicateOf is the first capture r repeats, or 0. It runs in the
// writer's transaction, which sees the rows inserted earlier in the same
// batch, so repeats within one batch point at the first like any other.
func (d *DB) duplicateOf(tx *sql.Tx, r *Request) (int64, error) {
	if r.DeliveryID == "" {
		return 0, nil
	}
	first, ns, err := d.firstArrival(tx, r.DeliveryID)
	if err != nil || first == 0 || !sameGroup(r.DeliveryID, r.Time, ns) {
		return 0, err
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

// runGroup is a delivery's group as a run of rows stored together sees
// it: its first arrival is stored already (first), or is job firstJob of
// the run, whose id is known only once the run is stored.
type runGroup struct {
	first    int64
	firstJob int
	ns       int64
}

// runLink is a repeat whose first arrival is job first of the same run.
type runLink struct{ job, first int }

// markRun sets duplicate_of on a run of captures about to be stored with
// one multi-row INSERT, which cannot see its own rows: repeats of a stored
// capture are marked before the insert (one index seek per delivery id),
// and repeats of a capture in the same run are returned, for linkRun to
// mark once the run's ids are known.
func (d *DB) markRun(tx *sql.Tx, jobs []*job) ([]runLink, error) {
	var groups map[string]*runGroup
	var links []runLink
	for i, j := range jobs {
		r := j.req
		if r == nil || r.DeliveryID == "" {
			continue
		}
		r.DuplicateOf, j.row[duplicateArg] = 0, nil // a batch retried alone marks again
		g := groups[r.DeliveryID]
		if g == nil {
			first, ns, err := d.firstArrival(tx, r.DeliveryID)
			if err != nil {
				return nil, err
			}
			g = &runGroup{first: first, ns: ns, firstJob: -1}
			if groups == nil {
				groups = make(map[string]*runGroup)
			}
			groups[r.DeliveryID] = g
		}
		if (g.first == 0 && g.firstJob < 0) || !sameGroup(r.DeliveryID, r.Time, g.ns) {
			*g = runGroup{firstJob: i, ns: r.Time.UnixNano()} // it starts a group
			continue
		}
		if g.first != 0 {
			r.DuplicateOf = g.first
			j.row[duplicateArg] = g.first
			continue
		}
		links = append(links, runLink{job: i, first: g.firstJob})
	}
	return links, nil
}

// linkRun marks the repeats markRun found within the run, now stored.
func (d *DB) linkRun(tx *sql.Tx, jobs []*job, links []runLink) error {
	for _, l := range links {
		first := jobs[l.first].id
		if _, err := tx.Exec(`UPDATE requests SET duplicate_of = ? WHERE id = ?`, first, jobs[l.job].id); err != nil {
			return err
		}
		jobs[l.job].req.DuplicateOf = first
	}
	return nil
}

// insertRun stores a run of captures with multi-row INSERTs, marking
// their repeats.
func (d *DB) insertRun(tx *sql.Tx, jobs []*job) error {
	links, err := d.markRun(tx, jobs)
	if err != nil {
		return err
	}
	if err := d.rows.insert(tx, jobs); err != nil {
		return err
	}
	return d.linkRun(tx, jobs, links)
}
