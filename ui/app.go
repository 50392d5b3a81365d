// Package ui is gaff's Bubble Tea interface: one root model that owns
// layout and routing, and components (list, detail, help) that expose plain
// methods and render into the size they are given. No I/O happens in Update:
// every read is a tea.Cmd whose result comes back as a message.
package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gaff/capture"
	"gaff/policy"
	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
	"gaff/tunnel"
)

// Deps is what the UI is given by main.
type Deps struct {
	DB *storage.DB
	// Local is the listener on this machine; it always works.
	Local tunnel.Tunnel
	// Public is the ngrok tunnel, or nil when gaff runs local only.
	Public tunnel.Tunnel
	// Health reports a storage failure that is refusing captures.
	Health func() *capture.Failure
	// Policy is how captures are answered; the settings screen edits it.
	Policy *policy.Layered
	// Sender replays and sends edited requests; nil hides those keys.
	Sender *send.Sender
	// Dispatcher delivers subscription events; the subscriptions screen
	// fires and retries through it.
	Dispatcher *send.Dispatcher
	// ForwardTo is where --forward-to sends every capture, "" when off.
	ForwardTo string
	// Overloaded counts captures turned away (503) because the bodies in
	// flight filled their budget.
	Overloaded func() int64
}

// common is what every component is handed: dependencies, styles, keys
// and the run they belong to.
type common struct {
	db     *storage.DB
	deps   Deps
	styles Styles
	keys   KeyMap
	// run is cancelled when the UI quits: commands still reading the
	// database or sending a request stop, and watchers end.
	run    context.Context
	cancel context.CancelFunc
	// selectedRequest is the request under the cursor on the requests
	// screen (a subscription can fire it as a template).
	selectedRequest func() *storage.Summary
}

// hookURL is the URL to paste into a provider: the public one once ngrok
// has it, the local one otherwise.
func (s *common) hookURL() string {
	if p := s.deps.Public; p != nil && p.URL() != "" {
		return p.URL()
	}
	return s.localURL()
}

func (s *common) localURL() string {
	if s.deps.Local == nil {
		return ""
	}
	return s.deps.Local.URL()
}

type screenID int

const (
	screenRequests screenID = iota
	screenSettings
	screenSubs
)

type focusArea int

const (
	focusList focusArea = iota
	focusDetail
)

// splitWidth is where the list and the detail fit side by side; below it the
// detail takes the whole width and enter/esc switch between them.
const splitWidth = 110

// App is the root model.
type App struct {
	common   *common
	list     *requestList
	detail   *detail
	settings *settingsScreen
	subs     *subsScreen
	screen   screenID
	prompt   *prompt   // one-line input over the help bar, when open
	edit     *editForm // the edit-and-send form, when open
	focus    focusArea
	showHelp bool
	helpView *textView // the help's scroll position while it is open
	flash    string    // one-shot message in the help bar ("copied …")
	target   string    // base URL replays go to; "" until the user gives one
	w, h     int
	count    int64

	watch     <-chan struct{}
	stopWatch func()
	// live is false in tests that drive Update by hand: they deliver
	// dbChangedMsg themselves instead of waiting on the feed or a clock.
	live bool
	// Overload refusals: the count last seen, when it last grew, and how
	// many since the warning appeared (shown for a while after each).
	overloaded   int64
	overloadedAt time.Time
	busy         int64
	// One reload of each kind in flight (see oneAtATime).
	counting, deliveriesLoad oneAtATime
	// Detail loads: at most one in flight; the latest wish wins.
	loading int64
	want    int64
}

// New builds the UI.
func New(deps Deps) *App {
	c := &common{db: deps.DB, deps: deps, styles: DefaultStyles(), keys: DefaultKeys()}
	c.run, c.cancel = context.WithCancel(context.Background())
	var a *App
	c.selectedRequest = func() *storage.Summary { return a.list.selected() }
	a = &App{common: c, list: newRequestList(c), detail: newDetail(c), settings: newSettingsScreen(c), subs: newSubsScreen(c), w: 80, h: 24, live: true}
	a.watch, a.stopWatch = deps.DB.Watch()
	return a
}

type (
	dbChangedMsg struct{}
	countMsg     struct{ n, lag int64 }
	detailMsg    struct {
		id         int64
		req        *storage.Request
		doc        *bodyDoc
		deliveries []*storage.Delivery
		err        error
	}
	healthTickMsg struct{}
	deletedMsg    struct {
		id  int64
		err error
	}
	tunnelMsg struct{}
)

