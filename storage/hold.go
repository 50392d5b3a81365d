package storage

import "math"

// A Hold keeps retention from deleting requests a reader has not consumed
// yet: --headless holds everything after the last line it printed, so a
// slow stdout makes the database grow past --keep rather than lose a
// capture before it is printed.
type Hold struct {
	d        *DB
	consumed int64 // guarded by d.holdMu
}

// Hold starts a hold on every request with an id above consumed.
func (d *DB) Hold(consumed int64) *Hold {
	h := &Hold{d: d, consumed: consumed}
	d.holdMu.Lock()
	d.holds[h] = struct{}{}
	d.holdMu.Unlock()
	return h
}

// Consumed lets retention delete requests up to id.
func (h *Hold) Consumed(id int64) {
	h.d.holdMu.Lock()
	h.consumed = max(h.consumed, id)
	h.d.holdMu.Unlock()
}

// Release ends the hold.
func (h *Hold) Release() {
	h.d.holdMu.Lock()
	delete(h.d.holds, h)
	h.d.holdMu.Unlock()
}

// pruneFloor is the highest id retention may delete.
func (d *DB) pruneFloor() int64 {
	d.holdMu.Lock()
	defer d.holdMu.Unlock()
	floor := int64(math.MaxInt64)
	for h := range d.holds {
		floor = min(floor, h.consumed)
	}
	return floor
}
