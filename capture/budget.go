package capture

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"gaff/internal/bytesize"
)

// Every body is held in memory from its first byte until its commit. A flood
// faster than the disk would otherwise hold them all: 1,000 uploads of
// 25 MiB are 25 GB. A budget bounds the bytes held at once; a body that
// finds it spent waits briefly for room, then is answered 503.
//
// Room is taken as bytes arrive, never for the Content-Length a sender
// announces: a sender that announces 25 MiB and trickles holds what it sent.
// Growing bodies could fill the budget with halves, each waiting for room
// another half holds, so one body at a time may go past the limit (the
// overdraft) and the budget always drains. One connection and one remote
// address may hold only a share, so a few senders cannot take it all.
const (
	DefaultMaxInFlight = 256 << 20
	DefaultBudgetWait  = 2 * time.Second
	// firstChunk is the room a body takes before its first byte; it then
	// doubles as bytes fill it, up to the body's Content-Length.
	firstChunk = 64 << 10
)

// budget is a counting semaphore over bytes with a bounded wait.
type budget struct {
	max, perConn, perAddr int64
	wait                  time.Duration

	mu      sync.Mutex
	used    int64
	byAddr  map[netip.Addr]int64
	over    *bodyBuffer // the one body allowed past max, until it is released
	waiters int
	changed chan struct{} // closed and replaced on a release someone waits for

	// toStore is what bodies that arrived hold while they wait for their
	// commit; the rest of used is bodies still arriving.
	toStore atomic.Int64
}

func newBudget(max, perConn, perAddr int64, wait time.Duration) *budget {
	return &budget{max: max, perConn: perConn, perAddr: perAddr, wait: wait,
		byAddr: map[netip.Addr]int64{}, changed: make(chan struct{})}
}

// Why a body found no room.
const (
	budgetFull = iota
	addrFull
	connFull
)

// overBudget is a body turned away for want of room, and what held it.
type overBudget struct {
	cause   int
	addr    netip.Addr
	held    int64 // by the address or the connection, against limit
	limit   int64
	used    int64 // by all bodies
	toStore int64 // of used, by bodies waiting for their commit
}

func (e *overBudget) Error() string { return "too many request bodies are in flight" }

// room says whether bb may take n more bytes: nil, or why not. Call it
// with b.mu held.
func (b *budget) room(bb *bodyBuffer, n int64) *overBudget {
	switch {
	case b.used == bb.held:
		// Alone: one body larger than any share must still get in.
		return nil
	case bb.held+n > b.perConn:
		return &overBudget{cause: connFull, held: bb.held, limit: b.perConn}
	}
	addr := b.byAddr[bb.addr]
	if addr+n <= b.perAddr && b.used+n <= b.max || b.over == bb {
		return nil
	}
	// An address's share can fill with halves of bodies as the whole
	// budget can: the overdraft lets one through either.
	if b.over == nil && bb.held > 0 {
		b.over = bb
		return nil
	}
	if b.used+n > b.max {
		return &overBudget{cause: budgetFull, limit: b.max, used: b.used, toStore: b.toStore.Load()}
	}
	return &overBudget{cause: addrFull, addr: bb.addr, held: addr, limit: b.perAddr}
}

