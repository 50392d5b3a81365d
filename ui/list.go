package ui

import (
	tea "charm.land/bubbletea/v2"

	"gaff/storage"
)

// The list is a window over SQLite: it holds at most maxWindow summaries
// around the cursor and pages in more by keyset as the user moves, so a
// million stored requests cost what a thousand do.
const (
	pageSize  = 200
	maxWindow = 1000
)

type pageKind int

const (
	pageNewest pageKind = iota // replace the window with the newest rows
	pageOldest                 // replace it with the oldest rows
	pageOlder                  // append rows older than the window
	pageNewer                  // prepend rows newer than the window
)

type pageMsg struct {
	gen      int
	kind     pageKind
	rows     []storage.Summary
	outcomes map[int64]storage.Outcome
	err      error
}

// recheckMsg refreshes what the newest forward or replay of each visible
// row got (a forward finishes after its capture is listed), and where the
// table now starts: retention deletes the oldest rows, and the window
// drops them at once.
type recheckMsg struct {
	outcomes map[int64]storage.Outcome
	oldest   int64 // 0: the table is empty
	err      error
}

type requestList struct {
	common      *common
	rows        []storage.Summary // newest first, contiguous
	cursor, top int
	// sel is the selected request: the cursor is where it is in the window,
	// recomputed whenever rows come or go, so nothing moves it but the user.
	sel int64
	// follow keeps the cursor on the newest row as requests arrive. It is
	// on until the user moves off the newest row or opens a request; g and
	// f turn it back on.
	follow bool
	// seen is the newest id the user was shown while following; newest the
	// newest known to exist. Arrivals beyond seen are announced.
	seen, newest int64
	// atNewest/atOldest: the window reaches that end of the table.
	atNewest, atOldest bool
	loadingOlder       bool
	loadingNewer       bool
	gen                int // bumped by resets; results of older generations are dropped
	err                error
	query              *storage.Query // the active search, nil for all
	lag                int64          // requests a search cannot see yet (storage.DB.Unsearched)
	behind             bool           // an arrival came while newer rows were loading
	rechecking         oneAtATime
	outcomes           map[int64]storage.Outcome
	w, h               int
}

func newRequestList(c *common) *requestList {
	return &requestList{common: c, atNewest: true, atOldest: true, follow: true}
}

func (l *requestList) setSize(w, h int) {
	l.w, l.h = w, h
	l.keepVisible()
}

// innerH is how many rows show: the box's borders and the column
// headers take three lines.
func (l *requestList) innerH() int { return max(1, l.h-3) }

func (l *requestList) selected() *storage.Summary {
	if l.cursor < 0 || l.cursor >= len(l.rows) {
		return nil
	}
	return &l.rows[l.cursor]
}

// place puts the cursor on the selected request wherever the window now
// holds it. If it is gone (deleted, pruned), the cursor takes the next
// older row there is, else the oldest shown.
func (l *requestList) place() {
	if len(l.rows) == 0 {
		l.cursor, l.top, l.sel = 0, 0, 0 // the next rows start afresh
		return
	}
	if l.follow && l.atNewest || l.sel == 0 {
		l.sel = l.rows[0].ID // following, or nothing chosen yet
	}
	if l.follow && l.atNewest {
		l.seen = max(l.seen, l.sel)
	}
	l.cursor = len(l.rows) - 1
	for i := range l.rows {
		if l.rows[i].ID <= l.sel {
			l.cursor = i
			break
		}
	}
	l.sel = l.rows[l.cursor].ID
	l.keepVisible()
}

// setFollow turns following on (the cursor goes to the newest row) or off
// (arrivals are counted from here).
func (l *requestList) setFollow(on bool) tea.Cmd {
	if !on {
		l.follow = false
		return nil
	}
	return l.home()
}

// unseen is how many requests arrived that the user has not been shown;
// -1 when some did but a search cannot tell how many match.
func (l *requestList) unseen() int64 {
	if l.follow || l.newest <= l.seen {
		return 0
	}
	if l.query == nil {
		return l.newest - l.seen
	}
	if !l.atNewest {
		return -1
	}
	var n int64
	for i := range l.rows {
		if l.rows[i].ID <= l.seen {
			break
		}
		n++
	}
	return n
}

