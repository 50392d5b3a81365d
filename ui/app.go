// Package ui is gaff's Bubble Tea interface: one root model that owns
// layout and routing, and components (list, detail, help) that expose plain
// methods and render into the size they are given. No I/O happens in Update:
// every read is a tea.Cmd whose result comes back as a message.
package ui

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/capture"
	"gaff/policy"
	"gaff/send"
	"gaff/storage"
	"gaff/tunnel"
)

// Deps is what the UI is given by the command line (internal/cli).
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

// busyShown is how long the header says captures were turned away.
const busyShown = 10 * time.Second

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
		return a, a.committed()
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
		return a, a.detailLoaded(msg)
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
		return a, a.deleted(msg)
	default:
		if a.prompt != nil {
			// The input's own messages (cursor blink).
			_, cmd := a.prompt.update(msg)
			return a, cmd
		}
	}
	return a, nil
}

// Close ends what the UI started: its commands' context and the live feed.
// Call it when the program ends by other means than a key (a signal).
func (a *App) Close() {
	a.common.cancel()
	a.stopWatch()
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
