package storage

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strings"

	"gaff/sanitize"
)

// applicationID marks an SQLite file as gaff's (PRAGMA application_id, at
// offset 68 of the header): "gaff" in ASCII. Files made before gaff marked
// them are recognised by their schema instead (see inspectSchema).
const applicationID = 0x67616666

// SQLite's file header: the magic string, and where the two numbers gaff
// reads sit in the first 100 bytes.
const (
	sqliteMagic      = "SQLite format 3\x00"
	headerSize       = 100
	userVersionAt    = 60
	applicationIDAt  = 68
	maxTablesNamed   = 6
	gaffFirstTable   = "requests"
	gaffCounterTable = "counters"
)

// What the file at a --db path is, as far as gaff may touch it.
type kind int

const (
	missing kind = iota // nothing there: gaff may create it
	blank               // a file with nothing in it: gaff may make it its own
	gaffs               // gaff's, from this gaff or an older one
)

// inspect finds out whose the file at path is without changing it: no
// chmod, no WAL switch, no side files. A file that is not gaff's comes back
// as an error that says what it is.
func inspect(path string) (kind, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return missing, nil
	}
	if err != nil {
		return 0, fmt.Errorf("cannot read %s: %w; pick another file with --db", path, err)
	}
	if !st.Mode().IsRegular() {
		return 0, refuse(path, "it is not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("cannot read %s: %w; pick another file with --db", path, err)
	}
	defer f.Close()
	head := make([]byte, headerSize)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, fmt.Errorf("cannot read %s: %w", path, err)
	}
	switch {
	case n == 0 && !hasWAL(path):
		return blank, nil
	case n == 0:
		// Everything, header included, is still in the WAL.
	case n < headerSize || !bytes.HasPrefix(head, []byte(sqliteMagic)):
		return 0, refuse(path, "the file is not an SQLite database (corrupt, or another program's file)")
	case binary.BigEndian.Uint32(head[applicationIDAt:]) == applicationID:
		// gaff never unmarks a file, so a header that is behind the WAL
		// still names the owner; the version is checked again once open.
		return gaffs, knownVersion(path, int(binary.BigEndian.Uint32(head[userVersionAt:])))
	}
	return inspectSchema(path)
}

// inspectSchema asks SQLite what an unmarked database holds. With no WAL the
// file is all there is, and an immutable connection reads it with no locks
// and no side files. A WAL beside it means a program has it open (or died
// with it open) and the newest header may be in the WAL; a read-only
// connection reads through it, never writes the database, and needs the
// -shm file, which SQLite creates if it is missing.
func inspectSchema(path string) (kind, error) {
	q := url.Values{}
	if hasWAL(path) {
		q.Set("mode", "ro")
		q.Add("_pragma", "busy_timeout(5000)")
	} else {
		q.Set("immutable", "1")
	}
	db, err := sql.Open("sqlite", fileURI(path, q))
	if err != nil {
		return 0, openError(path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var app uint32
	var version int
	if err := db.QueryRow("PRAGMA application_id").Scan(&app); err != nil {
		return 0, openError(path, err)
	}
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return 0, openError(path, err)
	}
	objects, tables, err := schemaNames(db)
	if err != nil {
		return 0, openError(path, err)
	}
	switch {
	case app == applicationID:
		return gaffs, knownVersion(path, version)
	case app == 0 && version == 0 && objects == 0:
		return blank, nil
	case app == 0 && version >= 1 && version <= len(migrations) &&
		slices.Contains(tables, gaffFirstTable) && slices.Contains(tables, gaffCounterTable):
		return gaffs, nil
	}
	what := "it is another program's SQLite database (" + tableList(tables)
	if app != 0 {
		what += fmt.Sprintf("; application_id %#x", app)
	}
	return 0, refuse(path, what+")")
}

// schemaNames counts every schema object and lists the tables by name.
func schemaNames(db *sql.DB) (objects int, tables []string, err error) {
	rows, err := db.Query(`SELECT type, name FROM sqlite_schema ORDER BY name`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var typ, name string
		if err := rows.Scan(&typ, &name); err != nil {
			return 0, nil, err
		}
		objects++
		if typ == "table" && !strings.HasPrefix(name, "sqlite_") {
			tables = append(tables, name)
		}
	}
	return objects, tables, rows.Err()
}

// tableList names a few tables: enough for the user to recognise the
// program. The names come from the file, so they are sanitised.
func tableList(tables []string) string {
	if len(tables) == 0 {
		return "no tables"
	}
	shown := tables[:min(len(tables), maxTablesNamed)]
	names := make([]string, len(shown))
	for i, t := range shown {
		names[i] = sanitize.Line(t)
	}
	s := "tables: " + strings.Join(names, ", ")
	if more := len(tables) - len(shown); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// hasWAL reports a write-ahead log with content beside the database: then
// the database file alone may not be the whole truth.
func hasWAL(path string) bool {
	st, err := os.Stat(path + "-wal")
	return err == nil && st.Size() > 0
}

func knownVersion(path string, version int) error {
	if version > len(migrations) {
		return newerError(path, version)
	}
	return nil
}

func newerError(path string, version int) error {
	return fmt.Errorf("cannot open %s: it was written by a newer gaff (schema %d; this one knows %d): upgrade gaff, or pick another file with --db", path, version, len(migrations))
}

// refuse is the answer for a file that is not gaff's: said what it is, and
// left as it was.
func refuse(path, what string) error {
	return fmt.Errorf("cannot open %s: %s; gaff changes only its own files: move it aside or pick another with --db", path, what)
}
