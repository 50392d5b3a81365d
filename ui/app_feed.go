package ui

import (
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/storage"
)

// What keeps the screen current: the commits the writer announces, the
// tunnel's state, the storage health and the request under the cursor.

// waitTunnel turns the tunnel's coalescing change signal into a message.
func (a *App) waitTunnel() tea.Cmd {
	if p := a.common.deps.Public; p != nil {
		return a.waitFor(p.Changes(), tunnelMsg{})
	}
	return nil
}

// waitDB waits for the writer to say something was committed. The channel
// coalesces, so a burst is one message.
func (a *App) waitDB() tea.Cmd { return a.waitFor(a.watch, dbChangedMsg{}) }

// waitFor blocks in a Cmd goroutine, never in Update, until ch signals,
// and then says msg; it ends quietly when the UI quits.
func (a *App) waitFor(ch <-chan struct{}, msg tea.Msg) tea.Cmd {
	if !a.live {
		return nil
	}
	done := a.common.run.Done()
	return func() tea.Msg {
		select {
		case <-ch:
			return msg
		case <-done:
			return nil
		}
	}
}

func (a *App) healthTick() tea.Cmd {
	if !a.live {
		return nil
	}
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return healthTickMsg{} })
}

func (a *App) countCmd() tea.Cmd {
	if !a.counting.start() {
		return nil
	}
	db := a.common.db
	return func() tea.Msg {
		n, _ := db.CountRequests(a.common.run)
		lag, _ := db.IndexLag(a.common.run)
		return countMsg{n, lag}
	}
}

func (a *App) noteOverload(now time.Time) {
	f := a.common.deps.Overloaded
	if f == nil {
		return
	}
	n := f()
	if n > a.overloaded {
		a.busy += n - a.overloaded
		a.overloaded, a.overloadedAt = n, now
	}
	if a.busy > 0 && now.Sub(a.overloadedAt) > busyShown {
		a.busy = 0
	}
}

// syncDetail loads the selected request when the detail is on screen and
// shows another one. One load runs at a time; when it returns, the newest
// selection is loaded next, so holding j never queues a load per row.
func (a *App) syncDetail() tea.Cmd {
	sel := a.list.selected()
	if sel == nil || (!a.split() && a.focus != focusDetail) {
		return nil
	}
	if sel.ID == a.detail.loadedID {
		// Loaded, or failed to load: a failure is shown, not retried in a
		// loop; moving away and back tries again.
		a.want = sel.ID
		return nil
	}
	a.want = sel.ID
	if a.loading != 0 {
		return nil
	}
	a.loading = sel.ID
	db, id := a.common.db, sel.ID
	return func() tea.Msg {
		r, err := db.GetRequest(a.common.run, id)
		if err != nil {
			return detailMsg{id: id, err: err}
		}
		dl, _ := db.ListDeliveries(a.common.run, storage.DeliveryFilter{RequestID: id, Limit: deliveriesShown})
		return detailMsg{id: id, req: r, doc: analyseBody(r), deliveries: dl}
	}
}

// committed follows a commit: new rows in the list, the count, the
// detail, and the deliveries or events on screen.
func (a *App) committed() tea.Cmd {
	var deliveries tea.Cmd
	if a.screen == screenSubs {
		deliveries = a.subs.refresh()
	}
	if a.detailVisible() && a.detail.tab == tabDeliveries && a.detail.id() != 0 {
		deliveries = loadDeliveries(a.common, a.detail.id())
	}
	return tea.Batch(a.list.arrived(a.common.db.LastRequestID()), a.countCmd(), a.waitDB(), a.syncDetail(),
		a.list.refreshOutcomes(), deliveries)
}

// detailLoaded shows a request read for the detail, if it is still the
// one wanted; one deleted meanwhile leaves the list too.
func (a *App) detailLoaded(msg detailMsg) tea.Cmd {
	a.loading = 0
	var index, gone tea.Cmd
	if msg.id == a.want {
		err := msg.err
		if errors.Is(err, storage.ErrNotFound) {
			err = fmt.Errorf("request #%d is gone: deleted, or pruned by --keep/--keep-for", msg.id)
			gone = a.list.removed(msg.id)
		}
		a.detail.set(msg.req, msg.doc, err)
		a.detail.loadedID = msg.id
		if gone != nil || errors.Is(msg.err, storage.ErrNotFound) {
			a.detail.loadedID = 0 // the cursor moved to another row: load it
		}
		a.detail.deliveries = msg.deliveries
		a.layout()
		index = a.detail.indexCmd()
	}
	return tea.Batch(gone, a.syncDetail(), index)
}

// deleted says how a deletion went and takes the row out of the list.
func (a *App) deleted(msg deletedMsg) tea.Cmd {
	if msg.err != nil {
		a.flash = "not deleted: " + msg.err.Error()
		return nil
	}
	a.flash = fmt.Sprintf("deleted request #%d", msg.id)
	return tea.Batch(a.list.removed(msg.id), a.countCmd(), a.syncDetail())
}
