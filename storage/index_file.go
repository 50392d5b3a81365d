package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
)

// The search index lives in a file of its own beside the database,
// <db>-search, with its own write lock. Indexing a batch can take tens of
// milliseconds of FTS5 merging; in the database's own file it held the
// single writer, and every capture arriving meanwhile waited for it. Here it
// never does. Everything in it can be rebuilt from the database: a missing
// index, or one made for another database, is rebuilt.
//
// Searches attach it read-only as "search"; the indexer has a connection
// of its own to it. A process that only reads the database (gaff list) may
// still bring the index up to date before it searches: the index is not
// the database. The index remembers which database it belongs to (the
// database's index_key counter) and how far it got (indexed: the highest
// request id in it; redone: the last reindex queue entry applied). Rows
// changed or deleted after they were indexed are queued in the database's
// reindex table by the writer (a cheap insert), and the indexer redoes
// them.

// searchSuffix names the index file after the database.
const searchSuffix = "-search"

// indexAppID marks an index file ("gafi"), unlike gaff's database ("gaff"),
// so neither is mistaken for the other.
const indexAppID = 0x67616669

// indexVersion is the shape of what is indexed. Raising it rebuilds every
// index (say, when more of a body becomes searchable). 2: bodies and
// queries as gaff shows them (body_text.go).
const indexVersion = 2

// ftsShape is the index's columns and tokenizer, shared with the
// in-memory index a search makes of the rows the file lacks (search_tail.go),
// so both find the same words.
const ftsShape = `target, headers, body, meta, tokenize = "unicode61 remove_diacritics 2"`

const indexSchema = `
CREATE VIRTUAL TABLE requests_fts USING fts5(` + ftsShape + `, content = '', contentless_delete = 1);
CREATE TABLE state (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO state(name, value) VALUES ('key', 0), ('indexed', 0), ('redone', 0);
`

// ftsTuning trades merging work for query speed: an index written in large
// batches merges less often (automerge) and keeps more of a batch in
// memory before writing it out (hashsize).
var ftsTuning = []string{
	`INSERT INTO requests_fts(requests_fts, rank) VALUES ('automerge', 8)`,
	`INSERT INTO requests_fts(requests_fts, rank) VALUES ('crisismerge', 32)`,
	`INSERT INTO requests_fts(requests_fts, rank) VALUES ('hashsize', 16777216)`,
}

func searchPath(path string) string { return path + searchSuffix }

// openIndexWriter opens (creating if needed) the index file for the indexer:
// one connection, WAL. A file that is not an index of gaff's is refused.
func openIndexWriter(path string, opt Options) (*sql.DB, error) {
	ip := searchPath(path)
	if err := claimIndex(ip); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opt.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	// The index can be rebuilt: NORMAL is crash-safe in WAL and never syncs
	// on commit.
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_txlock", "immediate")
	db, err := sql.Open("sqlite", fileURI(ip, q))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	if err := shapeIndex(db); err != nil {
		db.Close()
		return nil, indexError(ip, err)
	}
	return db, nil
}

// claimIndex creates the index file private (0600), or checks that the
// file there is an index of gaff's, or empty, before anything changes it:
// the index holds words of every capture.
func claimIndex(ip string) error {
	f, err := os.OpenFile(ip, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("cannot create the search index %s: %w; check the directory's permissions or pick another place with --db", ip, err)
	}
	f.Close()
	ours, err := isIndexFile(ip)
	if err != nil {
		return indexError(ip, err)
	}
	if !ours {
		return indexError(ip, errForeignIndex)
	}
	return restrict(ip)
}

// isIndexFile tells an index of gaff's, or a file that holds nothing yet
// (an index whose first start was cut short), from anything else, reading
// it without changing it. The application_id may still be in the WAL, not
// yet in the file's header, so SQLite is asked, not the file.
func isIndexFile(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	head := make([]byte, len(sqliteMagic))
	n, _ := io.ReadFull(f, head)
	f.Close()
	switch {
	case n == 0 && !hasWAL(path):
		return true, nil
	case !bytes.Equal(head[:n], []byte(sqliteMagic)[:n]):
		return false, nil
	}
	q := url.Values{}
	if hasWAL(path) {
		q.Set("mode", "ro")
	} else {
		q.Set("immutable", "1")
	}
	db, err := sql.Open("sqlite", fileURI(path, q))
	if err != nil {
		return false, err
	}
	defer db.Close()
	var app uint32
	if err := db.QueryRow("PRAGMA application_id").Scan(&app); err != nil {
		return false, nil // not a database SQLite can read
	}
	objects, _, err := schemaNames(db)
	return app == indexAppID || app == 0 && objects == 0, err
}

// shapeIndex gives a new or outdated index file the current schema, empty.
func shapeIndex(db *sql.DB) error {
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v == indexVersion {
		return nil
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, s := range []string{`DROP TABLE IF EXISTS requests_fts`, `DROP TABLE IF EXISTS state`, indexSchema} {
		if _, err := tx.Exec(s); err != nil {
			return err
		}
	}
	for _, s := range ftsTuning {
		if _, err := tx.Exec(s); err != nil {
			return err
		}
	}
	for _, s := range []string{fmt.Sprintf("PRAGMA application_id = %d", indexAppID), fmt.Sprintf("PRAGMA user_version = %d", indexVersion)} {
		if _, err := tx.Exec(s); err != nil {
			return err
		}
	}
	return tx.Commit()
}

var errForeignIndex = errors.New("it is another program's file")

func indexError(ip string, err error) error {
	return fmt.Errorf("cannot use %s for the search index: %w; move it aside (gaff makes a new one)", ip, err)
}

// withIndex runs fn on one reading connection that has the index file
// attached read-only as "search" (attached on first use: the file may not
// have existed when the connection opened). ok is false when there is no
// usable index: no file, or one made for another database; fn then runs
// without it.
func (d *DB) withIndex(ctx context.Context, fn func(c *sql.Conn, ok bool) error) error {
	c, err := d.ro.Conn(ctxOrBackground(ctx))
	if err != nil {
		return err
	}
	defer c.Close()
	ok, err := d.attachIndex(ctx, c)
	if err != nil {
		return err
	}
	return fn(c, ok)
}

// attachIndex attaches the index to c if it is not yet, and checks that
// it belongs to this database.
func (d *DB) attachIndex(ctx context.Context, c *sql.Conn) (bool, error) {
	var n int
	err := c.QueryRowContext(ctx, `SELECT count(*) FROM pragma_database_list WHERE name = 'search'`).Scan(&n)
	if err != nil {
		return false, err
	}
	if n == 0 {
		if _, err := os.Stat(searchPath(d.path)); err != nil {
			return false, nil
		}
		q := url.Values{}
		q.Set("mode", "ro")
		if _, err := c.ExecContext(ctx, `ATTACH DATABASE ? AS search`, fileURI(searchPath(d.path), q)); err != nil {
			return false, nil // unreadable: searched as if empty, and said so
		}
	}
	var same int
	err = c.QueryRowContext(ctx, `SELECT (SELECT value FROM search.state WHERE name = 'key') = (SELECT value FROM counters WHERE name = 'index_key')`).Scan(&same)
	if err != nil {
		return false, nil // an index being made, or not one at all
	}
	return same == 1, nil
}
