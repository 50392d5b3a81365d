package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Summary is what the request list shows: everything but headers and body.
type Summary struct {
	ID          int64
	Time        time.Time
	Method      string
	Target      string // path and raw query, as sent
	Size        int64  // body bytes received
	Truncated   bool
	Status      int // what gaff answered
	Provider    string
	Event       string // the event the capture carries (pull_request.opened), "" when unknown
	Signature   string // valid, invalid, unsigned, no-secret, or "" when not checked
	SigReason   string
	Handshake   string
	ContentType string
	Via         string
	Note        string
	DeliveryID  string // the provider's id for this delivery, "" when none
	DuplicateOf int64  // the first capture with the same DeliveryID, 0 when this is the first
	Origin      string // the teammate a shared capture came from, "" for local ones
	// Attempt is which arrival of its delivery this capture is (1 for the
	// first, 2 for the first repeat); 0 without a delivery id. Lists fill
	// it when they read (attempts.go); it is not stored.
	Attempt int
}

// Path is the target without its query.
func (s *Summary) Path() string {
	p, _, _ := strings.Cut(s.Target, "?")
	return p
}

// RawQuery is the target's query, without '?'.
func (s *Summary) RawQuery() string {
	_, q, _ := strings.Cut(s.Target, "?")
	return q
}

// Request is a captured request, byte for byte.
type Request struct {
	Summary
	Host       string
	Proto      string
	RemoteAddr string
	Headers    Headers
	Body       []byte // at most --max-body bytes; see Truncated
	// OriginKey is a teammate's capture's unique key (InsertShared); it is
	// written, never read back: only its uniqueness matters.
	OriginKey string
}

const summaryCols = `id, received_at, method, target, size, truncated, status, provider, signature, sig_reason, handshake, content_type, via, note, event, delivery_id, duplicate_of, origin`

func scanSummary(sc interface{ Scan(...any) error }, s *Summary, extra ...any) error {
	var ns int64
	var trunc int
	var dup sql.NullInt64
	dest := append([]any{&s.ID, &ns, &s.Method, &s.Target, &s.Size, &trunc, &s.Status,
		&s.Provider, &s.Signature, &s.SigReason, &s.Handshake, &s.ContentType, &s.Via, &s.Note, &s.Event, &s.DeliveryID, &dup, &s.Origin}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	s.Time = time.Unix(0, ns)
	s.Truncated = trunc != 0
	s.DuplicateOf = dup.Int64
	return nil
}

// InsertRequest stores r and returns once it is durable; r.ID is set then.
func (d *DB) InsertRequest(ctx context.Context, r *Request) error {
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
	j := &job{row: requestArgs(r), req: r, added: 1}
	j.after = func() {
		d.raiseLast(j.id)
		if d.following.Load() > 0 {
			d.published([]*Request{r}, []int64{j.id})
		}
	}
	if err := d.submit(ctx, j); err != nil {
		return err
	}
	r.ID = j.id
	return nil
}

const insertRequestSQL = `INSERT INTO requests
	(received_at, method, target, host, proto, remote_addr, via, headers, body, size, truncated, status, provider, signature, sig_reason, handshake, content_type, note, event, delivery_id, duplicate_of, origin)
	VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`

// duplicateArg is where duplicate_of sits in requestArgs: the writer sets
// it inside its transaction.
const duplicateArg = 20

// requestArgs are insertRequestSQL's arguments for r. Encoding happens
// here, before the writer's transaction, to keep that short.
func requestArgs(r *Request) []any {
	if r.ContentType == "" {
		r.ContentType = r.Headers.Get("Content-Type")
	}
	return []any{r.Time.UnixNano(), r.Method, r.Target, r.Host, r.Proto, r.RemoteAddr, r.Via, encodeHeaders(r.Headers), nonNil(r.Body),
		r.Size, int64(boolInt(r.Truncated)), int64(r.Status), r.Provider, r.Signature, r.SigReason, r.Handshake, r.ContentType, r.Note, r.Event, r.DeliveryID, nullID(r.DuplicateOf), r.Origin}
}

func (d *DB) raiseLast(id int64) {
	for {
		cur := d.lastReq.Load()
		if id <= cur || d.lastReq.CompareAndSwap(cur, id) {
			return
		}
	}
}

// SetStatus records what gaff finally answered, for answers decided after
// the commit (proxy mode answers with the forward target's status).
func (d *DB) SetStatus(ctx context.Context, id int64, status int) error {
	return d.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`UPDATE requests SET status = ? WHERE id = ?`, status, id); err != nil {
			return err
		}
		// The search index carries the status: the indexer redoes the row.
		return queueReindex(tx, id)
	}, nil)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ErrNotFound is returned for an id that is not stored.
