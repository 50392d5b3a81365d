package ui

import (
	"errors"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gaff/sanitize"
	"gaff/storage"
)

// requestsScreen is the list of captures and the detail of one. What the
// user opened stays open, and every action acts on the request on screen:
// arrivals never change either.
type requestsScreen struct {
	common *common
	list   *requestList
	detail *detail
	focus  focusArea
	// opened is the request the user opened with enter; nil while the
	// detail (beside the list) previews the row under the cursor.
	opened *storage.Summary
	// mark is what D compares the request on screen with; m sets it.
	mark   *storage.Summary
	target string // base URL replays go to; "" until the user gives one
	w, h   int
	// Detail loads: at most one in flight; the latest wish wins.
	loading, want  int64
	deliveriesLoad oneAtATime
}

type focusArea int

const (
	focusList focusArea = iota
	focusDetail
)

// splitWidth is where the list and the detail fit side by side; below it the
// detail takes the whole width and enter/esc switch between them.
const splitWidth = 140

// requestsMsg marks the messages of the requests screen; the root hands
// every one of them to it.
type requestsMsg interface{ forRequests() }

type (
	detailMsg struct {
		id  int64
		req *storage.Request
		doc *bodyDoc
		err error
		// with the request, what its deliveries tab and overview show
		deliveries deliveriesMsg
	}
	deletedMsg struct {
		id   int64
		what string
		err  error
	}
)

func (pageMsg) forRequests()       {}
func (recheckMsg) forRequests()    {}
func (detailMsg) forRequests()     {}
func (deliveriesMsg) forRequests() {}
func (jsonIndexMsg) forRequests()  {}
func (deletedMsg) forRequests()    {}
func (targetMsg) forRequests()     {}
func (sentMsg) forRequests()       {}
func (clipboardMsg) forRequests()  {}
func (editLoadedMsg) forRequests() {}
func (diffMsg) forRequests()       {}

func newRequestsScreen(c *common) *requestsScreen {
	return &requestsScreen{common: c, list: newRequestList(c), detail: newDetail(c)}
}

func (r *requestsScreen) init() tea.Cmd { return tea.Batch(r.list.reload(), r.loadTarget()) }

func (r *requestsScreen) split() bool { return r.w >= splitWidth }

func (r *requestsScreen) setSize(w, h int) tea.Cmd {
	r.w, r.h = w, h
	r.detail.wide = w >= sideBySideW
	if r.split() {
		// The list keeps room for every column users scan, a whole event
		// name among them; the detail gets the rest, from about 160 columns
		// enough for request and response side by side.
		lw := min(max(w*2/5, 65), 80)
		r.list.setSize(lw, h)
		r.detail.setSize(w-lw, h)
	} else {
		r.list.setSize(w, h)
		r.detail.setSize(w, h)
	}
	return r.syncDetail()
}

// shownID is the request the detail shows: the opened one, else, beside
// the list, the row under the cursor.
func (r *requestsScreen) shownID() int64 {
	switch {
	case r.opened != nil:
		return r.opened.ID
	case r.split():
		if s := r.list.selected(); s != nil {
			return s.ID
		}
	}
	return 0
}

// onScreen is the request keys act on: the opened one, else the row under
// the cursor.
func (r *requestsScreen) onScreen() *storage.Summary {
	if r.opened != nil {
		return r.opened
	}
	return r.list.selected()
}

// open shows the request under the cursor in the detail, and keeps it
// there until the user goes back.
func (r *requestsScreen) open() tea.Cmd {
	s := r.list.selected()
	if s == nil {
		return nil
	}
	c := *s
	r.opened, r.focus = &c, focusDetail
	r.list.follow = false
	return r.syncDetail()
}

func (r *requestsScreen) back() tea.Cmd {
	r.opened, r.focus = nil, focusList
	return r.syncDetail()
}

// syncDetail loads the request the detail should show. One load runs at a
// time; when it returns, the newest wish is loaded next, so holding j never
// queues a load per row.
func (r *requestsScreen) syncDetail() tea.Cmd {
	id := r.shownID()
	r.want = id
	if id == 0 || id == r.detail.loadedID || r.loading != 0 {
		// Loaded, or failed to load: a failure is shown, not retried in a
		// loop; moving away and back tries again.
		return nil
	}
	r.loading = id
	c := r.common
	return func() tea.Msg {
		req, err := c.db.GetRequest(c.run, id)
		if err != nil {
			return detailMsg{id: id, err: err}
		}
		return detailMsg{id: id, req: req, doc: analyseBody(req), deliveries: readDeliveries(c, req.Summary)}
	}
}

// detailLoaded shows a request read for the detail, if it is still the
// one wanted; one deleted meanwhile leaves the list, and the detail says
// so rather than showing another.
func (r *requestsScreen) detailLoaded(msg detailMsg) tea.Cmd {
	r.loading = 0
	var index, gone tea.Cmd
	if msg.id == r.want {
		err := msg.err
		if errors.Is(err, storage.ErrNotFound) {
			err = fmt.Errorf("request #%d is gone: deleted, or pruned by --keep/--keep-for", msg.id)
			gone = r.list.removed(msg.id)
		}
		r.detail.set(msg.req, msg.doc, err)
		r.detail.loadedID = msg.id
		r.detail.setDeliveries(msg.id, msg.deliveries.list, msg.deliveries.err)
		r.detail.setArrivals(msg.id, msg.deliveries.arrivals)
		r.setSize(r.w, r.h)
		index = r.detail.indexCmd()
	}
	return tea.Batch(gone, r.syncDetail(), index)
}