// Init loads the first page and starts listening for new captures.
func (a *App) Init() tea.Cmd {
	return tea.Batch(a.list.reload(), a.countCmd(), a.waitDB(), a.healthTick(), a.waitTunnel(), a.loadTarget())
}

// waitTunnel turns the tunnel's coalescing change signal into a message.
func (a *App) waitTunnel() tea.Cmd {
	p := a.common.deps.Public
	if !a.live || p == nil {
		return nil
	}
	done := a.common.run.Done()
	return func() tea.Msg {
		select {
		case <-p.Changes():
			return tunnelMsg{}
		case <-done:
			return nil
		}
	}
}

// waitDB blocks in a Cmd goroutine, never in Update, until the writer says
// something was committed. The channel coalesces, so a burst is one message.
func (a *App) waitDB() tea.Cmd {
	if !a.live {
		return nil
	}
	ch, done := a.watch, a.common.run.Done()
	return func() tea.Msg {
		select {
		case <-ch:
			return dbChangedMsg{}
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

// busyShown is how long the header says captures were turned away.
const busyShown = 10 * time.Second

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

func (a *App) split() bool { return a.w >= splitWidth }

// detailVisible: the detail pane is on screen (beside the list, or alone).
func (a *App) detailVisible() bool {
	return a.screen == screenRequests && (a.split() || a.focus == focusDetail)
}

// Update routes messages; it never does I/O.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h = msg.Width, msg.Height
		a.layout()
		return a, a.syncDetail()
	case tea.KeyPressMsg:
		return a, a.key(msg)
	case subsLoadedMsg, eventsLoadedMsg, attemptsLoadedMsg, subsDoneMsg, templatesMsg, payloadMsg:
		return a, a.subs.update(msg)
	case dbChangedMsg:
		var deliveries tea.Cmd
		if a.screen == screenSubs {
			deliveries = a.subs.refresh()
		}
		if a.detailVisible() && a.detail.tab == tabDeliveries && a.detail.id() != 0 {
			deliveries = loadDeliveries(a.common, a.detail.id())
		}
		return a, tea.Batch(a.list.arrived(a.common.db.LastRequestID()), a.countCmd(), a.waitDB(), a.syncDetail(),
			a.list.refreshOutcomes(), deliveries)
	case outcomesMsg:
		a.list.addOutcomes(msg.outcomes)
		if a.list.outcomesLoad.done() {
			return a, a.list.refreshOutcomes()
		}
	case deliveriesMsg:
		a.detail.setDeliveries(msg.id, msg.list)
		if a.deliveriesLoad.done() && a.detail.id() != 0 && a.deliveriesLoad.start() {
			return a, loadDeliveries(a.common, a.detail.id())
		}
	case targetMsg:
		if a.target == "" {
			a.target = msg.url
		}
	case sentMsg:
		return a, a.sent(msg)
	case editLoadedMsg:
		if msg.err != nil {
			a.flash = "✗ " + msg.err.Error()
			return a, nil
		}
		a.edit = newEditForm(a.common, msg.req, a.target)
	case editorBodyMsg:
		if a.edit != nil {
			a.edit.setBody(msg)
		}
	case execMsg:
		return a, msg.cmd
	case clipboardMsg:
		return a, a.clipboard(msg)
	case countMsg:
		a.count, a.list.lag = msg.n, msg.lag
		if a.counting.done() {
			return a, a.countCmd()
		}
	case pageMsg:
		cmd := a.list.apply(msg)
		return a, tea.Batch(cmd, a.syncDetail())
	case detailMsg:
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
		return a, tea.Batch(gone, a.syncDetail(), index)
	case jsonIndexMsg:
		a.detail.adoptIndex(msg)
	case healthTickMsg:
		a.noteOverload(time.Now())
		a.layout() // a storage failure adds a banner line
		return a, a.healthTick()
	case tunnelMsg:
		a.layout()
		return a, a.waitTunnel()
	case policySavedMsg:
		return a, a.settings.saved(msg)
	case responseReadMsg:
		return a, a.settings.responseRead(msg)
	case deletedMsg:
		if msg.err != nil {
			a.flash = "not deleted: " + msg.err.Error()
			return a, nil
		}
		a.flash = fmt.Sprintf("deleted request #%d", msg.id)
		return a, tea.Batch(a.list.removed(msg.id), a.countCmd(), a.syncDetail())
	default:
		if a.prompt != nil {
			// The input's own messages (cursor blink).
			_, cmd := a.prompt.update(msg)
			return a, cmd
		}
	}
	return a, nil
}

func (a *App) key(msg tea.KeyPressMsg) tea.Cmd {
	a.flash = ""
	k := &a.common.keys
	if key.Matches(msg, k.Global.ForceQuit) {
		return a.quit()
	}
	if a.prompt != nil {
		done, cmd := a.prompt.update(msg)
		if done {
			a.prompt = nil
			a.layout()
		}
		return cmd
	}
	if a.edit != nil {
		done, cmd := a.edit.key(a, msg)
		if done {
			a.edit = nil
		}
		return cmd
	}
	if a.screen == screenSubs && (a.subs.form != nil || a.subs.pick != nil) {
		// A form owns every key but ctrl+c: typing "q" or "c" is text.
		cmd, p := a.subs.key(msg)
		a.openPrompt(p)
		return cmd
	}
	if a.showHelp {
		// j/k scroll; any other key closes help; q still quits.
		a.renderHelp(a.w, a.bodyH()) // lay the help out for this size
		if v := a.helpView; v != nil {
			switch {
			case key.Matches(msg, k.List.Down):
				v.down(1)
				return nil
			case key.Matches(msg, k.List.Up):
				v.up(1)
				return nil
			case key.Matches(msg, k.List.PageDown):
				v.down(max(1, v.h-1))
				return nil
			}
		}
		a.showHelp, a.helpView = false, nil
		if key.Matches(msg, k.Global.Quit) {
			return a.quit()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Global.Quit):
		return a.quit()
	case key.Matches(msg, k.Global.Help):
		a.showHelp = true
		return nil
	case key.Matches(msg, k.Global.CopyURL):
		a.flash = "copied " + a.common.hookURL()
		return tea.SetClipboard(a.common.hookURL())
	}
	if a.screen == screenSubs {
		if a.subs.attemptsOf == 0 && key.Matches(msg, k.Subs.Back) {
			a.screen = screenRequests
			return nil
		}
		cmd, p := a.subs.key(msg)
		a.openPrompt(p)
		return cmd
	}
	if a.screen == screenSettings {
		if key.Matches(msg, k.Settings.Back) {
			a.screen = screenRequests
			return nil
		}
		cmd, p := a.settings.key(msg)
		a.openPrompt(p)
		return cmd
	}
	if key.Matches(msg, k.Global.Settings) {
		a.screen = screenSettings
		a.settings.rebuild()
		return nil
	}
	if key.Matches(msg, k.Global.Subscriptions) {
		a.screen = screenSubs
		return a.subs.reload()
	}
	if a.common.deps.Sender != nil {
		switch {
		case key.Matches(msg, k.Send.Replay):
			return a.replay(false)
		case key.Matches(msg, k.Send.ReplayResigned):
			return a.replay(true)
		case key.Matches(msg, k.Send.Target):
			a.openPrompt(a.targetPrompt(nil))
			return nil
		case key.Matches(msg, k.Send.Edit):
			return a.openEditForm()
		}
	}
	if key.Matches(msg, k.Send.CopyCurl) {
		return a.copyCurl()
	}
	if a.focus == focusDetail {
		return a.detailKey(msg)
	}
	return a.listKey(msg)
}

func (a *App) quit() tea.Cmd {
	a.Close()
	return tea.Quit
}

// Close ends what the UI started: its commands' context and the live feed.
// Call it when the program ends by other means than a key (a signal).
func (a *App) Close() {
	a.common.cancel()
	a.stopWatch()
}

func (a *App) listKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &a.common.keys.List
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, k.Up):
		cmd = a.list.move(-1)
	case key.Matches(msg, k.Down):
		cmd = a.list.move(1)
	case key.Matches(msg, k.PageUp):
		cmd = a.list.move(-a.list.innerH())
	case key.Matches(msg, k.PageDown):
		cmd = a.list.move(a.list.innerH())
	case key.Matches(msg, k.Top):
		cmd = a.list.home()
	case key.Matches(msg, k.Bottom):
		cmd = a.list.end()
	case key.Matches(msg, k.Search):
		a.openPrompt(a.searchPrompt())
	case key.Matches(msg, k.ClearSearch) && a.list.query != nil:
		cmd = a.list.search(nil)
	case key.Matches(msg, k.Delete):
		a.openPrompt(a.deletePrompt())
	case key.Matches(msg, k.Open), key.Matches(msg, a.common.keys.Detail.NextTab) && a.split():
		if a.list.selected() != nil {
			a.focus = focusDetail
			a.layout()
		}
	}
	return tea.Batch(cmd, a.syncDetail())
}

