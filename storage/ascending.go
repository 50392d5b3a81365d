package storage

import (
	"context"
	"errors"
	"fmt"
)

const requestCols = summaryCols + `, host, proto, remote_addr, headers, body`

// scanRequest reads one row of requestCols. A row whose header list cannot
// be decoded is still returned, without headers, beside the error: a reader
// walking history prints what it has and says what it could not.
func scanRequest(sc scanner) (*Request, error) {
	r := &Request{}
	var hdr []byte
	if err := scanSummary(sc, &r.Summary, &r.Host, &r.Proto, &r.RemoteAddr, &hdr, &r.Body); err != nil {
		return nil, err
	}
	if r.Body == nil {
		r.Body = []byte{}
	}
	h, err := decodeHeaders(hdr)
	if err != nil {
		return r, fmt.Errorf("request %d: %w", r.ID, err)
	}
	r.Headers = h
	return r, nil
}

// RequestsAfter returns up to limit whole requests with ids above after,
// oldest first, in one query. A row that is damaged comes back without its
// headers, and its error is joined into err beside the rows; a failed query
// returns no rows.
func (d *DB) RequestsAfter(ctx context.Context, after int64, limit int) ([]*Request, error) {
	rows, err := d.ro.QueryContext(ctxOrBackground(ctx), `SELECT `+requestCols+` FROM requests WHERE id > ? ORDER BY id ASC LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Request
	var damaged []error
	for rows.Next() {
		r, err := scanRequest(rows)
		if r == nil {
			return nil, err
		}
		if err != nil {
			damaged = append(damaged, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, errors.Join(damaged...)
}
