package storage

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"slices"
)

// The index trails capture (indexer.go), so a search also covers what it
// lacks: the rows past its mark and the rows queued to be indexed again.
// When they are few, the search makes their documents with scanDoc, as the
// indexer does, into an FTS5 table of the same shape (ftsShape) in memory,
// attached to its own reading connection as "tail"; the same MATCH runs
// there and on the index file, and the answers merge by id. Nothing is
// written to the index file or the database, so gaff list beside a
// capturing gaff finds a capture stored a moment ago. ARCHITECTURE.md,
// "Search and indexing".

// tailMaxRows and tailMaxBytes bound that work: 5,000 rows of 1 KB cost a
// search about 0.2 s of one core here (BenchmarkSearchTail5k), the work of
// indexing them. Further behind, the index was never built or a flood is
// on; the search covers what is indexed and Unsearched says how much it
// missed. The capturing process indexes a gap up to shortTail into the file
// before it searches (searchReady), and past that a flood is on: it leaves
// the CPU to capture and the indexer rather than index a tail per search.
var (
	tailMaxRows  int64 = 20000
	tailMaxBytes int64 = 64 << 20
)

// tailBound is the most rows d's searches index in memory.
func (d *DB) tailBound() int64 {
	if d.w != nil {
		return shortTail
	}
	return tailMaxRows
}

// searchTail is what the index lacks, measured on one connection.
type searchTail struct {
	floor        int64 // rows at or below it are not wanted (a page after an id)
	mark, redone int64 // how far the index reaches
	upTo         int64 // the newest row measured; later ones are not covered
	rows, bytes  int64 // counted up to just past the bounds
	bound        int64 // the most rows to index in memory
	none         bool  // an older gaff's database: no documents to make
}

func (t searchTail) short() bool {
	return !t.none && t.rows <= t.bound && t.bytes <= tailMaxBytes
}

// tailWhere selects the rows of a tail; its arguments are args.
// The floor goes into each branch: a bound on id beside the OR would have
// SQLite walk the primary key from the floor, all history when it is 0.
const tailWhere = `(id > ? OR id IN (SELECT id FROM reindex WHERE seq > ? AND id <= ? AND id > ?))`

func (t searchTail) args() []any { return []any{max(t.mark, t.floor), t.redone, t.mark, t.floor} }

// measureTail reads how far the index on c reaches (ok: it is usable) and
// how much is stored beyond it above floor, without reading the bodies.
// A page after an id needs only the tail past it: gaff mcp's wait polls
// with one, and would otherwise index the whole tail at every poll.
func (d *DB) measureTail(ctx context.Context, c *sql.Conn, ok bool, floor int64) (searchTail, error) {
	have, _, err := indexGapOn(ctx, c, ok)
	if err == errOlderSchema {
		return searchTail{none: true}, nil
	}
	if err != nil {
		return searchTail{}, err
	}
	t := searchTail{floor: floor, mark: have.indexed, redone: have.redone, bound: d.tailBound()}
	err = c.QueryRowContext(ctx, `SELECT count(*), coalesce(max(id), 0),
		coalesce(sum(length(target) + length(headers) + min(length(body), ?)), 0)
		FROM (SELECT id, target, headers, body FROM requests WHERE `+tailWhere+` LIMIT ?)`,
		append(append([]any{maxIndexedBody}, t.args()...), t.bound+1)...).Scan(&t.rows, &t.upTo, &t.bytes)
	return t, err
}

// withTail indexes t in memory on c, runs fn, and lets the table go.
func withTail(ctx context.Context, c *sql.Conn, t searchTail, fn func() error) error {
	if _, err := c.ExecContext(ctx, `ATTACH DATABASE ':memory:' AS tail`); err != nil {
		return err
	}
	err := fillTail(ctx, c, t)
	if err == nil {
		err = fn()
	}
	if _, derr := c.ExecContext(context.Background(), `DETACH DATABASE tail`); derr != nil {
		dropConn(c) // its next search could not attach a tail again
	}
	return err
}

func fillTail(ctx context.Context, c *sql.Conn, t searchTail) error {
	// Reading connections refuse writes (query_only); the table written is
	// in memory, and the switch is put back before anything else runs here.
	if _, err := c.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		return err
	}
	defer func() {
		if _, err := c.ExecContext(context.Background(), `PRAGMA query_only = 1`); err != nil {
			dropConn(c)
		}
	}()
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE VIRTUAL TABLE tail.requests_fts USING fts5(`+ftsShape+`, content = '')`); err != nil {
		return err
	}
	ins, err := tx.PrepareContext(ctx, ftsInsert("tail"))
	if err != nil {
		return err
	}
	defer ins.Close()
	rows, err := tx.QueryContext(ctx, `SELECT `+docCols+` FROM requests WHERE `+tailWhere+` AND id <= ?`,
		append(append([]any{maxIndexedBody, maxIndexedBody}, t.args()...), t.upTo)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		doc, err := scanDoc(rows)
		if err != nil {
			return err
		}
		if err := doc.insert(ctx, ins); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tx.Commit()
}

// dropConn has the pool close c instead of reusing it.
func dropConn(c *sql.Conn) {
	_ = c.Raw(func(any) error { return driver.ErrBadConn })
}

// mergePages merges the newest-first pages of the index and of the tail
// into the page they make together: the newest limit rows, or for an
// ascending page (After, Oldest) the oldest limit, still newest first.
func mergePages(a, b []Summary, limit int, ascending bool) []Summary {
	out := slices.Concat(a, b)
	slices.SortFunc(out, func(x, y Summary) int { return cmp.Compare(y.ID, x.ID) })
	out = slices.CompactFunc(out, func(x, y Summary) bool { return x.ID == y.ID })
	if len(out) <= limit {
		return out
	}
	if ascending {
		return out[len(out)-limit:]
	}
	return out[:limit]
}

// Unsearched is how many of the newest stored requests a search for words
// cannot see now: 0 when the index's tail is short enough for the search to
// cover it itself (searchRequests), else all the index lacks.
func (d *DB) Unsearched(ctx context.Context) (int64, error) {
	return d.unsearched(ctx, 0)
}

// unsearched is Unsearched for a search of the rows above floor.
func (d *DB) unsearched(ctx context.Context, floor int64) (int64, error) {
	ctx = ctxOrBackground(ctx)
	var short bool
	err := d.withIndex(ctx, func(c *sql.Conn, ok bool) error {
		t, err := d.measureTail(ctx, c, ok, floor)
		short = t.short()
		return err
	})
	if err != nil || short {
		return 0, err
	}
	return d.IndexLag(ctx)
}
