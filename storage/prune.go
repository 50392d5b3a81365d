package storage

import (
	"context"
	"database/sql"
	"time"
)

// pruneBatch bounds each delete transaction, so retention never holds the
// writer long enough to delay a capture noticeably.
const pruneBatch = 500

// deleteIDs removes requests and their deliveries in the writer's
// transaction, keeping the counter exact, and queues their search entries
// for the indexer to drop.
func deleteIDs(tx *sql.Tx, ids []int64) error {
	for _, id := range ids {
		res, err := tx.Exec(`DELETE FROM requests WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		if err := queueReindex(tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM deliveries WHERE request_id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE counters SET value = value - 1 WHERE name = 'requests'`); err != nil {
			return err
		}
	}
	return nil
}

// DeleteRequest removes one request and what belongs to it.
func (d *DB) DeleteRequest(ctx context.Context, id int64) error {
	return d.write(ctx, func(tx *sql.Tx) error { return deleteIDs(tx, []int64{id}) }, nil)
}

// Prune deletes the oldest requests beyond keep (0: no limit) and those
// received before now-keepFor (0: no limit), in small batches. It returns
// how many it deleted.
func (d *DB) Prune(ctx context.Context, keep int64, keepFor time.Duration, now time.Time) (int, error) {
	total := 0
	for ctx.Err() == nil {
		ids, err := d.prunable(ctx, keep, keepFor, now)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		if err := d.write(ctx, func(tx *sql.Tx) error { return deleteIDs(tx, ids) }, nil); err != nil {
			return total, err
		}
		total += len(ids)
	}
	return total, ctx.Err()
}

// prunable picks the next batch of ids to delete, oldest first: while
// more than keep are stored, the oldest surplus; and those received before
// now-keepFor; never one a Hold still waits for. Keyset reads on the
// primary key and the counter: no scan, no OFFSET, no COUNT(*).
func (d *DB) prunable(ctx context.Context, keep int64, keepFor time.Duration, now time.Time) ([]int64, error) {
	ids, err := d.agedOut(ctx, keep, keepFor, now)
	floor := d.pruneFloor()
	for i, id := range ids {
		if id > floor {
			return ids[:i], err
		}
	}
	return ids, err
}

func (d *DB) agedOut(ctx context.Context, keep int64, keepFor time.Duration, now time.Time) ([]int64, error) {
	var ids []int64
	if keep > 0 {
		n, err := d.CountRequests(ctx)
		if err != nil {
			return nil, err
		}
		if surplus := n - keep; surplus > 0 {
			if ids, err = d.oldestIDs(ctx, min(surplus, pruneBatch), 0); err != nil {
				return nil, err
			}
		}
	}
	if keepFor > 0 && len(ids) < pruneBatch {
		bound, err := d.sinceID(ctx, &Query{since: keepFor}, now)
		if err != nil {
			return nil, err
		}
		after := int64(0)
		if len(ids) > 0 {
			after = ids[len(ids)-1]
		}
		more, err := d.oldestIDs(ctx, pruneBatch-int64(len(ids)), after)
		if err != nil {
			return nil, err
		}
		for _, id := range more {
			if id < bound {
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}

func (d *DB) oldestIDs(ctx context.Context, n, after int64) ([]int64, error) {
	rows, err := d.ro.QueryContext(ctx, `SELECT id FROM requests WHERE id > ? ORDER BY id LIMIT ?`, after, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// RunRetention prunes at start, after captures arrive (at most once per
// settle period, so a burst costs one prune) and every interval (for
// --keep-for, which ages rows without new writes).
func (d *DB) RunRetention(ctx context.Context, keep int64, keepFor, interval time.Duration, onError func(error)) {
	if keep <= 0 && keepFor <= 0 {
		return
	}
	const settle = time.Second
	ch, stop := d.Watch()
	defer stop()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := d.Prune(ctx, keep, keepFor, time.Now()); err != nil && ctx.Err() == nil && onError != nil {
			onError(err)
		}
		// Our own deletes signal the feed too: drain that signal so a prune
		// does not wake the next one.
		select {
		case <-ch:
		default:
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-ch:
			select {
			case <-ctx.Done():
				return
			case <-time.After(settle):
			}
		}
	}
}
