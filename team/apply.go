package team

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"gaff/storage"
)

// applyBatch is how many messages (of up to perMessage captures each) one
// transaction stores.
const applyBatch = 32

// applier stores teammates' captures, read through this member's durable
// consumer: the server remembers what this member acknowledged, so a
// member that was away (or joins late) receives what it missed.
type applier struct {
	m *Member
}

func (ap *applier) run(ctx context.Context, js jetstream.JetStream) error {
	cfg := &ap.m.cfg
	cons, err := js.CreateOrUpdateConsumer(ctx, cfg.stream(), jetstream.ConsumerConfig{
		Durable:       cfg.durable(),
		Description:   "gaff member " + cfg.Me,
		FilterSubject: cfg.all(),
		AckPolicy:     jetstream.AckExplicitPolicy,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		MaxAckPending: 4 * applyBatch,
	})
	if err != nil {
		return fmt.Errorf("cannot follow the team's stream: %w", err)
	}
	// The handler only queues: the store runs here, in batches, and a full
	// queue holds the consumer back rather than memory growing.
	msgs := make(chan jetstream.Msg, applyBatch)
	cc, err := cons.Consume(func(msg jetstream.Msg) {
		select {
		case msgs <- msg:
		case <-ctx.Done():
		}
	}, jetstream.PullMaxMessages(applyBatch), jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		ap.m.log.Debug("team: consume", "err", err)
	}))
	if err != nil {
		return fmt.Errorf("cannot follow the team's stream: %w", err)
	}
	defer cc.Stop()
	batch := make([]jetstream.Msg, 0, applyBatch)
	for {
		batch = batch[:0]
		select {
		case <-ctx.Done():
			return nil
		case msg := <-msgs:
			batch = append(batch, msg)
		}
	more:
		for len(batch) < applyBatch {
			select {
			case msg := <-msgs:
				batch = append(batch, msg)
			default:
				break more
			}
		}
		if err := ap.apply(batch); err != nil {
			return err
		}
	}
}

// apply stores a batch and then acknowledges it. A crash in between
// delivers it again, and the origin keys make that a no-op.
func (ap *applier) apply(batch []jetstream.Msg) error {
	cfg := &ap.m.cfg
	rs := make([]*storage.Request, 0, len(batch))
	for _, msg := range batch {
		who := cfg.memberOf(msg.Subject())
		if who == cfg.Me {
			continue // our own, back from the stream
		}
		if who == "" {
			ap.m.log.Warn("team: a message on an unexpected subject is ignored", "subject", msg.Subject())
			continue
		}
		got, err := decode(who, msg.Data())
		if err != nil {
			// What was read whole before the damage is kept.
			ap.m.log.Warn("team: a message is not read whole", "from", who, "err", err)
		}
		rs = append(rs, got...)
	}
	if len(rs) > 0 {
		if _, err := ap.m.db.InsertShared(context.Background(), rs); err != nil {
			// Not acknowledged: the server delivers them again.
			return fmt.Errorf("cannot store teammates' captures: %w", err)
		}
	}
	for _, msg := range batch {
		msg.Ack()
	}
	return nil
}
