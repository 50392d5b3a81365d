package storage

import (
	"errors"
	"fmt"
	"path/filepath"

	"modernc.org/sqlite"
)

// ErrFull means the disk (or the configured page cap) has no room. Capture
// answers 503 while it lasts and resumes by itself when space returns.
var ErrFull = errors.New("the disk is full: captures are refused (503) until space is freed")

// ErrBusy means another process held the database lock past the busy timeout.
var ErrBusy = errors.New("the database is locked by another program (another gaff writing to the same --db?)")

// ErrClosed is returned for writes submitted after Close.
var ErrClosed = errors.New("the database is closed")

// SQLite result codes (sqlite3.h). The driver reports extended codes,
// whose low byte is the primary one.
const (
	codeBusy     = 5
	codeLocked   = 6
	codeReadOnly = 8
	codeIOErr    = 10
	codeCorrupt  = 11
	codeFull     = 13
	codeCantOpen = 14
	codeNotADB   = 26

	// SQLITE_READONLY_DIRECTORY: the database is writable but the directory
	// is not, so SQLite cannot create the -wal (or -journal) file beside it.
	codeReadOnlyDirectory = codeReadOnly | 6<<8
)

func extendedCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

func sqliteCode(err error) int { return extendedCode(err) & 0xff }

// classify turns driver errors that callers act on into our sentinels, keeping
// the original text for the log.
func classify(path string, err error) error {
	if err == nil {
		return nil
	}
	switch {
	case sqliteCode(err) == codeFull, diskFull(path, err):
		return fmt.Errorf("%w (%v)", ErrFull, err)
	case sqliteCode(err) == codeBusy, sqliteCode(err) == codeLocked:
		return fmt.Errorf("%w (%v)", ErrBusy, err)
	}
	return err
}

// diskFull tells a full disk behind an I/O error: SQLite reports a failure
// to grow its -shm file as "disk I/O error", without saying why.
func diskFull(path string, err error) bool {
	if sqliteCode(err) != codeIOErr {
		return false
	}
	free, ok := freeBytes(filepath.Dir(path))
	return ok && free < nearlyFull
}

// nearlyFull is free space too small for SQLite to grow a file by: the -shm
// grows 32 KiB at a time.
const nearlyFull = 64 << 10

// openError explains a failure to open or migrate in words a user can act on.
func openError(path string, err error) error {
	var newer newerSchema
	if errors.As(err, &newer) {
		return newerError(path, int(newer))
	}
	dir := filepath.Dir(path)
	switch code := sqliteCode(err); {
	case code == codeNotADB, code == codeCorrupt:
		return fmt.Errorf("cannot open %s: the file is not a usable SQLite database (corrupt, or another program's file); move it aside or pick another with --db", path)
	case code == codeBusy, code == codeLocked:
		return fmt.Errorf("cannot open %s: it is locked by another program (another gaff migrating it?); wait for it or pick another file with --db", path)
	case code == codeFull, diskFull(path, err):
		return fmt.Errorf("cannot open %s: the disk is full; free some space or pick another place with --db", path)
	case extendedCode(err) == codeReadOnlyDirectory:
		return fmt.Errorf("cannot open %s: the database's directory is read-only: %s must be writable for SQLite's %s-wal and -shm files; make it writable or pick another place with --db", path, dir, filepath.Base(path))
	case code == codeReadOnly:
		return fmt.Errorf("cannot open %s: it is read-only (the file, its -wal or -shm beside it, or the disk); make them writable or pick another place with --db", path)
	case code == codeCantOpen:
		return fmt.Errorf("cannot open %s: SQLite cannot open it or its -wal or -shm file in %s (permissions?); check them or pick another place with --db", path, dir)
	case code == codeIOErr:
		return fmt.Errorf("cannot open %s: the disk failed to read or write (%v); check the disk, or pick another place with --db", path, err)
	}
	return fmt.Errorf("cannot open %s: %w", path, err)
}

// cannotMakeSideFiles is a reader's failure to create or grow the -wal and
// -shm files SQLite reads a WAL database with.
func cannotMakeSideFiles(err error) bool {
	switch sqliteCode(err) {
	case codeReadOnly, codeCantOpen, codeIOErr, codeFull:
		return true
	}
	return false
}
