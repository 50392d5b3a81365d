package ui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gaff/provider"
	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
)

// subsScreen is gaff as the origin: outbound subscriptions, the events
// fired at them, and every attempt with its outcome and next retry.
type subsScreen struct {
	common   *common
	subs     []*storage.Subscription
	cursor   int
	events   []*storage.Event
	evCursor int
	onEvents bool // focus on the events pane
	// attempts of one event, when opened with enter
	attemptsOf int64
	attempts   *textView
	status     string
	statusErr  bool
	refreshing oneAtATime
	// template is the request on the requests screen when the user came
	// here: f offers to fire it.
	template *storage.Summary
}

// subsMsg marks the messages of the subscriptions screen.
type subsMsg interface{ forSubs() }

func (subsLoadedMsg) forSubs()     {}
func (eventsLoadedMsg) forSubs()   {}
func (attemptsLoadedMsg) forSubs() {}
func (subsDoneMsg) forSubs()       {}
func (templatesMsg) forSubs()      {}
func (payloadMsg) forSubs()        {}

type (
	subsLoadedMsg struct {
		list []*storage.Subscription
		err  error
		// The events of the subscription selected when the read began.
		evSub    int64
		events   []*storage.Event
		evErr    error
		attempts *attemptsLoadedMsg // of the event open then, if any
	}
	eventsLoadedMsg struct {
		subID int64
		list  []*storage.Event
		err   error
	}
	attemptsLoadedMsg struct {
		eventID int64
		list    []*storage.Delivery
		err     error
	}
	subsDoneMsg struct {
		status string
		err    error
	}
	templatesMsg struct {
		list []provider.Template
		err  error
	}
	payloadMsg struct {
		subID   int64
		subName string
		p       send.Payload
		err     error
	}
)

func newSubsScreen(c *common) *subsScreen { return &subsScreen{common: c} }

func (s *subsScreen) selected() *storage.Subscription {
	if s.cursor < 0 || s.cursor >= len(s.subs) {
		return nil
	}
	return s.subs[s.cursor]
}

func (s *subsScreen) selectedEvent() *storage.Event {
	if s.evCursor < 0 || s.evCursor >= len(s.events) {
		return nil
	}
	return s.events[s.evCursor]
}

func (s *subsScreen) bindings() []key.Binding {
	k := &s.common.keys.Subs
	switch {
	case s.attemptsOf != 0:
		return []key.Binding{k.Back, k.Down}
	case s.onEvents:
		return []key.Binding{k.Back, k.Down, k.Open, k.Retry, k.Cancel, k.Fire, k.Switch}
	}
	if s.selected() == nil {
		return []key.Binding{k.Back, k.New}
	}
	return []key.Binding{k.Back, k.Down, k.Fire, k.New, k.Edit, k.Toggle, k.Delete, k.Switch}
}

// show opens the screen; template is the request on screen, or nil.
func (s *subsScreen) show(template *storage.Summary) tea.Cmd {
	s.template = template
	return s.refresh()
}

func (s *subsScreen) loadEvents() tea.Cmd {
	sub := s.selected()
	if sub == nil {
		return nil
	}
	db, id := s.common.db, sub.ID
	return func() tea.Msg {
		list, err := db.ListEvents(s.common.run, storage.EventFilter{SubscriptionID: id, Limit: 100})
		return eventsLoadedMsg{id, list, err}
	}
}

func (s *subsScreen) loadAttempts(eventID int64) tea.Cmd {
	db := s.common.db
	return func() tea.Msg {
		list, err := db.ListDeliveries(s.common.run, storage.DeliveryFilter{EventID: eventID, Limit: 50})
		return attemptsLoadedMsg{eventID, list, err}
	}
}

// refresh rereads the subscriptions, the selected one's events and the
// open attempts, one refresh at a time: it is called after any commit,
// as attempts land while the screen is up.
func (s *subsScreen) refresh() tea.Cmd {
	db, run, attemptsOf := s.common.db, s.common.run, s.attemptsOf
	var evSub int64
	if sel := s.selected(); sel != nil {
		evSub = sel.ID
	}
	return s.refreshing.run(s.refresh, func() tea.Msg {
		list, err := db.ListSubscriptions(run)
		m := subsLoadedMsg{list: list, err: err, evSub: evSub}
		if evSub != 0 {
			m.events, m.evErr = db.ListEvents(run, storage.EventFilter{SubscriptionID: evSub, Limit: 100})
		}
		if attemptsOf != 0 {
			l, err := db.ListDeliveries(run, storage.DeliveryFilter{EventID: attemptsOf, Limit: 50})
			m.attempts = &attemptsLoadedMsg{attemptsOf, l, err}
		}
		return m
	})
}

