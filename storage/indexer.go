package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gaff/internal/pause"
)

// The full-text index is kept behind the writer, in a file of its own
// (index_file.go): an indexer reads rows past the index's 'indexed' mark and
// adds them to requests_fts in large batches under the index's own lock.
// Keeping FTS out of the ingest transaction, and out of the database's
// write lock, is what keeps capture fast; the price is that the index may
// trail capture, which IndexLag reports; a search covers a short gap itself
// (searchReady, search_tail.go).

// Index batches are large, since each one costs FTS5 a segment to merge
// later, and bounded by rows and by text, so a batch's memory is too.
const (
	indexBatchRows  = 2048
	indexBatchBytes = 8 << 20
	reindexBatch    = 4096
)

// IndexedUpTo is the highest request id in the search index (0 when there
// is no usable index).
func (d *DB) IndexedUpTo(ctx context.Context) (int64, error) {
	ctx = ctxOrBackground(ctx)
	var n int64
	err := d.withIndex(ctx, func(c *sql.Conn, ok bool) error {
		if !ok {
			return nil
		}
		return c.QueryRowContext(ctx, `SELECT value FROM search.state WHERE name = 'indexed'`).Scan(&n)
	})
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

// indexState is the index's own record of how far it got.
type indexState struct{ key, indexed, redone int64 }

// IndexSome adds up to one batch of unindexed requests to the search index,
// redoes the entries of rows changed or deleted since they were indexed,
// and reports how many rows it handled; 0 means the index has caught up.
// It takes the index's write lock, never the database's.
func (d *DB) IndexSome(ctx context.Context) (int, error) {
	n, _, err := d.indexSome(ctx)
	return n, err
}

// indexSome is IndexSome that also says how far the index now reaches.
func (d *DB) indexSome(ctx context.Context) (n int, now indexState, err error) {
	ix, err := d.indexWriter()
	if err != nil {
		return 0, now, err
	}
	ctx = ctxOrBackground(ctx)
	tx, err := ix.BeginTx(ctx, nil)
	if err != nil {
		return 0, now, err
	}
	defer tx.Rollback()
	var st indexState
	err = tx.QueryRowContext(ctx, `SELECT (SELECT value FROM state WHERE name = 'key'),
		(SELECT value FROM state WHERE name = 'indexed'), (SELECT value FROM state WHERE name = 'redone')`).Scan(&st.key, &st.indexed, &st.redone)
	if err != nil {
		return 0, now, err
	}
	b, err := d.readBatch(ctx, &st)
	if err != nil {
		return 0, now, err
	}
	if !b.wipe && len(b.docs) == 0 && b.next == st {
		return 0, st, nil // caught up: nothing to write, nothing to signal
	}
	if b.wipe {
		// Made for another database (or a copy of this one from before):
		// start over.
		if _, err := tx.ExecContext(ctx, `INSERT INTO requests_fts(requests_fts) VALUES ('delete-all')`); err != nil {
			return 0, now, err
		}
	}
	ins, err := tx.PrepareContext(ctx, ftsInsert("main"))
	if err != nil {
		return 0, now, err
	}
	defer ins.Close()
	for _, id := range b.redo {
		if _, err := tx.ExecContext(ctx, `DELETE FROM requests_fts WHERE rowid = ?`, id); err != nil {
			return 0, now, err
		}
	}
	for _, doc := range append(b.redoDocs, b.docs...) {
		if err := doc.insert(ctx, ins); err != nil {
			return 0, now, err
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE state SET value = CASE name WHEN 'key' THEN ? WHEN 'indexed' THEN ? ELSE ? END`,
		b.next.key, b.next.indexed, b.next.redone)
	if err != nil {
		return 0, now, err
	}
	if indexBatchHeld != nil {
		indexBatchHeld()
	}
	if err := tx.Commit(); err != nil {
		return 0, now, err
	}
	// Searches shown may now find more, and the lag shown is smaller.
	d.notify()
	d.pruneReindex(ctx, b.next.redone)
	return len(b.docs) + len(b.redo), b.next, nil
}

// errOlderSchema: a database an older gaff wrote and this one has not
// opened for writing yet has no index of its own to build.
var errOlderSchema = errors.New("the database was last written by an older gaff: start this gaff on it once to make its search index")

// indexBatchHeld, when set (by tests), runs inside each index batch's
// transaction, just before its commit: an index batch held that long.
var indexBatchHeld func()

// indexBatch is what one IndexSome adds, read from one snapshot of the
// database.
type indexBatch struct {
	wipe     bool
	docs     []ftsDoc // new rows
	redo     []int64  // indexed rows changed or deleted since: entries to drop
	redoDocs []ftsDoc // and the ones of them still stored, to index again
	next     indexState
}

// readBatch reads, in one read transaction of the database, the rows past
// st.indexed and the queued changes past st.redone.
func (d *DB) readBatch(ctx context.Context, st *indexState) (*indexBatch, error) {
	rtx, err := d.ro.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer rtx.Rollback()
	var key sql.NullInt64
	var lastReq, lastSeq int64
	err = rtx.QueryRowContext(ctx, `SELECT
		(SELECT value FROM counters WHERE name = 'index_key'),
		coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'requests'), 0),
		coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'reindex'), 0)`).Scan(&key, &lastReq, &lastSeq)
	if err != nil {
		return nil, err
	}
	if !key.Valid {
		return nil, errOlderSchema
	}
	b := &indexBatch{next: *st}
	if st.key != key.Int64 || st.indexed > lastReq || st.redone > lastSeq {
		// Everything is indexed afresh from rows as they are now, so the
		// queue so far is moot.
		b.wipe = true
		b.next = indexState{key: key.Int64, redone: lastSeq}
	}
	rows, err := rtx.QueryContext(ctx, `SELECT `+docCols+` FROM requests WHERE id > ? ORDER BY id LIMIT ?`,
		maxIndexedBody, maxIndexedBody, b.next.indexed, indexBatchRows)
	if err != nil {
		return nil, err
	}
	size := 0
	for size < indexBatchBytes && rows.Next() {
		doc, err := scanDoc(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		size += len(doc.target) + len(doc.headers) + len(doc.body)
		b.docs = append(b.docs, doc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := d.readRedo(ctx, rtx, b); err != nil {
		return nil, err
	}
	if len(b.docs) > 0 {
		b.next.indexed = b.docs[len(b.docs)-1].id
	}
	return b, rtx.Commit()
}

// readRedo picks up the queued changes. Only rows indexed before this batch
// need redoing: later ones are read as they are now.
func (d *DB) readRedo(ctx context.Context, rtx *sql.Tx, b *indexBatch) error {
	rows, err := rtx.QueryContext(ctx, `SELECT seq, id FROM reindex WHERE seq > ? ORDER BY seq LIMIT ?`, b.next.redone, reindexBatch)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for rows.Next() {
		var seq, id int64
		if err := rows.Scan(&seq, &id); err != nil {
			rows.Close()
			return err
		}
		b.next.redone = seq
		if id <= b.next.indexed && !seen[id] {
			seen[id] = true
			b.redo = append(b.redo, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range b.redo {
		doc, err := scanDoc(rtx.QueryRowContext(ctx, `SELECT `+docCols+` FROM requests WHERE id = ?`, maxIndexedBody, maxIndexedBody, id))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		b.redoDocs = append(b.redoDocs, doc)
	}
	return nil
}

// pruneReindex drops queue entries the index has applied, now and then: a
// small write that rides the next group commit.
func (d *DB) pruneReindex(ctx context.Context, upTo int64) {
	if d.w == nil || upTo-d.reindexPruned.Load() < reindexBatch {
		return
	}
	if d.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`DELETE FROM reindex WHERE seq <= ?`, upTo)
		return err
	}, nil) == nil {
		d.reindexPruned.Store(upTo)
	}
}

// queueReindex asks the indexer, inside the writer's transaction, to redo
// the entry of a row that changed or went.
func queueReindex(tx *sql.Tx, id int64) error {
	_, err := tx.Exec(`INSERT INTO reindex(id) VALUES (?)`, id)
	return err
}

// indexYield is how much longer the indexer rests than its last batch took
// when captures arrived meanwhile: while a flood lasts, the index gets
// about 1/(1+indexYield) of one core (some 3,000 captures a second here)
// and capture the rest; it catches up when the flood ends.
const indexYield = 9

// RunIndexer keeps the search index current until ctx ends: after commits
// it indexes in batches until caught up, resting between batches while
// captures keep arriving, then waits for the next commit.
func (d *DB) RunIndexer(ctx context.Context, onError func(error)) {
	ch, stop := d.Watch()
	defer stop()
	for {
		for ctx.Err() == nil {
			start, before := time.Now(), d.lastReq.Load()
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
			if d.lastReq.Load() != before && !pause.For(ctx, indexYield*time.Since(start)) {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ch:
		}
		// Let a burst of captures land, so the next batch is a large one.
		if !pause.For(ctx, 50*time.Millisecond) {
			return
		}
	}
}

// CatchUpIndex indexes what is stored now, until done or ctx ends, and
// returns how many stored requests are left unindexed. A graceful stop
// calls it (bounded) so a capture taken just before is searchable after.
func (d *DB) CatchUpIndex(ctx context.Context) (int64, error) {
	_, want, err := d.indexGap(ctx)
	if err != nil {
		return 0, err
	}
	if err := d.indexTo(ctx, want); err != nil && ctx.Err() == nil {
		return 0, err
	}
	return d.IndexLag(context.Background())
}

// indexGap reads how far the index reaches (have) and what is stored
// (want): the newest request id and the newest queued change.
func (d *DB) indexGap(ctx context.Context) (have, want indexState, err error) {
	ctx = ctxOrBackground(ctx)
	err = d.withIndex(ctx, func(c *sql.Conn, ok bool) error {
		have, want, err = indexGapOn(ctx, c, ok)
		return err
	})
	return have, want, err
}

// indexGapOn is indexGap on c, whose index is usable when ok.
func indexGapOn(ctx context.Context, c *sql.Conn, ok bool) (have, want indexState, err error) {
	var key sql.NullInt64
	err = c.QueryRowContext(ctx, `SELECT coalesce((SELECT max(id) FROM requests), 0),
		coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'reindex'), 0),
		(SELECT value FROM counters WHERE name = 'index_key')`).Scan(&want.indexed, &want.redone, &key)
	if err == nil && !key.Valid {
		err = errOlderSchema // and no index file is made for it
	}
	if err != nil || !ok {
		return have, want, err
	}
	err = c.QueryRowContext(ctx, `SELECT (SELECT value FROM search.state WHERE name = 'indexed'),
		(SELECT value FROM search.state WHERE name = 'redone')`).Scan(&have.indexed, &have.redone)
	return have, want, err
}

// indexTo indexes until the index holds what want describes, has caught
// up, or ctx ends.
func (d *DB) indexTo(ctx context.Context, want indexState) error {
	for ctx.Err() == nil {
		n, now, err := d.indexSome(ctx)
		if err != nil || n == 0 || now.indexed >= want.indexed && now.redone >= want.redone {
			return err
		}
	}
	return ctx.Err()
}