// committed follows a commit: new rows in the list, rows retention
// removed, outcomes, and the shown request's deliveries.
func (r *requestsScreen) committed() tea.Cmd {
	return tea.Batch(r.list.arrived(r.common.db.LastRequestID()), r.syncDetail(), r.list.recheck(), r.reloadDeliveries())
}

// reloadDeliveries rereads the attempts of the request in the detail,
// whichever tab is up: the tab's count and list are current when opened.
// The delivery's arrivals come with them: a retry may have just arrived.
func (r *requestsScreen) reloadDeliveries() tea.Cmd {
	id := r.detail.id()
	if id == 0 || id != r.shownID() {
		return nil
	}
	return r.deliveriesLoad.run(r.reloadDeliveries, loadDeliveries(r.common, r.detail.req.Summary))
}

// update takes the screen's own messages.
func (r *requestsScreen) update(msg requestsMsg) (tea.Cmd, layer) {
	switch msg := msg.(type) {
	case pageMsg:
		cmd := r.list.apply(msg)
		return tea.Batch(cmd, r.syncDetail()), nil
	case recheckMsg:
		return tea.Batch(r.list.rechecked(msg), r.syncDetail()), nil
	case detailMsg:
		return r.detailLoaded(msg), nil
	case deliveriesMsg:
		r.detail.setDeliveries(msg.id, msg.list, msg.err)
		r.detail.setArrivals(msg.id, msg.arrivals)
	case jsonIndexMsg:
		r.detail.adoptIndex(msg)
	case deletedMsg:
		return r.deleted(msg), nil
	case targetMsg:
		if r.target == "" {
			r.target = msg.url
		}
	case sentMsg:
		return r.sent(msg), nil
	case clipboardMsg:
		return r.clipboard(msg), nil
	case diffMsg:
		return r.diffed(msg)
	case editLoadedMsg:
		if msg.err != nil {
			return note("✗ " + msg.err.Error()), nil
		}
		return nil, newEditForm(r.common, msg.req, r.target)
	}
	return nil, nil
}

// deleted says how a deletion went and takes the row out of the list.
func (r *requestsScreen) deleted(msg deletedMsg) tea.Cmd {
	if msg.err != nil {
		return note(fmt.Sprintf("✗ %s not deleted: %v", msg.what, msg.err))
	}
	cmd := r.list.removed(msg.id)
	if r.opened != nil && r.opened.ID == msg.id {
		cmd = tea.Batch(cmd, r.back())
	}
	return tea.Batch(note("deleted "+msg.what), cmd, r.syncDetail())
}

func (r *requestsScreen) render(w, h int) string {
	switch {
	case r.split():
		return joinColumns(r.list.render(r.focus == focusList), r.detail.render(r.focus == focusDetail))
	case r.focus == focusDetail:
		return r.detail.render(true)
	}
	return r.list.render(true)
}

// arrivalsHidden announces arrivals while the detail hides the list
// ("▲ 3 new"), "" otherwise: the list's title says it when it is shown.
func (r *requestsScreen) arrivalsHidden() string {
	if r.split() || r.focus != focusDetail {
		return ""
	}
	return r.list.arrivals()
}

// describe names a request in flashes: "#12 POST /stripe".
func describe(s *storage.Summary) string {
	return fmt.Sprintf("#%d %s %s", s.ID, sanitize.Line(s.Method), displayPath(s.Path()))
}

// bindings are the keys that work here now, most needed first: nothing
// that acts on a request while there is none.
func (r *requestsScreen) bindings() []key.Binding {
	k := &r.common.keys
	var binds []key.Binding
	if r.focus == focusDetail {
		binds = append(binds, k.Detail.Back, k.List.Search, k.Detail.NextTab)
	} else {
		if r.list.query != nil {
			binds = append(binds, k.List.ClearSearch)
		}
		binds = append(binds, k.List.Search)
		if r.list.selected() != nil {
			binds = append(binds, k.List.Down, k.List.Open)
		}
	}
	if r.onScreen() != nil {
		if r.common.deps.Sender != nil {
			binds = append(binds, k.Send.Replay, k.Send.Edit)
		}
		binds = append(binds, k.Send.CopyCurl)
		if r.mark != nil && r.mark.ID != r.onScreen().ID {
			binds = append(binds, k.List.Diff)
		}
	}
	if r.focus == focusDetail {
		binds = append(binds, k.Detail.Down, k.Detail.Raw, k.Detail.Wrap, k.List.Delete)
	} else {
		if r.list.selected() != nil {
			binds = append(binds, k.List.Follow, k.List.Top, k.List.Delete)
		}
		binds = append(binds, k.Global.CopyURL, k.Global.Subscriptions, k.Global.Settings)
	}
	return binds
}
