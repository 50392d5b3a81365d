package storage

import (
	"database/sql"
	"fmt"
)

// migrations are applied in order; migration i brings user_version to i+1.
// Never edit one that has shipped: append a new one.
var migrations = []string{
	// 1: captured requests, stored as they arrived (DESIGN.md § Data), and a
	// counter row so the header's count never needs COUNT(*).
	`
CREATE TABLE requests (
	id          INTEGER PRIMARY KEY,
	received_at INTEGER NOT NULL,          -- unix nanoseconds
	method      TEXT    NOT NULL,
	target      TEXT    NOT NULL,          -- request-target as sent: path and raw query
	host        TEXT    NOT NULL,
	proto       TEXT    NOT NULL,
	remote_addr TEXT    NOT NULL,
	via         TEXT    NOT NULL DEFAULT '', -- which listener: local, ngrok
	headers     BLOB    NOT NULL,          -- ordered (name, value) pairs, see headers.go
	body        BLOB    NOT NULL,
	size        INTEGER NOT NULL,          -- body bytes received (or declared, when cut)
	truncated   INTEGER NOT NULL DEFAULT 0,
	status      INTEGER NOT NULL DEFAULT 0, -- what gaff answered
	provider    TEXT    NOT NULL DEFAULT '',
	signature   TEXT    NOT NULL DEFAULT '',
	sig_reason  TEXT    NOT NULL DEFAULT '',
	handshake   TEXT    NOT NULL DEFAULT '',
	content_type TEXT   NOT NULL DEFAULT '', -- cached from headers for the list
	note        TEXT    NOT NULL DEFAULT ''  -- why the row is odd: cut at the limit, client went away
);
CREATE TABLE counters (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters(name, value) VALUES ('requests', 0);
`,
}

func migrate(db *sql.DB) error {
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this gaff knows (%d): upgrade gaff", v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.Exec(fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	return nil
}
