package team

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"gaff/internal/pause"
	"gaff/storage"
)

// shipBatch is how many captures are in flight to the team server at once;
// the watermark moves when all of a batch is acknowledged.
const shipBatch = 256

// A message carries up to perMessage captures in up to messageBytes (less
// when the server's limit is lower): the team server's work and the
// acknowledgements are per message, and one a capture cost the server
// more CPU than capturing it did (bench/team).
const (
	perMessage   = 64
	messageBytes = 256 << 10
)

// shipper publishes what this database commits, from the persisted
// watermark on. It advances the watermark only past captures the team
// server acknowledged, so a capture is shipped at least once whatever
// fails; message ids make the second time harmless.
type shipper struct {
	m      *Member
	wm     int64
	follow *storage.Follower
	hold   *storage.Hold // keeps retention from pruning what is not shipped
	rec    *recorder

	saved   time.Time // when the watermark was last persisted
	savedWM int64     // and what it was
}

// stop saves how far shipping got and stops following commits.
func (sh *shipper) stop() {
	sh.save()
	sh.follow.Stop()
	sh.hold.Release()
}

// run ships until ctx ends (the connection closed, or Stop). While the
// connection is down it waits: the client would only buffer, and a batch
// that fails is sent again from the watermark anyway.
func (sh *shipper) run(ctx context.Context, js jetstream.JetStream, nc *nats.Conn, limit int) {
	commits, stopWatch := sh.m.db.Watch()
	defer stopWatch()
	wait := time.Second
	for ctx.Err() == nil {
		if !nc.IsConnected() {
			if !pause.For(ctx, 200*time.Millisecond) {
				return
			}
			continue
		}
		rows, err := sh.follow.After(ctx, sh.wm, shipBatch)
		if err != nil && len(rows) == 0 {
			sh.m.log.Warn("team: cannot read captures to ship", "err", err)
		}
		if len(rows) == 0 {
			select {
			case <-ctx.Done():
				return
			case <-commits:
			case <-time.After(time.Second): // rows of another process wake no one
			}
			continue
		}
		if err := sh.ship(ctx, js, rows, limit); err != nil {
			if ctx.Err() == nil {
				sh.m.log.Warn("team: shipping failed; retrying", "err", err)
			}
			if !pause.For(ctx, wait) {
				return
			}
			wait = min(2*wait, 10*time.Second)
			continue
		}
		wait = time.Second
		if len(rows) > 1 && len(rows) < shipBatch && !pause.For(ctx, pace) {
			return
		}
	}
}

// pace is how long the shipper lets captures gather after a round that
// caught up with several captures. A capture on its own ships at once (the
// lag to a teammate stays under a millisecond); under a flood rounds come
// at most this often instead of at every commit, so messages are fuller
// and the server and the client work per message, not per commit
// (ARCHITECTURE.md, "Team").
const pace = 5 * time.Millisecond

// ship publishes rows (teammates' captures are not shipped again), waits
// for every acknowledgement and then moves the watermark past them.
func (sh *shipper) ship(ctx context.Context, js jetstream.JetStream, rows []*storage.Request, limit int) error {
	cfg := &sh.m.cfg
	maxData := min(limit-headerRoom, messageBytes)
	var futures []jetstream.PubAckFuture
	var data []byte
	var first, last int64
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		msg := message(cfg.subject(cfg.Me), sh.m.dbID, first, last, data)
		f, err := js.PublishMsgAsync(msg, jetstream.WithMsgID(msg.Header.Get(nats.MsgIdHdr)))
		if err != nil {
			return err
		}
		futures = append(futures, f)
		data, n = nil, 0
		return nil
	}
	for i, r := range rows {
		if r.Origin != "" {
			continue
		}
		if cfg.Redact != nil {
			r = cfg.Redact(r)
		}
		body, err := sh.rec.encode(cfg.Me, captureKey(sh.m.dbID, r.ID), r, limit)
		if err != nil {
			// A capture that can never be shipped must not stop the rest.
			sh.m.log.Warn("team: a capture is not shipped", "id", r.ID, "err", err)
			continue
		}
		size := sh.rec.head.Len() + len(body)
		if n == perMessage || len(data)+size > maxData {
			if err := flush(); err != nil {
				return err
			}
		}
		if n == 0 {
			// Sized for the captures left, like this one: the message is
			// handed to the client whole, so growing it copies it again.
			first, data = r.ID, make([]byte, 0, min(maxData, size*min(perMessage, len(rows)-i)))
		}
		data, last = append(append(data, sh.rec.head.Bytes()...), body...), r.ID
		n++
	}
	if err := flush(); err != nil {
		return err
	}
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("the team server did not take capture %s: %w", f.Msg().Header.Get(nats.MsgIdHdr), err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	sh.wm = rows[len(rows)-1].ID
	sh.m.wm.Store(sh.wm)
	if time.Since(sh.saved) >= saveEvery {
		return sh.save()
	}
	return nil
}

// saveEvery spaces the watermark's writes: one per batch cost capture a
// commit in every few (measured with bench/team). Shipping again what was
// shipped after the last save is harmless: the message ids make it a no-op.
const saveEvery = time.Second

// save persists the watermark, then lets retention past it: written
// first, a crash ships again rather than skips.
func (sh *shipper) save() error {
	if sh.savedWM == sh.wm {
		return nil
	}
	if err := sh.m.db.SetSetting(context.Background(), sh.m.mark, strconv.FormatInt(sh.wm, 10)); err != nil {
		if errors.Is(err, storage.ErrClosed) {
			return err
		}
		sh.m.log.Warn("team: cannot record what was shipped; it may be shipped again", "err", err)
		return nil
	}
	sh.saved, sh.savedWM = time.Now(), sh.wm
	sh.hold.Consumed(sh.wm)
	return nil
}
