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
	time, method, path, event, provider, verdict, size, status, outcome int
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
	// Short of room the event keeps the larger share, up to its full
	// width once the path has 16: a path's start says enough to scan by.
	c.event = min(eventColW, max(4, avail/2, avail-16))
	c.path = max(4, avail-c.event)
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
