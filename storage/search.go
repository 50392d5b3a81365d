package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// sinceID turns an age or date into the first request id received at or
// after it, by binary search on the primary key: ids grow with time, and
// this costs ~20 point reads instead of a scan of received_at.
func (d *DB) sinceID(ctx context.Context, q *Query, now time.Time) (int64, error) {
	cutoff := q.at
	if q.since > 0 {
		cutoff = now.Add(-q.since)
	}
	lo, err := d.oldestID(ctx)
	if err != nil {
		return 0, err
	}
	hi, err := d.NewestRequestID(ctx)
	if err != nil || hi == 0 {
		return hi + 1, err
	}
	hi++ // exclusive: past the newest means nothing matches
	for lo < hi {
		mid := lo + (hi-lo)/2
		var ns int64
		// The first row at or after mid: ids may have gaps after deletes.
		err := d.ro.QueryRowContext(ctx, `SELECT id, received_at FROM requests WHERE id >= ? ORDER BY id LIMIT 1`, mid).Scan(&mid, &ns)
		if err == sql.ErrNoRows {
			hi = mid
			continue
		}
		if err != nil {
			return 0, err
		}
		if ns >= cutoff.UnixNano() {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, nil
}

func (d *DB) oldestID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := d.ro.QueryRowContext(ctx, `SELECT min(id) FROM requests`).Scan(&id)
	return id.Int64, err
}

// searchRequests is ListRequests with a query: keyset pages over the FTS
// index in rowid order, joined to the rows, with exact filters applied.
// What the index lacks, when short, is searched in memory beside it
// (search_tail.go) and the two pages merge.
func (d *DB) searchRequests(ctx context.Context, p Page) ([]Summary, error) {
	q := p.Query
	first := int64(-1)
	if q.since > 0 || !q.at.IsZero() {
		var err error
		if first, err = d.sinceID(ctx, q, time.Now()); err != nil {
			return nil, err
		}
	}
	// The page holds no row at or below floor: the tail stops there.
	floor := max(p.After, first-1, 0)
	if len(q.fts) > 0 {
		d.searchReady(ctx, floor)
	}
	ascending := p.After > 0 || p.Oldest
	var out []Summary
	err := d.withIndex(ctx, func(c *sql.Conn, ok bool) error {
		if len(q.fts) == 0 {
			sqlq, args := searchSQL(p, first, "", "")
			var err error
			out, err = querySummaries(ctx, c, sqlq, args, ascending)
			return err
		}
		t, err := d.measureTail(ctx, c, ok, floor)
		if err != nil {
			return err
		}
		tail := t.rows > 0 && t.short()
		run := func() error {
			var indexed, tailed []Summary
			if ok {
				sqlq, args := searchSQL(p, first, "search", "")
				if tail {
					// Past the mark, and for rows queued to be indexed
					// again, the tail answers.
					sqlq, args = searchSQL(p, first, "search",
						"f.rowid <= ? AND f.rowid NOT IN (SELECT id FROM reindex WHERE seq > ? AND id <= ?)",
						t.mark, t.redone, t.mark)
				}
				if indexed, err = querySummaries(ctx, c, sqlq, args, ascending); err != nil {
					return err
				}
			}
			if tail {
				sqlq, args := searchSQL(p, first, "tail", "")
				if tailed, err = querySummaries(ctx, c, sqlq, args, ascending); err != nil {
					return err
				}
			}
			out = mergePages(indexed, tailed, p.Limit, ascending)
			return nil
		}
		if tail {
			return withTail(ctx, c, t, run)
		}
		return run()
	})
	return out, err
}

// searchSQL is the query of one page over the requests_fts of schema ("":
// no words to match), from the id first on (-1: all), with an extra
// condition on the index's rowid f.rowid and its arguments.
func searchSQL(p Page, first int64, schema, extra string, extraArgs ...any) (string, []any) {
	q := p.Query
	var where []string
	var args []any
	from := "requests r"
	idcol := "r.id"
	if schema != "" {
		from = schema + ".requests_fts f JOIN requests r ON r.id = f.rowid"
		idcol = "f.rowid"
		where = append(where, "f.requests_fts MATCH ?")
		args = append(args, strings.Join(q.fts, " AND "))
		if extra != "" {
			where = append(where, extra)
			args = append(args, extraArgs...)
		}
	}
	where = append(where, q.where...)
	args = append(args, q.args...)
	if first >= 0 {
		where = append(where, idcol+" >= ?")
		args = append(args, first)
	}
	order := "DESC"
	switch {
	case p.After > 0:
		where, args, order = append(where, idcol+" > ?"), append(args, p.After), "ASC"
	case p.Oldest:
		order = "ASC"
	case p.Before > 0:
		where, args = append(where, idcol+" < ?"), append(args, p.Before)
	}
	sqlq := `SELECT ` + prefixed("r.", summaryCols) + ` FROM ` + from
	if len(where) > 0 {
		sqlq += ` WHERE ` + strings.Join(where, " AND ")
	}
	sqlq += ` ORDER BY ` + idcol + ` ` + order + ` LIMIT ?`
	return sqlq, append(args, p.Limit)
}

// shortTail is how far behind the index may be for a search in the
// capturing process to index the rest before answering: about a batch, a
// fraction of a second. Further behind, a flood is on; the index catches
// up when it ends, and Unsearched tells the user meanwhile.
const shortTail = indexBatchRows

// readerCatchUp bounds how long a process that only reads (gaff list) spends
// indexing what a stopped or busy gaff left unindexed before it searches.
const readerCatchUp = 10 * time.Second

// searchReady indexes what the index lacks before a search, when that is
// cheap (a short gap, in the capturing process), or when this process only
// reads and the gap is too long for the search to cover in memory
// (search_tail.go): no gaff may be running to index it. A failure leaves
// the search to what is indexed. floor is where the search's tail stops.
func (d *DB) searchReady(ctx context.Context, floor int64) {
	have, want, err := d.indexGap(ctx)
	if err != nil || have.indexed >= want.indexed && have.redone >= want.redone {
		return
	}
	if d.w != nil && want.indexed-have.indexed > shortTail {
		return
	}
	if d.w == nil {
		if n, err := d.unsearched(ctx, floor); err != nil || n == 0 {
			return
		}
	}
	ctx, cancel := context.WithTimeout(ctx, readerCatchUp)
	defer cancel()
	_ = d.indexTo(ctx, want)
}

func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
