package ui

import (
	"time"

	"gaff/storage"
)

// listColumns is how wide each column of the list is at one width; zero
// hides a column. What users scan (time, method, path, event, verdict,
// status, outcome) stays at every width; when room runs short the size
// goes first, then the provider's name, and only then do the path and
// the event narrow.
type listColumns struct {
	time, method, path, dup, event, provider, verdict, size, status, outcome int
}

const (
	eventColW = 24 // a long common event name: payment_intent.succeeded
	// comfortPathW is the path a row keeps before the size or the
	// provider's name take room from it.
	comfortPathW = 18
	providerColW = 8
	sizeColW     = 7
)

// layoutColumns fits the columns into w cells (the cursor mark included).
// timeW is the time column: wider when some rows need their date;
// outcome says whether any row was forwarded or replayed.
func layoutColumns(w, timeW int, outcome bool) listColumns {
	c := listColumns{time: timeW, method: 6, verdict: 1, status: 3}
	if outcome {
		c.outcome = 5
	}
	// The cursor mark, then each fixed column with the space before it.
	fixed := 2 + c.time + 1 + c.method + 1 + c.verdict + 1 + c.status
	if outcome {
		fixed += 1 + c.outcome
	}
	// What is left holds path, event and, room allowing, provider and size.
	avail := w - fixed - 1 - 1
	want := comfortPathW + eventColW
	if avail >= want+providerColW+1 {
		c.provider = providerColW
		avail -= providerColW + 1
		if avail >= want+sizeColW+1 {
			c.size = sizeColW
			avail -= sizeColW + 1
		}
	}
	c.path, c.event = splitPathEvent(avail)
	return c
}

// splitPathEvent shares avail cells between path and event. Short of room
// the event keeps the larger share, up to its full width once the path has
// 16: a path's start says enough to scan by.
func splitPathEvent(avail int) (path, event int) {
	event = min(eventColW, max(4, avail/2, avail-16))
	return max(4, avail-event), event
}

// maxDupColW bounds the repeat column: "dup #1234567 (12th)" fits, and a
// longer mark is cut rather than taking the path's room.
const maxDupColW = 20

// dupColumn is as wide as the widest repeat mark ("dup #12 (2nd)") among
// rows, and 0 while none is a repeat, so a list without repeats looks as it
// always did. See ARCHITECTURE.md, "Duplicates".
func dupColumn(rows []storage.Summary) int {
	w := 0
	for i := range rows {
		w = max(w, len(rows[i].DuplicateMark()))
	}
	return min(w, maxDupColW)
}

// withDup makes room for a repeat column of width w out of what path and
// event share, split between them as before. At least 8 cells stay for
// the two; a narrower mark is cut.
func (c listColumns) withDup(w int) listColumns {
	shared := c.path + c.event
	c.dup = min(w, shared-8-1)
	if c.dup < len("dup") {
		c.dup = 0
		return c
	}
	c.path, c.event = splitPathEvent(shared - c.dup - 1)
	return c
}

// timeColumn is "15:04:05" while every row is from today, and makes room
// for the date ("Nov 21 15:04:05") once one is not: a capture from
// yesterday must not read as one from this morning.
func timeColumn(rows []storage.Summary, now time.Time) int {
	for i := range rows {
		if !sameDay(rows[i].Time, now) {
			return len("Jan 02 15:04:05")
		}
	}
	return len("15:04:05")
}

func timeCell(t time.Time, now time.Time, w int) string {
	if w > 8 && !sameDay(t, now) {
		return t.Local().Format("Jan 02 15:04:05")
	}
	return padTo(t.Local().Format("15:04:05"), w)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Local().Date()
	by, bm, bd := b.Local().Date()
	return ay == by && am == bm && ad == bd
}
