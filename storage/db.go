// Package storage keeps every captured request and every outbound attempt in
// one SQLite file. Writes go through a single group-commit writer; reads use
// their own pool of connections so a long listing never waits for ingest.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"gaff/internal/xdg"
)

// Options tune a DB. The zero value is what gaff runs with.
type Options struct {
	// Linger is how long the writer waits for more work before
	// committing a batch. About 200 µs roughly doubles throughput under
	// load (ARCHITECTURE.md, "Promises and the measurements behind
	// them"); milliseconds make it worse.
	Linger time.Duration
	// MaxBatch caps the jobs in one transaction.
	MaxBatch int
	// Synchronous is the SQLite synchronous level: NORMAL (default; in WAL it
	// survives any crash of the process) or FULL (survives power loss too).
	Synchronous string
	// BusyTimeout bounds the wait for a lock held by another process.
	BusyTimeout time.Duration
	// ReadOnly opens for reading only: no migrations, no writer. Used by
	// `gaff list` and `gaff show`, which must work beside a capturing gaff.
	ReadOnly bool
	// MaxPageCount, when set, caps the file size in pages (tests use it to
	// simulate a full disk).
	MaxPageCount int64
}

// DB is an open gaff database.
type DB struct {
	path string
	opt  Options
	rw   *sql.DB // exactly one connection, owned by the writer goroutine
	ro   *sql.DB

	// The search index's own file (index_file.go): opened at Open by a
	// writer, on the first search by a reader.
	ixOnce        sync.Once
	ix            *sql.DB
	ixErr         error
	reindexPruned atomic.Int64 // reindex entries up to this seq are deleted

	w *writer
	// ck checkpoints beside the writer (checkpoint.go).
	ck             *sql.DB
	ckStop, ckDone chan struct{}
	// Prepared once on the writer's connection: parsing the SQL of every
	// insert was a tenth of ingest time.
	rows          *rowInserter
	countRequests *sql.Stmt
	firstDelivery *sql.Stmt // duplicates.go

	feedMu sync.Mutex
	feeds  map[*feed]struct{}

	followMu  sync.Mutex
	followers []*Follower
	following atomic.Int32 // len(followers), read by the writer without the lock

	holdMu  sync.Mutex
	holds   map[*Hold]struct{} // readers retention must wait for
	lastReq atomic.Int64       // highest committed request id
	version atomic.Int64       // bumped on every committed write

	closeOnce sync.Once
	closeErr  error
}

// DefaultPath is $XDG_DATA_HOME/gaff/gaff.db, falling back to
// ~/.local/share/gaff/gaff.db as the XDG spec says.
func DefaultPath() (string, error) {
	dir, err := xdg.Data()
	if err != nil {
		return "", fmt.Errorf("cannot find a place for the database: %w; pass --db PATH", err)
	}
	return filepath.Join(dir, "gaff.db"), nil
}

// Open opens the database at path, creating it if nothing is there. It
// first finds out, without writing, whether the file is gaff's: another
// program's file is refused as it was found. Only then are the directory
// made 0700 and the files 0600 (captures hold secrets and tokens), WAL
// switched on and the schema migrated.
func Open(path string, opt Options) (*DB, error) {
	if opt.Linger == 0 {
		opt.Linger = 200 * time.Microsecond
	}
	if opt.MaxBatch == 0 {
		opt.MaxBatch = 512
	}
	if opt.Synchronous == "" {
		opt.Synchronous = "NORMAL"
	}
	if opt.BusyTimeout == 0 {
		opt.BusyTimeout = 5 * time.Second
	}
	if path == "" {
		return nil, errors.New("no database path given; pass --db PATH")
	}
	found, err := inspect(path)
	if err != nil {
		return nil, err
	}
	if opt.ReadOnly {
		d, err := openReader(path, found, opt)
		if d != nil {
			d.opt = opt
		}
		return d, err
	}
	if err := claim(path, found); err != nil {
		return nil, err
	}

	d := newDB(path)
	d.opt = opt
	d.ro, err = sql.Open("sqlite", dsn(path, opt, true))
	if err != nil {
		return nil, openError(path, err)
	}
	d.ro.SetMaxOpenConns(4)
	d.ro.SetMaxIdleConns(4)
	d.rw, err = sql.Open("sqlite", dsn(path, opt, false))
	if err != nil {
		d.ro.Close()
		return nil, openError(path, err)
	}
	d.rw.SetMaxOpenConns(1)
	d.rw.SetMaxIdleConns(1)
	d.rw.SetConnMaxIdleTime(0)
	if err := migrate(d.rw); err != nil {
		d.rw.Close()
		d.ro.Close()
		return nil, openError(path, err)
	}
	if err := d.loadCounters(); err != nil {
		d.rw.Close()
		d.ro.Close()
		return nil, openError(path, err)
	}
	if d.rows, err = prepareRowInserter(d.rw); err == nil {
		d.countRequests, err = d.rw.Prepare(`UPDATE counters SET value = value + ? WHERE name = 'requests'`)
	}
	if err == nil {
		d.firstDelivery, err = d.rw.Prepare(firstDeliverySQL)
	}
	if err != nil {
		d.rw.Close()
		d.ro.Close()
		return nil, openError(path, err)
	}
	if d.ck, err = sql.Open("sqlite", dsn(path, opt, false)); err != nil {
		d.rw.Close()
		d.ro.Close()
		return nil, openError(path, err)
	}
	if _, err := d.indexWriter(); err != nil {
		d.ck.Close()
		d.rw.Close()
		d.ro.Close()
		return nil, err
	}
	d.ck.SetMaxOpenConns(1)
	d.ckStop, d.ckDone = make(chan struct{}), make(chan struct{})
	go d.runCheckpointer(d.ck, d.ckStop, d.ckDone)
	d.w = newWriter(d, opt)
	go d.w.run()
	return d, nil
}