func (l *requestList) fetch(kind pageKind, p storage.Page) tea.Cmd {
	switch kind {
	case pageOlder:
		l.loadingOlder = true
	case pageNewer:
		l.loadingNewer = true
	default:
		l.gen++
		l.loadingOlder, l.loadingNewer = true, true
	}
	db, gen := l.common.db, l.gen
	p.Limit = pageSize
	p.Query = l.query
	return func() tea.Msg {
		rows, err := db.ListRequests(l.common.run, p)
		var outcomes map[int64]storage.Outcome
		if err == nil {
			outcomes, err = db.LatestOutcomes(l.common.run, summaryIDs(rows))
		}
		return pageMsg{gen: gen, kind: kind, rows: rows, outcomes: outcomes, err: err}
	}
}

// search shows only the rows q selects (nil: all), from the newest.
func (l *requestList) search(q *storage.Query) tea.Cmd {
	if q.Empty() {
		q = nil
	}
	l.query, l.follow = q, true
	return l.reload()
}

func summaryIDs(rows []storage.Summary) []int64 {
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	return ids
}

func (l *requestList) addOutcomes(o map[int64]storage.Outcome) {
	if l.outcomes == nil || len(l.outcomes) > 4*maxWindow {
		l.outcomes = map[int64]storage.Outcome{}
	}
	for id, x := range o {
		l.outcomes[id] = x
	}
}

// recheck reloads the outcomes of the rows on screen and where the table
// starts; one runs at a time, and once more if commits came meanwhile.
func (l *requestList) recheck() tea.Cmd {
	end := min(len(l.rows), l.top+l.innerH())
	ids, db := summaryIDs(l.rows[min(l.top, end):end]), l.common.db
	return l.rechecking.run(l.recheck, func() tea.Msg {
		o, err := db.LatestOutcomes(l.common.run, ids)
		oldest, err2 := db.ListRequests(l.common.run, storage.Page{Oldest: true, Limit: 1})
		m := recheckMsg{outcomes: o, err: firstErr(err, err2)}
		if len(oldest) > 0 {
			m.oldest = oldest[0].ID
		}
		return m
	})
}

// rechecked drops the rows retention deleted: every row older than the
// oldest one stored.
func (l *requestList) rechecked(m recheckMsg) tea.Cmd {
	if m.err != nil {
		return nil // the next commit checks again; the rows shown stay
	}
	l.addOutcomes(m.outcomes)
	n := len(l.rows)
	for n > 0 && l.rows[n-1].ID < m.oldest || n > 0 && m.oldest == 0 {
		n--
	}
	if n == len(l.rows) {
		return nil
	}
	l.rows, l.atOldest = l.rows[:n], true
	l.place()
	return l.prefetch()
}

// removed drops a deleted row from the window; if it was selected, the
// cursor takes the next older row.
func (l *requestList) removed(id int64) tea.Cmd {
	for i := range l.rows {
		if l.rows[i].ID == id {
			l.rows = append(l.rows[:i], l.rows[i+1:]...)
			l.place()
			break
		}
	}
	return l.prefetch()
}

// reload fetches the newest page and follows it.
func (l *requestList) reload() tea.Cmd { return l.fetch(pageNewest, storage.Page{}) }

// arrived is told that rows up to newest exist. Following, the window
// moves to them; otherwise they are added above the window when it
// reaches the newest row, and counted in the title either way.
func (l *requestList) arrived(newest int64) tea.Cmd {
	l.newest = max(l.newest, newest)
	if len(l.rows) > 0 && newest <= l.rows[0].ID {
		return nil
	}
	switch {
	case !l.atNewest:
		return nil
	case l.loadingNewer:
		l.behind = true // apply fetches again when the reply lands
		return nil
	case l.follow || len(l.rows) == 0:
		return l.reload()
	}
	return l.fetch(pageNewer, storage.Page{After: l.rows[0].ID})
}

