package storage

import "errors"

var errReadOnly = errors.New("the database was opened read-only")

// feed is one subscriber's wake-up channel. It holds at most one pending
// signal, so a slow reader (the UI while $EDITOR is open) never holds up the
// writer and sees every change coalesced into one wake-up.
type feed struct{ ch chan struct{} }

// Watch returns a channel that receives a signal after writes commit, and a
// function that stops it. After a signal, read LastRequestID or re-query.
func (d *DB) Watch() (<-chan struct{}, func()) {
	f := &feed{ch: make(chan struct{}, 1)}
	d.feedMu.Lock()
	d.feeds[f] = struct{}{}
	d.feedMu.Unlock()
	return f.ch, func() {
		d.feedMu.Lock()
		delete(d.feeds, f)
		d.feedMu.Unlock()
	}
}

func (d *DB) notify() {
	d.feedMu.Lock()
	for f := range d.feeds {
		select {
		case f.ch <- struct{}{}:
		default:
		}
	}
	d.feedMu.Unlock()
}

// LastRequestID is the highest request id known committed by this process.
func (d *DB) LastRequestID() int64 { return d.lastReq.Load() }

// Version changes whenever this process commits a write; views cache on it.
func (d *DB) Version() int64 { return d.version.Load() }