// update takes the screen's own messages.
func (s *subsScreen) update(msg subsMsg) (tea.Cmd, layer) {
	switch msg := msg.(type) {
	case subsLoadedMsg:
		if msg.err != nil {
			s.setStatus("", msg.err)
			return nil, nil
		}
		var keep int64
		if sel := s.selected(); sel != nil {
			keep = sel.ID
		}
		s.subs = msg.list
		s.cursor = min(s.cursor, max(0, len(s.subs)-1))
		for i, x := range s.subs {
			if x.ID == keep {
				s.cursor = i
			}
		}
		if msg.attempts != nil {
			s.attemptsLoaded(*msg.attempts)
		}
		if sel := s.selected(); sel != nil && sel.ID == msg.evSub {
			s.eventsLoaded(msg.evSub, msg.events, msg.evErr)
			return nil, nil
		}
		return s.loadEvents(), nil
	case eventsLoadedMsg:
		s.eventsLoaded(msg.subID, msg.list, msg.err)
	case attemptsLoadedMsg:
		s.attemptsLoaded(msg)
	case subsDoneMsg:
		s.setStatus(msg.status, msg.err)
		return s.refresh(), nil
	case templatesMsg:
		return nil, s.openPicker(msg)
	case payloadMsg:
		if msg.err != nil {
			s.setStatus("", msg.err)
			return nil, nil
		}
		return nil, s.payloadForm(msg.subID, msg.subName, msg.p)
	}
	return nil, nil
}

func (s *subsScreen) attemptsLoaded(msg attemptsLoadedMsg) {
	if msg.eventID == s.attemptsOf {
		v := newTextView(deliveryLines(msg.list, msg.err, &s.common.styles))
		if s.attempts != nil {
			v.line, v.row = s.attempts.line, s.attempts.row
		}
		s.attempts = v
	}
}

// eventsLoaded shows the events read for subscription subID, if it is
// still the selected one; a failed read is said, not shown as "no events".
func (s *subsScreen) eventsLoaded(subID int64, list []*storage.Event, err error) {
	if sel := s.selected(); sel == nil || sel.ID != subID {
		return
	}
	if err != nil {
		s.setStatus("", fmt.Errorf("cannot read the events: %w", err))
		return
	}
	s.events = list
	s.evCursor = min(s.evCursor, max(0, len(s.events)-1))
}

func (s *subsScreen) setStatus(status string, err error) {
	s.status, s.statusErr = status, err != nil
	if err != nil {
		s.status = err.Error()
	}
}

// action runs fn in a command and reports its outcome on the screen.
func (s *subsScreen) action(done string, fn func(ctx context.Context) error) tea.Cmd {
	return func() tea.Msg {
		if err := fn(context.Background()); err != nil {
			return subsDoneMsg{err: err}
		}
		return subsDoneMsg{status: done}
	}
}

func (s *subsScreen) key(msg tea.KeyPressMsg) (tea.Cmd, layer) {
	k := &s.common.keys.Subs
	d := s.common.deps.Dispatcher
	if s.attemptsOf != 0 {
		switch {
		case key.Matches(msg, k.Back):
			s.attemptsOf, s.attempts = 0, nil
		case key.Matches(msg, k.Up):
			s.attempts.up(1)
		case key.Matches(msg, k.Down):
			s.attempts.down(1)
		}
		return nil, nil
	}
	sub := s.selected()
	switch {
	case key.Matches(msg, k.Switch):
		s.onEvents = !s.onEvents && len(s.events) > 0
	case key.Matches(msg, k.Up):
		s.move(-1)
		return s.eventsIfMoved(), nil
	case key.Matches(msg, k.Down):
		s.move(1)
		return s.eventsIfMoved(), nil
	case key.Matches(msg, k.New):
		return nil, s.subscriptionForm(nil)
	case key.Matches(msg, k.Edit) && sub != nil:
		return nil, s.subscriptionForm(sub)
	case key.Matches(msg, k.Delete) && sub != nil && !s.onEvents:
		db, id := s.common.db, sub.ID
		return nil, newConfirm(fmt.Sprintf("delete subscription %s and its events", sanitize.Line(sub.Name)), func() tea.Cmd {
			return s.action("deleted "+sub.Name, func(ctx context.Context) error { return db.DeleteSubscription(ctx, id) })
		})
	case key.Matches(msg, k.Toggle) && sub != nil && d != nil:
		on := !sub.Enabled
		word := map[bool]string{true: "enabled ", false: "disabled "}[on]
		return s.action(word+sub.Name, func(ctx context.Context) error { return d.SetEnabled(ctx, sub.ID, on, "switched off in the TUI") }), nil
	case key.Matches(msg, k.Fire) && sub != nil && d != nil:
		return func() tea.Msg {
			list, err := d.Templates()
			return templatesMsg{list, err}
		}, nil
	case key.Matches(msg, k.Open) && s.onEvents:
		if ev := s.selectedEvent(); ev != nil {
			s.attemptsOf = ev.ID
			return s.loadAttempts(ev.ID), nil
		}
	case key.Matches(msg, k.Retry) && s.onEvents && d != nil:
		if ev := s.selectedEvent(); ev != nil {
			id := ev.ID
			return func() tea.Msg {
				_, x, err := d.RetryNow(s.common.run, id)
				if err != nil {
					return subsDoneMsg{err: err}
				}
				return subsDoneMsg{status: send.Line(x)}
			}, nil
		}
	case key.Matches(msg, k.Cancel) && s.onEvents:
		if ev := s.selectedEvent(); ev != nil {
			db, id := s.common.db, ev.ID
			return s.action(fmt.Sprintf("event #%d cancelled: no more retries", id), func(ctx context.Context) error { return db.CancelEvent(ctx, id) }), nil
		}
	}
	return nil, nil
}