func (l *requestList) apply(m pageMsg) tea.Cmd {
	if m.gen != l.gen {
		return nil
	}
	switch m.kind {
	case pageOlder:
		l.loadingOlder = false
	case pageNewer:
		l.loadingNewer = false
	default:
		l.loadingOlder, l.loadingNewer = false, false
	}
	if m.err != nil {
		l.err = m.err
		return nil
	}
	l.err = nil
	l.addOutcomes(m.outcomes)
	full := len(m.rows) == pageSize
	switch m.kind {
	case pageNewest:
		if !l.follow && len(l.rows) > 0 && len(m.rows) > 0 && l.sel < m.rows[len(m.rows)-1].ID {
			// The user moved away while following's page was read: keep
			// their row and only add what arrived above it.
			return l.fetchNewer()
		}
		l.rows, l.top = m.rows, 0
		l.atNewest, l.atOldest = true, !full
	case pageOldest:
		l.rows = m.rows
		if len(m.rows) > 0 {
			l.sel = m.rows[len(m.rows)-1].ID
		}
		l.atNewest, l.atOldest = !full, true
	case pageOlder:
		l.rows = append(l.rows, m.rows...)
		l.atOldest = !full
		l.trim()
	case pageNewer:
		l.rows = append(m.rows, l.rows...)
		l.top += len(m.rows)
		l.atNewest = !full
		l.trim()
	}
	l.place()
	if l.behind && l.atNewest && m.kind != pageOlder {
		// Rows committed while that page was read: fetch them too.
		l.behind = false
		return tea.Batch(l.prefetch(), l.arrived(l.common.db.LastRequestID()))
	}
	return l.prefetch()
}

// trim keeps the window within maxWindow by dropping rows at the end
// farther from the cursor.
func (l *requestList) trim() {
	over := len(l.rows) - maxWindow
	if over <= 0 {
		return
	}
	if l.cursor < len(l.rows)/2 {
		l.rows = l.rows[:maxWindow]
		l.atOldest = false
		return
	}
	l.rows = l.rows[over:]
	l.cursor -= over
	l.top = max(0, l.top-over)
	l.atNewest = false
}

func (l *requestList) fetchNewer() tea.Cmd {
	if l.loadingNewer || len(l.rows) == 0 {
		return nil
	}
	return l.fetch(pageNewer, storage.Page{After: l.rows[0].ID})
}

// prefetch keeps a screenful loaded beyond the cursor in both directions, so
// moving never waits on the database.
func (l *requestList) prefetch() tea.Cmd {
	var cmds []tea.Cmd
	if !l.atOldest && !l.loadingOlder && len(l.rows) > 0 && l.cursor >= len(l.rows)-1-2*l.innerH() {
		cmds = append(cmds, l.fetch(pageOlder, storage.Page{Before: l.rows[len(l.rows)-1].ID}))
	}
	if !l.atNewest && l.cursor <= 2*l.innerH() {
		cmds = append(cmds, l.fetchNewer())
	}
	return tea.Batch(cmds...)
}

func (l *requestList) move(delta int) tea.Cmd {
	if len(l.rows) == 0 {
		return nil
	}
	l.cursor = min(max(0, l.cursor+delta), len(l.rows)-1)
	l.sel = l.rows[l.cursor].ID
	if l.cursor != 0 {
		l.follow = false
	}
	l.keepVisible()
	return l.prefetch()
}

// home goes to the newest row and follows from there.
func (l *requestList) home() tea.Cmd {
	l.follow = true
	if l.atNewest {
		l.place()
		return nil
	}
	return l.reload()
}

func (l *requestList) end() tea.Cmd {
	l.follow = false
	if l.atOldest {
		if len(l.rows) > 0 {
			l.sel = l.rows[len(l.rows)-1].ID
		}
		l.place()
		return nil
	}
	return l.fetch(pageOldest, storage.Page{Oldest: true})
}

func (l *requestList) keepVisible() {
	h := l.innerH()
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+h {
		l.top = l.cursor - h + 1
	}
	l.top = max(0, min(l.top, len(l.rows)-h))
}
