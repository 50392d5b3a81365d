package send

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxGap caps a gap kept from the original captures: a scenario
// captured over a lunch break should not sit idle for an hour.
const DefaultMaxGap = 30 * time.Second

// Timing says how long a scenario waits between two sends.
type Timing struct {
	// Factor divides the original gaps: 1 keeps them, 10 plays ten times
	// faster; 0 sends back to back (fast).
	Factor float64
	// MaxGap caps every gap after scaling; 0 means no cap.
	MaxGap time.Duration
}

// ParseTiming reads --timing: original, fast, or a speed-up like 10x (10×
// and 0.5x are accepted too).
func ParseTiming(s string) (Timing, error) {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case "original", "":
		return Timing{Factor: 1}, nil
	case "fast":
		return Timing{}, nil
	default:
		num, ok := strings.CutSuffix(v, "x")
		if !ok {
			num, ok = strings.CutSuffix(v, "×")
		}
		f, err := strconv.ParseFloat(num, 64)
		if !ok || err != nil || f <= 0 || f > 1e6 {
			return Timing{}, fmt.Errorf("--timing %q: give original, fast, or a speed-up like 10x", s)
		}
		return Timing{Factor: f}, nil
	}
}

// Gap is how long to wait, under t, before a capture that arrived orig
// after the one sent before it. A negative gap (clocks of merged captures
// disagree) is no wait.
func (t Timing) Gap(orig time.Duration) time.Duration {
	if t.Factor == 0 || orig <= 0 {
		return 0
	}
	g := time.Duration(float64(orig) / t.Factor)
	if t.MaxGap > 0 && g > t.MaxGap {
		g = t.MaxGap
	}
	return g
}

// Slot is one send of a scenario: which capture, and how long after the
// previous send it goes (before Timing is applied).
type Slot struct {
	ID  int64
	Gap time.Duration
}

// Captured is a capture's place in time, all a plan needs of it.
type Captured struct {
	ID   int64
	Time time.Time
}

// PlanOptions shape a scenario beyond capture order.
type PlanOptions struct {
	// Duplicate sends each capture this many times in a row (0 or 1: once);
	// providers deliver at least once, and a handler must cope.
	Duplicate int
	// Shuffle permutes which capture goes in each slot, seeded by Seed so a
	// failing order can be run again. The gaps stay where they were: the
	// rhythm of the original traffic is kept, its order is not.
	Shuffle bool
	Seed    uint64
}

// Plan lays out caps (in capture order) as slots: each capture's gap is
// the time since the capture before it; copies follow their original with
// no gap.
func Plan(caps []Captured, opt PlanOptions) []Slot {
	n := max(opt.Duplicate, 1)
	slots := make([]Slot, 0, len(caps)*n)
	for i, c := range caps {
		var gap time.Duration
		if i > 0 {
			gap = c.Time.Sub(caps[i-1].Time)
		}
		slots = append(slots, Slot{ID: c.ID, Gap: gap})
		for range n - 1 {
			slots = append(slots, Slot{ID: c.ID})
		}
	}
	if opt.Shuffle {
		r := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
		r.Shuffle(len(slots), func(i, j int) { slots[i].ID, slots[j].ID = slots[j].ID, slots[i].ID })
	}
	return slots
}

// Play runs slots in order, waiting each slot's gap under t on clock
// before calling send, and stops early only when ctx ends (the error is
// ctx's). send reports its own outcome; a failed send does not stop the
// scenario, as a provider's next delivery would come anyway.
func Play(ctx context.Context, clock Clock, t Timing, slots []Slot, send func(Slot)) error {
	if clock == nil {
		clock = realClock{}
	}
	for i, s := range slots {
		if g := t.Gap(s.Gap); i > 0 && g > 0 {
			select {
			case <-clock.After(g):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		send(s)
	}
	return nil
}