// acquire reserves n more bytes for bb, waiting up to b.wait for room.
func (b *budget) acquire(ctx context.Context, bb *bodyBuffer, n int64) error {
	var timeout <-chan time.Time
	waiting, expired := false, false
	for {
		b.mu.Lock()
		if waiting {
			b.waiters--
		}
		no := b.room(bb, n)
		if no == nil {
			b.used += n
			b.byAddr[bb.addr] += n
			bb.held += n
			b.mu.Unlock()
			return nil
		}
		if expired {
			b.mu.Unlock()
			return no
		}
		b.waiters++
		waiting = true
		ch := b.changed
		b.mu.Unlock()
		if timeout == nil {
			t := time.NewTimer(b.wait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-ch:
		case <-timeout:
			expired = true
		case <-ctx.Done():
			expired = true
		}
	}
}

// release returns what bb holds.
func (b *budget) release(bb *bodyBuffer) {
	if bb.held == 0 {
		return
	}
	if bb.arrived {
		b.toStore.Add(-bb.held)
	}
	b.mu.Lock()
	b.used -= bb.held
	if left := b.byAddr[bb.addr] - bb.held; left > 0 {
		b.byAddr[bb.addr] = left
	} else {
		delete(b.byAddr, bb.addr)
	}
	if b.over == bb {
		b.over = nil
	}
	if b.waiters > 0 {
		close(b.changed)
		b.changed = make(chan struct{})
	}
	b.mu.Unlock()
	bb.held = 0
}

// bodyBuffer collects one request body in a buffer that grows as bytes
// arrive, holding budget for all of it.
type bodyBuffer struct {
	ctx     context.Context
	b       *budget
	addr    netip.Addr
	buf     []byte
	held    int64 // reserved: cap(buf)
	arrived bool  // held is counted in b.toStore
}

func (b *budget) body(ctx context.Context, remoteAddr string) *bodyBuffer {
	return &bodyBuffer{ctx: ctx, b: b, addr: addrKey(remoteAddr)}
}

// addrKey is the share a remote address counts against: the address, or
// for IPv6 its /64, which one host or network usually has whole.
func addrKey(remoteAddr string) netip.Addr {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	a := ap.Addr().Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// grow makes room for more of a body of at most want bytes.
func (bb *bodyBuffer) grow(want int64) error {
	size := int64(cap(bb.buf))
	next := min(want, max(2*size, firstChunk))
	if per := bb.b.perConn; size < per && next > per {
		// Up to the share first: past it only while alone.
		next = per
	}
	if err := bb.b.acquire(bb.ctx, bb, next-size); err != nil {
		return err
	}
	buf := make([]byte, len(bb.buf), next)
	copy(buf, bb.buf)
	bb.buf = buf
	return nil
}

// done marks the body as whole (or cut): from now on it waits for the disk.
func (bb *bodyBuffer) done() {
	bb.arrived = true
	bb.b.toStore.Add(bb.held)
}

// close returns what the body held, once it is stored or dropped.
func (bb *bodyBuffer) close() { bb.b.release(bb) }

// explain says, for the 503, what holds the room this body wanted, and how
// many seconds to wait before retrying. rate and grace are the slow-sender
// rule (pace.go) that frees room held by trickling bodies.
func (e *overBudget) explain(rate int64, grace time.Duration) (int, string) {
	cutAfter := max(1, int(grace/time.Second))
	switch e.cause {
	case connFull:
		return cutAfter, fmt.Sprintf("this request's body reached %s, the most one connection may hold while other bodies are in flight; a larger one gets in only when no other body is arriving or waiting to be stored", bytesize.Format(e.limit))
	case addrFull:
		who := "your address " + e.addr.String()
		if e.addr.Is6() {
			who = "your network " + netip.PrefixFrom(e.addr, 64).String()
		}
		return cutAfter, fmt.Sprintf("%s already has %s of request bodies in flight at gaff (arriving or waiting to be stored), the most one address may hold; those must be answered first", who, bytesize.Format(e.held))
	}
	arriving := e.used - e.toStore
	if e.toStore >= arriving {
		return 1, fmt.Sprintf("gaff is receiving faster than it can store: it holds %s of request bodies (its limit is %s), %s of them waiting to be written to disk", bytesize.Format(e.used), bytesize.Format(e.limit), bytesize.Format(e.toStore))
	}
	why := fmt.Sprintf("gaff holds %s of request bodies (its limit is %s), %s of them still arriving from other senders and %s waiting to be written to disk", bytesize.Format(e.used), bytesize.Format(e.limit), bytesize.Format(arriving), bytesize.Format(e.toStore))
	if rate <= 0 {
		return cutAfter, why
	}
	return cutAfter, why + fmt.Sprintf("; bodies slower than %s a second are cut once %s have passed", bytesize.Format(rate), grace)
}
