package storage

import (
	"context"
	"fmt"
	"iter"
	"strings"
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

// walkPage is how many whole requests one query of a walk reads: few
// enough that their bodies (up to --max-body each) stay a small amount of
// memory, enough that the cost of a query is spread thin.
const walkPage = 256

// Walk chooses the requests Requests yields, and in which order.
type Walk struct {
	// After starts an oldest-first walk at the first id above it (0: at
	// the oldest).
	After int64
	// NewestFirst walks from the newest down instead; After is unused.
	NewestFirst bool
	// Query, when not empty, keeps only the requests that match it.
	Query *Query
	// Limit stops the walk after that many requests (0: none).
	Limit int
}

// walked is one row of a page and what went wrong reading it.
type walked struct {
	r   *Request
	err error
}

// Requests yields stored requests whole, in id order, a page per query and
// each row read once: any number of requests in the memory of one page,
// never with OFFSET. A damaged row comes with its error and without its
// headers, so a reader can print what there is; a failed read ends the
// walk with (nil, err).
func (d *DB) Requests(ctx context.Context, w Walk) iter.Seq2[*Request, error] {
	return func(yield func(*Request, error) bool) {
		ctx := ctxOrBackground(ctx)
		cursor, left := w.After, w.Limit
		for {
			n := walkPage
			if w.Limit > 0 {
				n = min(n, left)
			}
			page, last, err := d.requestPage(ctx, w, cursor, n)
			if err != nil {
				yield(nil, err)
				return
			}
			if last == 0 {
				return
			}
			for _, x := range page {
				if !yield(x.r, x.err) {
					return
				}
			}
			cursor = last
			if w.Limit > 0 {
				if left -= len(page); left == 0 {
					return
				}
			}
		}
	}
}

// requestPage reads the n requests that follow cursor in w's order (cursor
// 0: the first of all), and the id the next page follows (0: none). Without
// a query that is one keyset query; with one, the search finds the ids and
// one more query reads those rows whole (a row deleted in between is not
// read, and the walk goes on past it).
func (d *DB) requestPage(ctx context.Context, w Walk, cursor int64, n int) (page []walked, last int64, err error) {
	if w.Query.Empty() {
		switch {
		case !w.NewestFirst:
			page, err = d.readRequests(ctx, `WHERE id > ? ORDER BY id ASC LIMIT ?`, cursor, n)
		case cursor > 0:
			page, err = d.readRequests(ctx, `WHERE id < ? ORDER BY id DESC LIMIT ?`, cursor, n)
		default:
			page, err = d.readRequests(ctx, `ORDER BY id DESC LIMIT ?`, n)
		}
		if err != nil || len(page) == 0 {
			return nil, 0, err
		}
		return page, page[len(page)-1].r.ID, nil
	}
	p := Page{Limit: n, Query: w.Query}
	switch {
	case w.NewestFirst:
		p.Before = cursor
	case cursor > 0:
		p.After = cursor
	default:
		p.Oldest = true
	}
	found, err := d.ListRequests(ctx, p)
	if err != nil || len(found) == 0 {
		return nil, 0, err
	}
	ids := make([]any, len(found))
	for i, s := range found {
		ids[i] = s.ID
	}
	// ListRequests gives them newest first.
	order, last := "DESC", found[len(found)-1].ID
	if !w.NewestFirst {
		order, last = "ASC", found[0].ID
	}
	page, err = d.readRequests(ctx, `WHERE id IN (?`+strings.Repeat(",?", len(ids)-1)+`) ORDER BY id `+order, ids...)
	if err != nil {
		return nil, 0, err
	}
	return page, last, nil
}

// readRequests reads whole rows of requests selected by where.
func (d *DB) readRequests(ctx context.Context, where string, args ...any) ([]walked, error) {
	return queryAll(ctx, d.ro, `SELECT `+requestCols+` FROM requests `+where, args, func(sc scanner) (walked, error) {
		r, err := scanRequest(sc)
		if r == nil {
			return walked{}, err
		}
		return walked{r, err}, nil
	})
}
