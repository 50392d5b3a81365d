package storage

import (
	"context"
	"database/sql"
)

// InsertRequests stores many requests in one transaction, for imports and
// for building large test databases; captures use InsertRequest.
func (d *DB) InsertRequests(ctx context.Context, rs []*Request) error {
	ids := make([]int64, len(rs))
	err := d.insert(ctx, int64(len(rs)), func(tx *sql.Tx) error {
		stmt, err := tx.Prepare(insertRequestSQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, r := range rs {
			args := requestArgs(r)
			if err := d.withDuplicate(tx, r, args); err != nil {
				return err
			}
			res, err := stmt.Exec(args...)
			if err != nil {
				return err
			}
			if ids[i], err = res.LastInsertId(); err != nil {
				return err
			}
		}
		return nil
	}, func() {
		if len(ids) > 0 {
			d.raiseLast(ids[len(ids)-1])
			d.published(rs, ids)
		}
	})
	if err == nil {
		for i, r := range rs {
			r.ID = ids[i]
		}
	}
	return err
}