func (a *App) detailKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &a.common.keys.Detail
	d := a.detail
	v := d.view()
	switch {
	case key.Matches(msg, k.Back):
		a.focus = focusList
		a.layout()
	case key.Matches(msg, a.common.keys.List.Search):
		// Searching is about the list: go back to it with the prompt open.
		a.focus = focusList
		a.openPrompt(a.searchPrompt())
	case key.Matches(msg, k.NextTab):
		d.nextTab(1)
	case key.Matches(msg, k.PrevTab):
		d.nextTab(-1)
	case key.Matches(msg, k.Raw):
		d.toggleRaw()
	case key.Matches(msg, k.Wrap):
		d.toggleWrap()
	case v == nil:
	case key.Matches(msg, k.Up):
		v.up(1)
	case key.Matches(msg, k.Down):
		v.down(1)
	case key.Matches(msg, k.PageUp):
		v.up(max(1, v.h-1))
	case key.Matches(msg, k.PageDown):
		v.down(max(1, v.h-1))
	case key.Matches(msg, k.Top):
		v.top()
	case key.Matches(msg, k.Bottom):
		d.bottom(v)
	}
	return nil
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

// searchPrompt filters the list as the user types; each keystroke starts a
// query in a Cmd and results of older keystrokes are dropped by the list.
func (a *App) searchPrompt() *prompt {
	prev := a.list.query
	value := ""
	if prev != nil {
		value = prev.Raw
	}
	p := newPrompt("search", value, false, func(string) (tea.Cmd, error) { return nil, nil })
	p.hint = "method:POST status:4xx path:/github* provider:stripe header:X-GitHub-Event=push sig:invalid since:10m · enter keep · esc cancel"
	p.change = func(v string) (tea.Cmd, error) {
		q, err := storage.ParseQuery(v)
		if err != nil {
			return nil, err
		}
		return a.list.search(q), nil
	}
	p.cancel = func() tea.Cmd { return a.list.search(prev) }
	return p
}