// indexWriter is the connection that writes the search index, opened once.
func (d *DB) indexWriter() (*sql.DB, error) {
	d.ixOnce.Do(func() { d.ix, d.ixErr = openIndexWriter(d.path, d.opt) })
	return d.ix, d.ixErr
}

// claim makes a file that inspect found to be gaff's, or free to be,
// private: the directory and the file are created when missing.
func claim(path string, found kind) error {
	if found == missing {
		dir := filepath.Dir(path)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("cannot create the directory %s: %w; pick another place with --db", dir, err)
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("cannot create %s: %w; pick another place with --db", path, err)
		}
		f.Close()
	}
	return restrict(path)
}

// restrict makes the database and the -wal and -shm files beside it its
// owner's alone, before SQLite opens them: SQLite creates those two with
// the database's own mode, so a database once made 0644 would give the
// world a readable -shm.
func restrict(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("cannot restrict %s to its owner: %w", p, err)
		}
	}
	return nil
}

// openReader opens gaff's database for `gaff list`, `show` and `export`,
// which must never change it: no chmod, no migration, and SQLite's mode=ro,
// so not even the checkpoint a closing connection would otherwise run.
// Reading a WAL database still needs the -wal and -shm files; SQLite
// creates them (empty, with the database's mode) when they are missing and
// leaves them for the next gaff. Where it cannot (a full disk, a read-only
// directory) and no WAL holds data, the database file is all there is, and
// it is read as immutable, with no side files at all.
func openReader(path string, found kind, opt Options) (*DB, error) {
	switch found {
	case missing:
		return nil, fmt.Errorf("no database at %s yet: start gaff once to create it, or pass --db PATH", path)
	case blank:
		return nil, fmt.Errorf("%s holds no gaff data yet: start gaff once to create it", path)
	}
	d, err := openReaderWith(path, readerQuery(opt, "mode", "ro"))
	if err != nil && cannotMakeSideFiles(err) && !hasWAL(path) {
		if alone, err2 := openReaderWith(path, readerQuery(opt, "immutable", "1")); err2 == nil {
			return alone, nil
		}
	}
	if err != nil {
		return nil, openError(path, err)
	}
	return d, nil
}

// newDB is a DB with nothing open yet.
func newDB(path string) *DB {
	return &DB{path: path, feeds: map[*feed]struct{}{}, holds: map[*Hold]struct{}{}}
}

func openReaderWith(path string, q url.Values) (*DB, error) {
	d := newDB(path)
	var err error
	if d.ro, err = sql.Open("sqlite", fileURI(path, q)); err != nil {
		return nil, err
	}
	d.ro.SetMaxOpenConns(4)
	d.ro.SetMaxIdleConns(4)
	if err = d.checkSchema(); err == nil {
		err = d.loadCounters()
	}
	if err != nil {
		d.ro.Close()
		return nil, err
	}
	return d, nil
}

func readerQuery(opt Options, key, value string) url.Values {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opt.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "query_only(1)")
	q.Set(key, value)
	return q
}

func dsn(path string, opt Options, reader bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opt.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	if reader {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous("+opt.Synchronous+")")
		q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", writerCheckpoints))
		q.Add("_txlock", "immediate")
		if opt.MaxPageCount > 0 {
			q.Add("_pragma", fmt.Sprintf("max_page_count(%d)", opt.MaxPageCount))
		}
	}
	return fileURI(path, q)
}

func fileURI(path string, q url.Values) string {
	// A relative path would read as the URI's authority (file://g.db).
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	u := url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}
	return u.String()
}

// Path is the file this DB lives in.
func (d *DB) Path() string { return d.path }

// Close waits for queued writes to commit, then closes every connection.
func (d *DB) Close() error {
	d.closeOnce.Do(func() {
		var errs []error
		if d.w != nil {
			d.w.close()
			close(d.ckStop)
			<-d.ckDone
			errs = append(errs, d.ck.Close())
		}
		if d.rw != nil {
			d.rows.close()
			d.countRequests.Close()
			d.firstDelivery.Close()
			// Fold the WAL back so the file is whole on its own. PASSIVE: a
			// CLI closing beside a capturing gaff must not block its writes.
			_, _ = d.rw.Exec("PRAGMA wal_checkpoint(PASSIVE)")
			errs = append(errs, d.rw.Close())
		}
		// No index is opened from here on: a search racing Close fails
		// instead of leaving a connection open.
		d.ixOnce.Do(func() { d.ixErr = ErrClosed })
		if d.ix != nil {
			_, _ = d.ix.Exec("PRAGMA wal_checkpoint(PASSIVE)")
			errs = append(errs, d.ix.Close())
		}
		errs = append(errs, d.ro.Close())
		d.closeErr = errors.Join(errs...)
	})
	return d.closeErr
}

func (d *DB) loadCounters() error {
	var last sql.NullInt64
	if err := d.ro.QueryRow("SELECT max(id) FROM requests").Scan(&last); err != nil {
		return err
	}
	d.lastReq.Store(last.Int64)
	return nil
}

// checkSchema refuses, in a reader, a schema that a newer gaff migrated
// past what this one knows; the file's header may not have shown it yet
// while the migration sat in the WAL.
func (d *DB) checkSchema() error {
	var v int
	if err := d.ro.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v > len(migrations) {
		return newerSchema(v)
	}
	return nil
}

// ctxOrBackground keeps call sites short where a caller has no deadline.
func ctxOrBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}
