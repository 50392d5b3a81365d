package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The full-text index (migration 4) is kept behind the writer: an indexer
// reads rows past the 'indexed' counter and adds them to requests_fts in
// large batches of their own. Keeping FTS out of the ingest transaction is
// what keeps capture fast (ARCHITECTURE.md, "Search and indexing"); the
// price is that search may trail capture by a moment, which IndexLag
// reports.

// maxIndexedBody is how much of a textual body is indexed. Bodies are
// stored whole; beyond this they are not searchable.
const maxIndexedBody = 1 << 20

// Index batches are bounded by rows and by text, so the writer is never
// held for long: captures wait for at most one batch.
const (
	indexBatchRows  = 256
	indexBatchBytes = 2 << 20
)

// IndexedUpTo is the highest request id in the search index.
func (d *DB) IndexedUpTo(ctx context.Context) (int64, error) {
	var n int64
	err := d.ro.QueryRowContext(ctxOrBackground(ctx), `SELECT value FROM counters WHERE name = 'indexed'`).Scan(&n)
	return n, err
}

// IndexLag is how many stored requests search cannot see yet.
func (d *DB) IndexLag(ctx context.Context) (int64, error) {
	idx, err := d.IndexedUpTo(ctx)
	if err != nil {
		return 0, err
	}
	newest, err := d.NewestRequestID(ctx)
	if err != nil {
		return 0, err
	}
	return max(0, newest-idx), nil
}

type ftsDoc struct {
	id                          int64
	target, headers, body, meta string
}

// IndexSome adds up to one batch of unindexed requests to the search index
// and reports how many it added; 0 means the index has caught up.
func (d *DB) IndexSome(ctx context.Context) (int, error) {
	from, err := d.IndexedUpTo(ctx)
	if err != nil {
		return 0, err
	}
	rows, err := d.ro.QueryContext(ctxOrBackground(ctx), `SELECT `+docCols+` FROM requests WHERE id > ? ORDER BY id LIMIT ?`,
		maxIndexedBody, maxIndexedBody, from, indexBatchRows)
	if err != nil {
		return 0, err
	}
	var docs []ftsDoc
	size := 0
	last := from
	for rows.Next() && size < indexBatchBytes {
		doc, err := scanDoc(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		size += len(doc.target) + len(doc.headers) + len(doc.body)
		docs = append(docs, doc)
		last = doc.id
	}
	rows.Close()
	if len(docs) == 0 {
		return 0, nil
	}
	err = d.write(ctx, func(tx *sql.Tx) error {
		// A row deleted since it was read must not leave an entry behind.
		stmt, err := tx.Prepare(`INSERT INTO requests_fts(rowid, target, headers, body, meta)
			SELECT ?,?,?,?,? WHERE EXISTS (SELECT 1 FROM requests WHERE id = ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, doc := range docs {
			if _, err := stmt.Exec(doc.id, doc.target, doc.headers, doc.body, doc.meta, doc.id); err != nil {
				return err
			}
		}
		_, err = tx.Exec(`UPDATE counters SET value = ? WHERE name = 'indexed' AND value = ?`, last, from)
		return err
	}, nil)
	if err != nil {
		return 0, err
	}
	return len(docs), nil
}

// docCols reads what the index holds of a row; its two arguments are
// maxIndexedBody twice.
const docCols = `id, method, target, status, provider, signature, via, headers,
	CASE WHEN length(body) > ? THEN substr(body, 1, ?) ELSE body END`

func scanDoc(sc interface{ Scan(...any) error }) (ftsDoc, error) {
	var doc ftsDoc
	var method, provider, sig, via string
	var status int
	var hdr, body []byte
	if err := sc.Scan(&doc.id, &method, &doc.target, &status, &provider, &sig, &via, &hdr, &body); err != nil {
		return doc, err
	}
	h, _ := decodeHeaders(hdr)
	var hb strings.Builder
	for _, x := range h {
		hb.WriteString(x.Name + ": " + x.Value + "\n")
	}
	doc.headers = hb.String()
	if textual(body) {
		doc.body = string(body)
	}
	doc.meta = metaTokens(method, status, provider, sig, via)
	return doc, nil
}

// reindexTx redoes the index entry of a row changed after it was indexed,
// inside the writer's transaction; a row not indexed yet is left to the
// indexer.
func reindexTx(tx *sql.Tx, id int64) error {
	var indexed int64
	if err := tx.QueryRow(`SELECT value FROM counters WHERE name = 'indexed'`).Scan(&indexed); err != nil || id > indexed {
		return err
	}
	doc, err := scanDoc(tx.QueryRow(`SELECT `+docCols+` FROM requests WHERE id = ?`, maxIndexedBody, maxIndexedBody, id))
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`DELETE FROM requests_fts WHERE rowid = ?`, id); err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO requests_fts(rowid, target, headers, body, meta) VALUES (?,?,?,?,?)`, doc.id, doc.target, doc.headers, doc.body, doc.meta)
	return err
}

// textual: bodies worth indexing are UTF-8 text (JSON, forms, XML); binary
// would only fill the index with noise.
func textual(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	// A cut at maxIndexedBody may split a rune; judge what is whole.
	for k := 0; k < utf8.UTFMax && !utf8.Valid(b); k++ {
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

func metaTokens(method string, status int, provider, sig, via string) string {
	parts := []string{"m" + metaToken(method), fmt.Sprintf("s%d s%dxx", status, status/100)}
	if provider != "" {
		parts = append(parts, "p"+metaToken(provider))
	}
	if sig != "" {
		parts = append(parts, "sig"+metaToken(sig))
	}
	if via != "" {
		parts = append(parts, "v"+metaToken(via))
	}
	return strings.Join(parts, " ")
}

// RunIndexer keeps the search index current until ctx ends: after each
// commit it indexes in batches until caught up, then waits for the next.
func (d *DB) RunIndexer(ctx context.Context, onError func(error)) {
	ch, stop := d.Watch()
	defer stop()
	for {
		for {
			n, err := d.IndexSome(ctx)
			if err != nil {
				if ctx.Err() == nil && onError != nil {
					onError(err)
				}
				break
			}
			if n == 0 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ch:
		}
		// Let a burst of captures land, so the next batch is a large one.
		select {
		case <-ctx.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

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
func (d *DB) searchRequests(ctx context.Context, p Page) ([]Summary, error) {
	q := p.Query
	var where []string
	var args []any
	from := "requests r"
	idcol := "r.id"
	if len(q.fts) > 0 {
		from = "requests_fts f JOIN requests r ON r.id = f.rowid"
		idcol = "f.rowid"
		where = append(where, "requests_fts MATCH ?")
		args = append(args, strings.Join(q.fts, " AND "))
	}
	where = append(where, q.where...)
	args = append(args, q.args...)
	if q.since > 0 || !q.at.IsZero() {
		min, err := d.sinceID(ctx, q, time.Now())
		if err != nil {
			return nil, err
		}
		where = append(where, idcol+" >= ?")
		args = append(args, min)
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
	args = append(args, p.Limit)
	return d.querySummaries(ctx, sqlq, args, order == "ASC")
}

func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
