// Package ui is gaff's Bubble Tea interface: one root model that routes
// messages and composes the screens and the overlay stack, and components
// (requests, settings, subscriptions, forms, help) that expose plain
// methods and render into the size they are given. No I/O happens in
// Update: every read is a tea.Cmd whose result comes back as a message.
package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gaff/capture"
	"gaff/policy"
	"gaff/send"
	"gaff/storage"
	"gaff/team"
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
	// Team is the team connection's state, nil without --team.
	Team func() team.State
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
	// now is the clock the list dates its rows by; tests pin it.
	now func() time.Time
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

// App is the root model: it routes messages and composes the header, the
// screen, the overlays and the help bar.
type App struct {
	common   *common
	requests *requestsScreen
	settings *settingsScreen
	subs     *subsScreen
	screen   screenID
	layers   stack
	flash    flashes
	w, h     int
	count    int64

	watch     <-chan struct{}
	lastDB    time.Time // when the last dbChangedMsg was made
	stopWatch func()
	// live is false in tests that drive Update by hand: they deliver
	// dbChangedMsg themselves instead of waiting on the feed or a clock.
	live bool
	// Overload refusals: the count last seen, when it last grew, and how
	// many since the warning appeared (shown for a while after each).
	overloaded   int64
	overloadedAt time.Time
	busy         int64
	counting     oneAtATime
}

// New builds the UI.
func New(deps Deps) *App {
	c := &common{db: deps.DB, deps: deps, styles: DefaultStyles(), keys: DefaultKeys(), now: time.Now}
	c.run, c.cancel = context.WithCancel(context.Background())
	a := &App{common: c, requests: newRequestsScreen(c), settings: newSettingsScreen(c), subs: newSubsScreen(c), w: 80, h: 24, live: true}
	a.watch, a.stopWatch = deps.DB.Watch()
	return a
}

type (
	dbChangedMsg  struct{ at time.Time }
	countMsg      struct{ n, lag int64 }
	healthTickMsg struct{}
	tunnelMsg     struct{}
	quitMsg       struct{}
)

// layerMsg marks messages for a layer wherever it is in the stack (what
// $EDITOR wrote, for the edit form beneath a prompt).
type layerMsg interface{ forLayers() }

// Init loads the first page and starts listening for new captures.
func (a *App) Init() tea.Cmd {
	return tea.Batch(a.requests.init(), a.countCmd(), a.waitDB(), a.healthTick(), a.waitTunnel())
}

// busyShown is how long the header says captures were turned away.
const busyShown = 10 * time.Second

// Update routes messages; it never does I/O. Each screen's messages carry
// its marker, so a message type cannot exist without reaching its screen.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	return a, a.route(msg)
}

func (a *App) route(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h = msg.Width, msg.Height
		return a.layout()
	case tea.KeyPressMsg:
		return a.key(msg)
	case landedMsg:
		return tea.Batch(a.route(msg.msg), msg.landed())
	case requestsMsg:
		return a.open(a.requests.update(msg))
	case subsMsg:
		return a.open(a.subs.update(msg))
	case settingsMsg:
		return a.open(a.settings.update(msg))
	case layerMsg:
		var cmds []tea.Cmd
		for _, l := range a.layers {
			if u, ok := l.(interface{ update(tea.Msg) tea.Cmd }); ok {
				cmds = append(cmds, u.update(msg))
			}
		}
		return tea.Batch(cmds...)
	case flashMsg:
		a.flash.add(msg.text, time.Now())
		return a.layout()
	case quitMsg:
		return a.quit()
	case dbChangedMsg:
		a.lastDB = msg.at
		return a.committed()
	case execMsg:
		return msg.cmd
	case countMsg:
		a.count, a.requests.list.lag = msg.n, msg.lag
	case healthTickMsg:
		a.noteOverload(time.Now())
		// A storage failure adds a banner line; another process may have
		// stored a delivery of the request on screen.
		return tea.Batch(a.layout(), a.requests.reloadDeliveries(), a.healthTick())
	case tunnelMsg:
		return tea.Batch(a.layout(), a.waitTunnel())
	default:
		if u, ok := a.layers.top().(interface{ update(tea.Msg) tea.Cmd }); ok {
			return u.update(msg) // the input's own messages (cursor blink)
		}
	}
	return nil
}

// open runs cmd and puts l, if any, on the overlay stack.
func (a *App) open(cmd tea.Cmd, l layer) tea.Cmd {
	if l != nil {
		a.layers.push(l)
		return tea.Batch(cmd, a.layout())
	}
	return cmd
}

// Close ends what the UI started: its commands' context and the live feed.
// Call it when the program ends by other means than a key (a signal).
func (a *App) Close() {
	a.common.cancel()
	a.stopWatch()
}

// bottom is the help bar, or the flash, or the prompt on top.
func (a *App) bottom() []string {
	st := &a.common.styles
	if p := a.layers.topLine(); p != nil {
		return p.lines(st, a.w)
	}
	if f := a.flash.lines(st, a.w); f != nil {
		return f
	}
	return []string{st.renderBindings(a.bindings(), a.w)}
}

// bindings is the help bar of the layer in focus.
func (a *App) bindings() []key.Binding {
	if l := a.layers.top(); l != nil {
		return l.bindings()
	}
	g := &a.common.keys.Global
	var binds []key.Binding
	switch a.screen {
	case screenSettings:
		binds = a.settings.bindings()
	case screenSubs:
		binds = a.subs.bindings()
	default:
		binds = a.requests.bindings()
	}
	return append(binds, g.Help, g.Quit)
}

// bodyH is what the screen gets: the terminal less the header, any banner,
// and the bottom lines.
func (a *App) bodyH() int {
	return max(3, a.h-1-len(a.bottom())-len(a.banner()))
}

func (a *App) layout() tea.Cmd { return a.requests.setSize(a.w, a.bodyH()) }

// View draws header, screen and help bar at exactly the terminal size.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.WindowTitle = "gaff"
	return v
}

func (a *App) render() string {
	header := a.header()
	bodyH := a.bodyH()
	var body string
	switch top := a.layers.topBody(); {
	case top != nil:
		body = top.render(a.w, bodyH)
	case a.screen == screenSettings:
		body = a.settings.render(a.w, bodyH)
	case a.screen == screenSubs:
		body = a.subs.render(a.w, bodyH)
	default:
		body = a.requests.render(a.w, bodyH)
	}
	if b := a.banner(); len(b) > 0 {
		header += "\n" + strings.Join(b, "\n")
	}
	return header + "\n" + body + "\n" + strings.Join(a.bottom(), "\n")
}
