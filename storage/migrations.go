package storage

import (
	"database/sql"
	"fmt"
)

// migrations are applied in order; migration i brings user_version to i+1.
// Never edit one that has shipped: append a new one.
var migrations = []string{
	// 1: captured requests, stored as they arrived (ARCHITECTURE.md,
	// "The path of one request"), and a counter row so the header's
	// count never needs COUNT(*). AUTOINCREMENT: an id is never given
	// twice, even after the newest row is deleted, so the search index,
	// deliveries and the UI never mistake a new capture for a deleted
	// one.
	`
CREATE TABLE requests (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
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
	// 2: every outbound attempt (replay, edit, forward, send, subscription
	// delivery) with what it sent and what came back; and settings that
	// outlive a run (forward target, provider secrets, response rules).
	`
CREATE TABLE deliveries (
	id              INTEGER PRIMARY KEY,
	created_at      INTEGER NOT NULL,      -- unix ns, when the attempt started
	kind            TEXT    NOT NULL,      -- replay, edit, forward, send, subscription
	request_id      INTEGER,               -- the capture it came from, if any
	subscription_id INTEGER,
	event_id        INTEGER,               -- the outbound event it delivers, if any
	attempt         INTEGER NOT NULL DEFAULT 1,
	method          TEXT    NOT NULL,
	url             TEXT    NOT NULL,
	headers         BLOB    NOT NULL,
	body            BLOB    NOT NULL,
	status          INTEGER NOT NULL DEFAULT 0, -- 0: no response (see error)
	resp_headers    BLOB    NOT NULL,
	resp_body       BLOB    NOT NULL,
	resp_truncated  INTEGER NOT NULL DEFAULT 0,
	duration_ns     INTEGER NOT NULL DEFAULT 0,
	error           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_by_request ON deliveries(request_id, id) WHERE request_id IS NOT NULL;
CREATE INDEX deliveries_by_subscription ON deliveries(subscription_id, id) WHERE subscription_id IS NOT NULL;
CREATE INDEX deliveries_by_event ON deliveries(event_id, id) WHERE event_id IS NOT NULL;
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
`,
	// 3: outbound test subscriptions and the events fired at them. An event
	// is stored unsigned (each attempt signs afresh); its pending retry is
	// next_attempt_at, so a restart resumes the schedule. Invariant:
	// next_attempt_at is set exactly when state is 'pending'. Each attempt
	// is a deliveries row (kind 'subscription', event_id, attempt).
	`
CREATE TABLE subscriptions (
	id              INTEGER PRIMARY KEY,
	name            TEXT    NOT NULL UNIQUE,
	url             TEXT    NOT NULL,
	scheme          TEXT    NOT NULL DEFAULT 'none',
	secret          TEXT    NOT NULL DEFAULT '',
	headers         BLOB    NOT NULL,               -- extra headers, ordered pairs (headers.go)
	events          TEXT    NOT NULL DEFAULT '[]',  -- JSON array of event types taken; empty: all
	timeout_ms      INTEGER NOT NULL DEFAULT 15000,
	retry_policy    TEXT    NOT NULL DEFAULT 'standard', -- standard, testing, none
	enabled         INTEGER NOT NULL DEFAULT 1,
	disabled_reason TEXT    NOT NULL DEFAULT '',    -- why it was disabled (410 Gone, by the user)
	created_at      INTEGER NOT NULL,               -- unix ns
	updated_at      INTEGER NOT NULL
);
CREATE TABLE events (
	id              INTEGER PRIMARY KEY,
	subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
	created_at      INTEGER NOT NULL,               -- unix ns
	template        TEXT    NOT NULL DEFAULT '',    -- template it was rendered from, if any
	request_id      INTEGER,                        -- capture used as the template, if any
	msg_id          TEXT    NOT NULL,               -- stable across retries: webhook-id, X-GitHub-Delivery…
	event_type      TEXT    NOT NULL DEFAULT '',
	method          TEXT    NOT NULL,
	headers         BLOB    NOT NULL,
	body            BLOB    NOT NULL,               -- the unsigned payload
	state           TEXT    NOT NULL DEFAULT 'pending', -- pending, delivered, failed, gone, cancelled
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER,                        -- unix ns; NULL once finished
	last_status     INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX events_due ON events(next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX events_by_subscription ON events(subscription_id, id);
`,
	// 4: full-text search. Contentless (the rows hold the bytes) with
	// deletes, so retention can remove entries. The meta column carries
	// method, status, provider and verdict tokens, so field filters are
	// index lookups too. Filled behind the writer by the indexer (search.go),
	// never in the ingest transaction.
	`
CREATE VIRTUAL TABLE requests_fts USING fts5(
	target, headers, body, meta,
	content = '', contentless_delete = 1,
	tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO counters(name, value) VALUES ('indexed', 0);
`,
	// 5: the search index moves to a file of its own (index_file.go), so
	// indexing never holds this file's writer. index_key ties an index file
	// to this database; reindex queues the rows changed or deleted after
	// they were indexed (AUTOINCREMENT: the indexer's place in the queue is
	// a seq, never given twice).
	`
DROP TABLE requests_fts;
DELETE FROM counters WHERE name = 'indexed';
INSERT INTO counters(name, value) VALUES ('index_key', random() & 9223372036854775807);
CREATE TABLE reindex (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	id  INTEGER NOT NULL
);
`,
	// 6: the event a capture carries (pull_request.opened), derived from its
	// bytes at capture like provider and verdict; '' when unknown. The index
	// serves event:NAME and event:PREFIX* searches (GLOB with a literal
	// start is a range on it); rows captured before stay ''.
	`
ALTER TABLE requests ADD COLUMN event TEXT NOT NULL DEFAULT '';
CREATE INDEX requests_by_event ON requests(event);
`,
	// 7: what the delivery lab and team sharing add to a capture. See
	// ARCHITECTURE.md, "Duplicates" and "Team".
	//   - delivery_id: the provider's id for this delivery (X-GitHub-Delivery,
	//     the Stripe event id, webhook-id, …), "" when it sent none.
	//   - duplicate_of: the first capture with the same delivery id, or NULL.
	//   - origin: the teammate a shared capture came from, "" for local ones.
	//   - origin_key: the shipped capture's unique key, so applying it twice
	//     stores it once.
	`
ALTER TABLE requests ADD COLUMN delivery_id TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN duplicate_of INTEGER;
ALTER TABLE requests ADD COLUMN origin TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN origin_key TEXT;
CREATE INDEX requests_by_delivery ON requests(delivery_id, id) WHERE delivery_id != '';
CREATE UNIQUE INDEX requests_by_origin_key ON requests(origin_key) WHERE origin_key IS NOT NULL;
`,
}

// migrate brings the schema up to date and marks the file as gaff's.
// Files made before gaff marked them get the mark in the first
// transaction this gaff writes.
func migrate(db *sql.DB) error {
	for {
		// Read first without a transaction: an up-to-date file, the usual
		// case, must not wait for the write lock of a gaff capturing into it.
		v, marked, err := schemaState(db)
		if err != nil {
			return err
		}
		if v > len(migrations) {
			return newerSchema(v)
		}
		if v == len(migrations) && marked {
			return nil
		}
		if err := migrateStep(db); err != nil {
			return err
		}
	}
}

type querier interface {
	QueryRow(query string, args ...any) *sql.Row
}

func schemaState(q querier) (version int, marked bool, err error) {
	var app uint32
	if err := q.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return 0, false, err
	}
	if err := q.QueryRow("PRAGMA application_id").Scan(&app); err != nil {
		return 0, false, err
	}
	return version, app == applicationID, nil
}

// migrateStep applies the next migration and the mark in one (immediate)
// transaction. The state is read again inside it: two gaffs opening a new
// file at once must not both run migration 1.
func migrateStep(db *sql.DB) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	v, marked, err := schemaState(tx)
	if err != nil {
		return err
	}
	if v > len(migrations) || (v == len(migrations) && marked) {
		return nil // another gaff got here first; the caller looks again
	}
	if v < len(migrations) {
		if _, err := tx.Exec(migrations[v]); err != nil {
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
		if _, err := tx.Exec(fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
	}
	if !marked {
		if _, err := tx.Exec(fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
			return fmt.Errorf("marking the file as gaff's: %w", err)
		}
	}
	return tx.Commit()
}

// newerSchema is a schema version past the migrations this gaff knows.
type newerSchema int

func (v newerSchema) Error() string {
	return fmt.Sprintf("schema version %d is newer than this gaff knows (%d)", int(v), len(migrations))
}
