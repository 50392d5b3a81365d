// Package dblock holds SQLite's write lock on a database file as another
// program would. Tests use it to stand for a database locked by someone
// else, or a disk that absorbs nothing.
package dblock

import (
	"context"
	"database/sql"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Hold takes the write lock on the SQLite database at path (BEGIN
// IMMEDIATE) and keeps it until release is called; release may be called
// more than once.
func Hold(path string) (release func(), err error) {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		db.Close()
		return nil, err
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		conn.Close()
		db.Close()
		return nil, err
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
			db.Close()
		})
	}, nil
}