func (s *subsScreen) move(delta int) {
	if s.onEvents {
		s.evCursor = min(max(0, s.evCursor+delta), max(0, len(s.events)-1))
		return
	}
	s.cursor = min(max(0, s.cursor+delta), max(0, len(s.subs)-1))
}

func (s *subsScreen) eventsIfMoved() tea.Cmd {
	if s.onEvents {
		return nil
	}
	s.events, s.evCursor = nil, 0
	return s.loadEvents()
}

func (s *subsScreen) render(w, h int) string {
	st := &s.common.styles
	if s.common.deps.Dispatcher == nil {
		return st.box("subscriptions", []string{st.Muted.Render("Subscriptions need the dispatcher of a running gaff.")}, w, h, true)
	}
	top := min(max(4, len(s.subs)+3), h/2)
	if s.status != "" {
		top++
	}
	subsBox := st.box("subscriptions", s.subLines(w-2), w, top, !s.onEvents && s.attemptsOf == 0)
	var bottom string
	if s.attemptsOf != 0 && s.attempts != nil {
		s.attempts.setSize(w-2, h-top-2)
		bottom = st.box(fmt.Sprintf("attempts of event #%d", s.attemptsOf), s.attempts.render(), w, h-top, true)
	} else {
		title := "events"
		if sub := s.selected(); sub != nil {
			title = "events of " + sanitize.Line(sub.Name)
		}
		bottom = st.box(title, s.eventLines(w-2, h-top-2), w, h-top, s.onEvents)
	}
	return subsBox + "\n" + bottom
}

func (s *subsScreen) subLines(w int) []string {
	st := &s.common.styles
	var lines []string
	if len(s.subs) == 0 {
		lines = append(lines, st.Muted.Render("No subscriptions yet. n creates one: a target URL, a signing scheme, a secret."))
	}
	for i, x := range s.subs {
		state := st.OK.Render("on ")
		if !x.Enabled {
			state = st.Warn.Render("off")
		}
		line := fmt.Sprintf("%s %s %s %s", padTo(sanitize.Line(x.Name), 16), state, padTo(x.Scheme, 17), sanitize.Line(send.RedactURL(x.URL)))
		if !x.Enabled && x.DisabledReason != "" {
			line += st.Warn.Render("  (" + sanitize.Line(x.DisabledReason) + ")")
		}
		if i == s.cursor {
			style := st.SelectedBlur
			if !s.onEvents {
				style = st.Selected
			}
			line = style.Render(fit("▸ "+ansi.Strip(line), w))
		} else {
			line = "  " + line
		}
		lines = append(lines, line)
	}
	if s.status != "" {
		style := st.OK
		if s.statusErr {
			style = st.Error
		}
		lines = append(lines, style.Render(sanitize.Line(s.status)))
	}
	return lines
}

func (s *subsScreen) eventLines(w, h int) []string {
	st := &s.common.styles
	if s.selected() == nil {
		return nil
	}
	if len(s.events) == 0 {
		return []string{st.Muted.Render("No events yet. f fires one: pick a template, edit it, ctrl+s.")}
	}
	start := max(0, s.evCursor-h+1)
	var lines []string
	for i := start; i < len(s.events) && len(lines) < h; i++ {
		ev := s.events[i]
		line := fmt.Sprintf("#%-5d %s %s %s %s", ev.ID, ev.Time.Format("15:04:05"), padTo(sanitize.Line(orDefault(ev.Type, ev.Template)), 30),
			stateLabel(st, ev), s.outcome(ev))
		if i == s.evCursor && s.onEvents {
			line = st.Selected.Render(fit(ansi.Strip(line), w))
		}
		lines = append(lines, line)
	}
	return lines
}

func stateLabel(st *Styles, ev *storage.Event) string {
	attempts := fmt.Sprintf("%d attempt", ev.Attempts)
	if ev.Attempts != 1 {
		attempts += "s"
	}
	switch ev.State {
	case storage.EventDelivered:
		return st.OK.Render(padTo("delivered", 10)) + attempts
	case storage.EventPending:
		next := "now"
		if !ev.NextAttempt.IsZero() && ev.NextAttempt.After(time.Now()) {
			next = ev.NextAttempt.Format("15:04:05")
		}
		return st.Warn.Render(padTo("pending", 10)) + attempts + ", next " + next
	}
	return st.Error.Render(padTo(ev.State, 10)) + attempts
}

func (s *subsScreen) outcome(ev *storage.Event) string {
	st := &s.common.styles
	switch {
	case ev.LastStatus != 0:
		out := st.statusStyle(ev.LastStatus).Render(fmt.Sprintf("→%d", ev.LastStatus))
		if ev.LastError != "" {
			out += " " + st.Muted.Render(sanitize.Line(ev.LastError))
		}
		return out
	case ev.LastError != "":
		return st.Error.Render("✗ " + sanitize.Line(ev.LastError))
	}
	return ""
}