var ErrNotFound = errors.New("no such request")

// GetRequest reads one request whole.
func (d *DB) GetRequest(ctx context.Context, id int64) (*Request, error) {
	return queryOne(ctx, d.ro, `SELECT `+requestCols+` FROM requests WHERE id = ?`, id, scanRequest, notFoundAs("request"))
}

// Page is a keyset page request. Listing is newest first.
//   - Before > 0: the Limit rows older than id Before.
//   - After > 0: the Limit rows newer than id After (returned newest first).
//   - Oldest: the oldest Limit rows (still returned newest first).
//   - none of these: the newest Limit rows.
type Page struct {
	Before int64
	After  int64
	Oldest bool
	Limit  int
	// Query, when not empty, restricts the rows (see ParseQuery).
	Query *Query
}

// ListRequests returns summaries newest first. It never uses OFFSET: each
// page is an index seek on the primary key, as fast at row 1,000,000 as at 1.
func (d *DB) ListRequests(ctx context.Context, p Page) ([]Summary, error) {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if !p.Query.Empty() {
		return d.searchRequests(ctxOrBackground(ctx), p)
	}
	var q string
	var args []any
	switch {
	case p.After > 0:
		// Ascending to seek from After, then reversed below.
		q = `SELECT ` + summaryCols + ` FROM requests WHERE id > ? ORDER BY id ASC LIMIT ?`
		args = []any{p.After, p.Limit}
	case p.Oldest:
		q = `SELECT ` + summaryCols + ` FROM requests ORDER BY id ASC LIMIT ?`
		args = []any{p.Limit}
	case p.Before > 0:
		q = `SELECT ` + summaryCols + ` FROM requests WHERE id < ? ORDER BY id DESC LIMIT ?`
		args = []any{p.Before, p.Limit}
	default:
		q = `SELECT ` + summaryCols + ` FROM requests ORDER BY id DESC LIMIT ?`
		args = []any{p.Limit}
	}
	return d.querySummaries(ctxOrBackground(ctx), q, args, p.After > 0 || p.Oldest)
}

// querySummaries runs a listing query; ascending results are reversed so
// callers always get newest first.
func (d *DB) querySummaries(ctx context.Context, q string, args []any, ascending bool) ([]Summary, error) {
	return querySummaries(ctx, d.ro, q, args, ascending)
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// querySummaries reads a page of the list: readSummaries, and each
// repeat's Attempt.
func querySummaries(ctx context.Context, db queryer, q string, args []any, ascending bool) ([]Summary, error) {
	out, err := readSummaries(ctx, db, q, args, ascending)
	if err != nil {
		return nil, err
	}
	return out, fillAttempts(ctx, db, out)
}

func readSummaries(ctx context.Context, db queryer, q string, args []any, ascending bool) ([]Summary, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]Summary, 0, 64)
	for rows.Next() {
		var s Summary
		if err := scanSummary(rows, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if ascending {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, nil
}

// CountRequests is the number of stored requests, read from a counter the
// writer keeps so that it costs the same at any size.
func (d *DB) CountRequests(ctx context.Context) (int64, error) {
	var n int64
	err := d.ro.QueryRowContext(ctxOrBackground(ctx), `SELECT value FROM counters WHERE name = 'requests'`).Scan(&n)
	return n, err
}

// NewestRequestID reads max(id) from the file (which another process may be
// writing), unlike LastRequestID which only knows this process's commits.
func (d *DB) NewestRequestID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := d.ro.QueryRowContext(ctxOrBackground(ctx), `SELECT max(id) FROM requests`).Scan(&id)
	return id.Int64, err
}
