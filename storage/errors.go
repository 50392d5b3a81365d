package storage

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
)

// ErrFull means the disk (or the configured page cap) has no room. Capture
// answers 503 while it lasts and resumes by itself when space returns.
var ErrFull = errors.New("the disk is full: captures are refused (503) until space is freed")

// ErrBusy means another process held the database lock past the busy timeout.
var ErrBusy = errors.New("the database is locked by another program (another gaff writing to the same --db?)")

// ErrClosed is returned for writes submitted after Close.
var ErrClosed = errors.New("the database is closed")

// SQLite primary result codes (sqlite3.h); the driver reports extended codes
// whose low byte is the primary one.
const (
	codeBusy    = 5
	codeLocked  = 6
	codeCorrupt = 11
	codeFull    = 13
	codeNotADB  = 26
)

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// classify turns driver errors that callers act on into our sentinels, keeping
// the original text for the log.
func classify(err error) error {
	if err == nil {
		return nil
	}
	switch sqliteCode(err) {
	case codeFull:
		return fmt.Errorf("%w (%v)", ErrFull, err)
	case codeBusy, codeLocked:
		return fmt.Errorf("%w (%v)", ErrBusy, err)
	}
	return err
}

// openError explains a failure to open or migrate in words a user can act on.
func openError(path string, err error) error {
	var newer newerSchema
	if errors.As(err, &newer) {
		return newerError(path, int(newer))
	}
	switch sqliteCode(err) {
	case codeNotADB, codeCorrupt:
		return fmt.Errorf("cannot open %s: the file is not a usable SQLite database (corrupt, or another program's file); move it aside or pick another with --db", path)
	case codeBusy, codeLocked:
		return fmt.Errorf("cannot open %s: it is locked by another program (another gaff migrating it?); wait for it or pick another file with --db", path)
	case codeFull:
		return fmt.Errorf("cannot open %s: the disk is full; free some space or pick another place with --db", path)
	}
	return fmt.Errorf("cannot open %s: %w", path, err)
}
