package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"gaff/provider"
	"gaff/sanitize"
	"gaff/storage"
)

// How the list draws: its title (search, arrivals, following), the rows
// and the hint shown while nothing has arrived.

// arrivals announces requests the user was not shown: "▲ 3 new", "▲ new"
// when a search cannot tell how many match, "" for none.
func (l *requestList) arrivals() string {
	switch n := l.unseen(); {
	case n > 0:
		return fmt.Sprintf("▲ %s new", commas(n))
	case n < 0:
		return "▲ new"
	}
	return ""
}

func (l *requestList) title() string {
	st := &l.common.styles
	t := "requests"
	if l.query != nil {
		t = "search: " + sanitize.Line(l.query.Raw)
		if l.lag > 0 {
			t += st.Warn.Render(fmt.Sprintf(" (indexing: %s not searchable yet)", commas(l.lag)))
		}
	}
	switch a := l.arrivals(); {
	case a != "":
		t += "  " + st.NewRow.Render(a+" · g")
	case l.follow:
		t += "  " + st.Muted.Render("● following")
	}
	return t
}

func (l *requestList) render(focused bool) string {
	st := &l.common.styles
	inner := max(1, l.w-2)
	var lines []string
	switch {
	case l.err != nil:
		lines = append(lines, st.Error.Render(sanitize.Line(l.err.Error())))
	case len(l.rows) == 0 && !l.loadingOlder && l.query != nil:
		lines = append(lines, st.Muted.Render("Nothing matches. esc clears the search; / edits it."))
	case len(l.rows) == 0 && !l.loadingOlder:
		lines = append(lines, l.emptyHint(inner)...)
	}
	if len(l.rows) > 0 {
		cols := l.columns(inner)
		lines = append(lines, l.header(cols))
		for i := l.top; i < len(l.rows) && len(lines) <= l.innerH(); i++ {
			lines = append(lines, l.row(&l.rows[i], i == l.cursor, focused, cols, inner))
		}
	}
	return st.box(l.title(), lines, l.w, l.h, focused)
}

func (l *requestList) emptyHint(width int) []string {
	st := &l.common.styles
	url := l.common.hookURL()
	prose := func(text string) []string {
		var out []string
		for _, line := range strings.Split(ansi.Wordwrap(text, width, ""), "\n") {
			out = append(out, st.Muted.Render(line))
		}
		return out
	}
	out := prose("Waiting for the first webhook.")
	out = append(out, "")
	if l.common.deps.Public == nil {
		// The one URL there is answers only this machine: say so before a
		// user pastes it into GitHub and waits for nothing.
		out = append(out, prose("Send webhooks from this machine to:")...)
		out = append(out, st.URL.Render(url), "")
		out = append(out, prose("GitHub, Stripe, Slack and other providers cannot reach 127.0.0.1. "+
			"For a public URL, set NGROK_AUTHTOKEN and start gaff again (README: A public URL (ngrok)).")...)
	} else {
		out = append(out, prose("Paste this URL into the provider's settings:")...)
		out = append(out, st.URL.Render(url))
	}
	out = append(out, "")
	out = append(out, prose("or try:")...)
	for _, line := range shellLines(width, "curl", `-d '{"hello":"world"}'`, `-H 'Content-Type: application/json'`, url+"/hook") {
		out = append(out, st.Dim.Render(line))
	}
	return out
}

// shellLines lays a command out in lines of at most width cells, breaking
// between arguments with a trailing backslash, so what is shown pastes
// into a shell as one command. An argument wider than width gets its own
// line.
func shellLines(width int, args ...string) []string {
	var out []string
	line := ""
	for i, a := range args {
		cont := " \\" // the last line needs no room for a backslash
		if i == len(args)-1 {
			cont = ""
		}
		switch {
		case line == "":
			line = a
		case ansi.StringWidth(line+" "+a+cont) <= width:
			line += " " + a
		default:
			out = append(out, line+" \\")
			line = "  " + a
		}
	}
	return append(out, line)
}

// columns lays out the rows on screen at width w.
func (l *requestList) columns(w int) listColumns {
	return layoutColumns(w, timeColumn(l.rows, l.common.now()), len(l.outcomes) > 0).withDup(dupColumn(l.rows))
}

type cell struct {
	text  string
	style lipgloss.Style
}

