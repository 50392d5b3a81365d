package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// insertSharedSQL is insertRequestSQL with origin_key, skipping a key
// already stored: one column list, so the two cannot drift apart.
var insertSharedSQL = strings.NewReplacer("INSERT INTO", "INSERT OR IGNORE INTO",
	", origin)", ", origin, origin_key)", "?)", "?,?)").Replace(insertRequestSQL)

// InsertShared stores teammates' captures in one transaction, each with its
// Origin and OriginKey set. A capture whose OriginKey is already stored is
// skipped, so a message the team server delivers twice is stored once
// (ARCHITECTURE.md, "Team"). It returns how many were new; their IDs are
// set, the skipped ones' stay 0. Each is marked as a repeat of an earlier
// capture of its delivery, local or shared, as InsertRequest marks one.
func (d *DB) InsertShared(ctx context.Context, rs []*Request) (int, error) {
	for _, r := range rs {
		if r.Origin == "" || r.OriginKey == "" {
			return 0, errors.New("storage: a shared capture needs its origin and origin key")
		}
	}
	// Encoded before the transaction, as the writer does, to keep it short.
	args := make([][]any, len(rs))
	for i, r := range rs {
		args[i] = append(requestArgs(r), r.OriginKey)
	}
	ids := make([]int64, len(rs))
	var kept []*Request
	var keptIDs []int64
	err := d.write(ctx, func(tx *sql.Tx) error {
		kept, keptIDs = kept[:0], keptIDs[:0]
		stmt, err := tx.Prepare(insertSharedSQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, r := range rs {
			// The same marking as a local capture's: one delivery that
			// reached two members is one delivery on each.
			if err := d.withDuplicate(tx, r, args[i]); err != nil {
				return err
			}
			res, err := stmt.Exec(args[i]...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n == 0 {
				ids[i] = 0
				continue
			}
			if ids[i], err = res.LastInsertId(); err != nil {
				return err
			}
			kept, keptIDs = append(kept, r), append(keptIDs, ids[i])
		}
		if len(kept) > 0 {
			// The writer counts a job's inserts up front; only here is it
			// known how many were not already stored.
			if _, err := tx.Stmt(d.countRequests).Exec(len(kept)); err != nil {
				return err
			}
		}
		return nil
	}, func() {
		if len(keptIDs) > 0 {
			d.raiseLast(keptIDs[len(keptIDs)-1])
			d.published(kept, keptIDs)
		}
	})
	if err != nil {
		return 0, err
	}
	for i, r := range rs {
		r.ID = ids[i]
	}
	return len(kept), nil
}