// deletePrompt asks before deleting the selected request.
func (a *App) deletePrompt() *prompt {
	sel := a.list.selected()
	if sel == nil {
		return nil
	}
	id, db := sel.ID, a.common.db
	return newConfirm(fmt.Sprintf("delete request #%d %s %s", id, sanitize.Line(sel.Method), sanitize.Line(sel.Path())), func() tea.Cmd {
		return func() tea.Msg {
			if err := db.DeleteRequest(context.Background(), id); err != nil {
				return deletedMsg{id: id, err: err}
			}
			return deletedMsg{id: id}
		}
	})
}

func (a *App) openPrompt(p *prompt) {
	if p != nil {
		a.prompt = p
		a.layout()
	}
}

// bodyH is what the panes get: the terminal less the header, any banner,
// and the help bar (or the open prompt).
func (a *App) bodyH() int {
	bottom := 1
	if a.prompt != nil {
		bottom = 2
	}
	return max(3, a.h-1-bottom-len(a.banner()))
}

func (a *App) layout() {
	bodyH := a.bodyH()
	if a.split() {
		lw := min(max(a.w*2/5, 40), 72)
		a.list.setSize(lw, bodyH)
		a.detail.setSize(a.w-lw, bodyH)
		return
	}
	a.list.setSize(a.w, bodyH)
	a.detail.setSize(a.w, bodyH)
}

// View draws header, panes and help bar at exactly the terminal size.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.WindowTitle = "gaff"
	return v
}

func (a *App) render() string {
	header := a.header()
	var body string
	switch {
	case a.showHelp:
		body = a.renderHelp(a.w, a.bodyH())
	case a.edit != nil:
		body = a.edit.render(a.w, a.bodyH())
	case a.screen == screenSettings:
		body = a.settings.render(a.w, a.bodyH())
	case a.screen == screenSubs:
		body = a.subs.render(a.w, a.bodyH())
	case a.split():
		body = joinColumns(a.list.render(a.focus == focusList), a.detail.render(a.focus == focusDetail))
	case a.focus == focusDetail:
		body = a.detail.render(true)
	default:
		body = a.list.render(true)
	}
	if b := a.banner(); len(b) > 0 {
		header += "\n" + strings.Join(b, "\n")
	}
	bottom := a.helpBar()
	if a.prompt != nil {
		bottom = strings.Join(a.prompt.render(&a.common.styles, a.w), "\n")
	}
	return header + "\n" + body + "\n" + bottom
}