// header names the columns above the rows.
func (l *requestList) header(c listColumns) string {
	name := func(s string, w int) string { return padTo(ansi.Truncate(s, w, ""), w) }
	cells := []string{name("time", c.time), name("method", c.method), name("path", c.path)}
	if c.dup > 0 {
		cells = append(cells, name("repeat", c.dup))
	}
	cells = append(cells, name("event", c.event))
	if c.provider > 0 {
		cells = append(cells, name("provider", c.provider))
	}
	cells = append(cells, name("✓", c.verdict))
	if c.size > 0 {
		cells = append(cells, fmt.Sprintf("%*s", c.size, "size"))
	}
	cells = append(cells, name("got", c.status))
	if c.outcome > 0 {
		cells = append(cells, name("→", c.outcome))
	}
	return l.common.styles.Muted.Render("  " + strings.Join(cells, " "))
}

// eventCell is the event, led by the teammate a shared capture came from
// ("from alice · push"): the path keeps its room, and the detail's title
// has the event in full.
func eventCell(s *storage.Summary) string {
	ev := sanitize.Line(s.Event)
	if s.Origin == "" {
		return ev
	}
	from := "from " + sanitize.Line(s.Origin)
	if ev == "" {
		return from
	}
	return from + " · " + ev
}

// row lays out one summary in the columns c.
func (l *requestList) row(s *storage.Summary, selected, focused bool, c listColumns, w int) string {
	st := &l.common.styles
	fitCell := func(text string, w int) string { return padTo(ansi.Truncate(text, w, "…"), w) }
	cells := []cell{
		{timeCell(s.Time, l.common.now(), c.time), st.Muted},
		{padTo(ansi.Truncate(sanitize.Line(s.Method), c.method, ""), c.method), st.methodStyle(s.Method)},
		{fitCell(displayTarget(s.Target), c.path), lipgloss.NewStyle()},
	}
	if c.dup > 0 {
		cells = append(cells, cell{fitCell(s.DuplicateMark(), c.dup), st.Warn})
	}
	cells = append(cells, cell{fitCell(eventCell(s), c.event), st.Muted})
	if c.provider > 0 {
		cells = append(cells, cell{fitCell(sanitize.Line(s.Provider), c.provider), verdictStyle(st, s)})
	}
	cells = append(cells, cell{padTo(verdictMark(s), c.verdict), verdictStyle(st, s)})
	if c.size > 0 {
		cells = append(cells, cell{fmt.Sprintf("%*s", c.size, shortBytes(s.Size)), st.Muted})
	}
	cells = append(cells, cell{statusText(s.Status, 3), st.statusStyle(s.Status)})
	if c.outcome > 0 {
		out, outStyle := l.outcomeCell(s.ID)
		cells = append(cells, cell{out, outStyle})
	}
	var b strings.Builder
	if selected {
		b.WriteString("▸ ")
	} else {
		b.WriteString("  ")
	}
	for i, c := range cells {
		if i > 0 {
			b.WriteByte(' ')
		}
		if selected {
			b.WriteString(c.text)
		} else {
			b.WriteString(c.style.Render(c.text))
		}
	}
	switch {
	case selected && focused:
		return st.Selected.Render(fit(b.String(), w))
	case selected:
		return st.SelectedBlur.Render(fit(b.String(), w))
	}
	return b.String()
}

// outcomeCell is "→200" or "→ERR" for a request that was forwarded or
// replayed, padded to the column every row gets once any row has one.
func (l *requestList) outcomeCell(id int64) (string, lipgloss.Style) {
	if len(l.outcomes) == 0 {
		return "", lipgloss.Style{}
	}
	st := &l.common.styles
	o, ok := l.outcomes[id]
	switch {
	case !ok:
		return "     ", st.Muted
	case o.Error:
		return "→ERR ", st.Status5xx
	}
	return padTo(fmt.Sprintf("→%d", o.Status), 5), st.statusStyle(o.Status)
}

func padTo(s string, w int) string {
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

// verdictMark is one cell that says what gaff made of the request.
func verdictMark(s *storage.Summary) string { return provider.Mark(s.Handshake, s.Signature) }

func verdictStyle(st *Styles, s *storage.Summary) lipgloss.Style {
	switch {
	case s.Handshake != "":
		return st.URL
	case s.Signature == provider.Valid:
		return st.BadgeGood
	case s.Signature == provider.Invalid:
		return st.BadgeBad
	}
	return st.Badge
}

// verdictText is the long form for the detail title and overview.
func verdictText(s *storage.Summary) string {
	switch s.Signature {
	case provider.Valid:
		return "✓ valid"
	case provider.Invalid:
		return "✗ invalid"
	case provider.NoSecret:
		return "? no secret"
	case provider.Unsigned:
		return "unsigned"
	}
	return ""
}
