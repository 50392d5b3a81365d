package storage

import (
	"context"
	"errors"
	"math"
	"sync"
)

// A Follower hands a reader (--headless) the requests this process commits,
// in id order, without reading them back: the writer passes each request
// on as its batch commits. What the follower does not hold, it reads from
// the database: requests committed before it started, by another process,
// or while the reader was so far behind that the follower's memory was
// full. Either way the reader gets every row after the one it names, in
// order, and none twice.
type Follower struct {
	d     *DB
	mu    sync.Mutex
	buf   []*Request // committed here, ascending ids; ids may skip
	bytes int
}

// A follower holds at most this much; past it, the reader is behind and
// reads from the database, and memory stays bounded.
const (
	followMaxRequests = 8192
	followMaxBytes    = 32 << 20
)

// Follow starts following commits. Stop it when done.
func (d *DB) Follow() *Follower {
	f := &Follower{d: d}
	d.followMu.Lock()
	d.followers = append(d.followers, f)
	d.following.Store(int32(len(d.followers)))
	d.followMu.Unlock()
	return f
}

// Stop ends following and frees what the follower holds.
func (f *Follower) Stop() {
	d := f.d
	d.followMu.Lock()
	for i, g := range d.followers {
		if g == f {
			d.followers = append(d.followers[:i], d.followers[i+1:]...)
			break
		}
	}
	d.following.Store(int32(len(d.followers)))
	d.followMu.Unlock()
	f.mu.Lock()
	f.buf, f.bytes = nil, 0
	f.mu.Unlock()
}

// published passes committed requests to the followers. It runs in the
// writer goroutine after the commit, in commit order, while the callers
// wait for their verdict (so r is not being changed). Each follower gets
// its own copy of the request's fields; headers and body are shared and,
// once committed, never written again.
func (d *DB) published(rs []*Request, ids []int64) {
	if d.following.Load() == 0 {
		return
	}
	d.followMu.Lock()
	defer d.followMu.Unlock()
	for _, f := range d.followers {
		f.mu.Lock()
		for i, r := range rs {
			size := followSize(r)
			if len(f.buf) >= followMaxRequests || f.bytes+size > followMaxBytes {
				break // the reader is behind: it reads the rest from the database
			}
			c := *r
			c.ID = ids[i]
			f.buf = append(f.buf, &c)
			f.bytes += size
		}
		f.mu.Unlock()
	}
}

// After returns up to limit requests with ids above after, oldest first,
// from memory where it has them in an unbroken run and from the database
// for the rest. It returns nothing when this process committed nothing
// newer; rows another process adds after the last one this process
// committed are read by the next call that follows a commit here, or by
// RequestsAfter. A damaged row comes back without headers, its error
// joined into err.
func (f *Follower) After(ctx context.Context, after int64, limit int) ([]*Request, error) {
	f.mu.Lock()
	f.dropUpTo(after)
	if len(f.buf) > 0 && f.buf[0].ID == after+1 {
		defer f.mu.Unlock()
		return f.run(limit), nil
	}
	upper := f.d.LastRequestID() + 1
	if len(f.buf) > 0 {
		upper = f.buf[0].ID
	}
	f.mu.Unlock()
	if after+1 >= upper {
		return nil, nil
	}
	// Between what was read and what is held: rows of another process,
	// rows from before the follower started or that did not fit in it.
	rows, err := f.d.requestsBetween(ctx, after, upper, limit)
	if len(rows) > 0 || err != nil {
		return rows, err
	}
	// Nothing there after all (deleted meanwhile): go on from memory.
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.run(limit), nil
}

// run takes the unbroken run of ids at the front of the buffer. Call with
// f.mu held.
func (f *Follower) run(limit int) []*Request {
	n := 1
	for n < len(f.buf) && n < limit && f.buf[n].ID == f.buf[n-1].ID+1 {
		n++
	}
	n = min(n, len(f.buf))
	out := make([]*Request, n)
	copy(out, f.buf[:n])
	f.dropFront(n)
	return out
}

// dropUpTo forgets requests already read. Call with f.mu held.
func (f *Follower) dropUpTo(id int64) {
	n := 0
	for n < len(f.buf) && f.buf[n].ID <= id {
		n++
	}
	f.dropFront(n)
}

func (f *Follower) dropFront(n int) {
	for _, r := range f.buf[:n] {
		f.bytes -= followSize(r)
	}
	clear(f.buf[:n])
	f.buf = f.buf[n:]
	if len(f.buf) == 0 {
		f.buf, f.bytes = f.buf[:0:0], 0
	}
}

// followSize is roughly what a held request costs in memory.
func followSize(r *Request) int { return len(r.Body) + 64*len(r.Headers) + 256 }

// RequestsAfter returns up to limit whole requests with ids above after,
// oldest first, in one query. A row that is damaged comes back without its
// headers, and its error is joined into err beside the rows; a failed query
// returns no rows.
func (d *DB) RequestsAfter(ctx context.Context, after int64, limit int) ([]*Request, error) {
	return d.requestsBetween(ctx, after, math.MaxInt64, limit)
}

// requestsBetween returns up to limit whole requests with ids above after
// and below before, oldest first, in one query. A damaged row comes back
// without its headers, its error joined into err beside the rows.
func (d *DB) requestsBetween(ctx context.Context, after, before int64, limit int) ([]*Request, error) {
	page, err := d.readRequests(ctx, `WHERE id > ? AND id < ? ORDER BY id ASC LIMIT ?`, after, before, limit)
	if err != nil {
		return nil, err
	}
	out := make([]*Request, len(page))
	var damaged []error
	for i, x := range page {
		out[i] = x.r
		if x.err != nil {
			damaged = append(damaged, x.err)
		}
	}
	return out, errors.Join(damaged...)
}
