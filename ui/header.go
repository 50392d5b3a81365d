package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"gaff/sanitize"
	"gaff/send"
	"gaff/team"
	"gaff/tunnel"
)

// header is the top line: the URL to paste, the tunnel's state, the local
// address, and how many requests are stored. When the line is too narrow,
// the least useful parts go first, never the URL or the state.
func (a *App) header() string {
	st := &a.common.styles
	type seg struct {
		text string
		drop int // higher drops first
	}
	segs := []seg{{st.Title.Render("gaff"), 0}, {st.URL.Render(sanitize.Line(a.common.hookURL())), 0}}
	if p := a.common.deps.Public; p != nil {
		segs = append(segs, seg{a.tunnelState(p.State()), 0})
		if p.URL() != "" {
			segs = append(segs, seg{st.Muted.Render("local ") + sanitize.Line(a.common.localURL()), 2})
		}
	} else {
		segs = append(segs, seg{st.Online.Render("● local only"), 3})
	}
	if fail := a.storageFailure(); fail != "" {
		segs = append(segs, seg{st.Error.Render("⚠ not storing"), 0})
	}
	if f := a.common.deps.ForwardTo; f != "" {
		segs = append(segs, seg{st.Muted.Render("→ ") + sanitize.Line(send.RedactURL(f)), 2})
	}
	if t := a.common.deps.Team; t != nil {
		segs = append(segs, seg{a.teamState(t()), 0})
	}
	if a.busy > 0 {
		segs = append(segs, seg{st.Warn.Render(fmt.Sprintf("⚠ busy: %s turned away (503)", commas(a.busy))), 0})
	}
	segs = append(segs, seg{st.Muted.Render(countLabel(a.count)), 1})
	if n := a.requests.arrivalsHidden(); n != "" {
		segs = append(segs, seg{st.NewRow.Render(n), 0})
	}
	for drop := 3; drop > 0; drop-- {
		if width(segs, func(s seg) string { return s.text }) <= a.w {
			break
		}
		kept := segs[:0]
		for _, s := range segs {
			if s.drop != drop {
				kept = append(kept, s)
			}
		}
		segs = kept
	}
	parts := make([]string, len(segs))
	for i, s := range segs {
		parts[i] = s.text
	}
	return fit(strings.Join(parts, "  "), a.w)
}

func width[T any](xs []T, text func(T) string) int {
	w := 0
	for _, x := range xs {
		w += ansi.StringWidth(text(x)) + 2
	}
	return w
}

func (a *App) tunnelState(s tunnel.State) string {
	st := &a.common.styles
	switch s.Status {
	case tunnel.Connecting:
		return st.Warn.Render("◌ connecting to ngrok…")
	case tunnel.Online:
		if s.Latency > 0 {
			return st.Online.Render(fmt.Sprintf("● online %dms", s.Latency.Milliseconds()))
		}
		return st.Online.Render("● online")
	case tunnel.Reconnecting:
		return st.Warn.Render("◐ reconnecting")
	case tunnel.Failed:
		return st.Error.Render("✕ ngrok failed")
	}
	return st.Muted.Render("○ ngrok off")
}

// teamState is the header's word on the team: connected · shipping N
// behind · offline.
func (a *App) teamState(s team.State) string {
	st := &a.common.styles
	text := "team " + s.String()
	switch {
	case s.Phase == team.Refused || s.Phase == team.Invalid:
		return st.Error.Render("✕ " + text)
	case s.Phase == team.Connected && s.Behind == 0:
		return st.Online.Render("⇄ " + text)
	}
	return st.Warn.Render("⇄ " + text)
}

// banner holds the lines that explain a failure under the header: why ngrok
// failed or is reconnecting and what to do, or why captures are refused.
func (a *App) banner() []string {
	st := &a.common.styles
	var out []string
	if p := a.common.deps.Public; p != nil {
		s := p.State()
		switch s.Status {
		case tunnel.Failed:
			msg := "ngrok: " + s.Err
			if s.Hint != "" {
				msg += " — " + s.Hint
			}
			out = append(out, wrapLines(st.Error, "The local URL still works. "+sanitize.Line(msg), a.w, 3)...)
		case tunnel.Reconnecting:
			if s.Err != "" {
				out = append(out, wrapLines(st.Warn, "ngrok reconnecting: "+sanitize.Line(s.Err), a.w, 2)...)
			}
		}
	}
	if fail := a.storageFailure(); fail != "" {
		out = append(out, wrapLines(st.Error, fail, a.w, 2)...)
	}
	if t := a.common.deps.Team; t != nil {
		switch s := t(); s.Phase {
		case team.Refused:
			out = append(out, wrapLines(st.Error, "The team server refused the credentials ("+sanitize.Line(s.Err)+"): captures are stored here but not shared; check the token or --team-creds and restart gaff", a.w, 2)...)
		case team.Invalid:
			out = append(out, wrapLines(st.Error, "Cannot join the team: "+sanitize.Line(s.Err)+"; captures are stored here but not shared: fix it and restart gaff", a.w, 2)...)
		case team.Offline:
			out = append(out, wrapLines(st.Warn, "Team server unreachable ("+sanitize.Line(s.Err)+"): captures are stored and ship when it is back", a.w, 2)...)
		}
	}
	return out
}

// wrapLines wraps plain text to w cells in at most n styled lines, so an
// explanation and its remedy both reach the screen at 80 columns.
func wrapLines(style lipgloss.Style, text string, w, n int) []string {
	lines := strings.Split(ansi.Wrap(text, max(1, w-1), " "), "\n")
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] = ansi.Truncate(lines[n-1]+" …", w-1, "…")
	}
	for i, l := range lines {
		lines[i] = style.Render(fit(" "+l, w))
	}
	return lines
}

func (a *App) storageFailure() string {
	if f := a.common.deps.Health; f != nil {
		if fail := f(); fail != nil {
			return "not storing since " + fail.Since.Format("15:04:05") + ": " + sanitize.Line(firstLine(fail.Err.Error())) + " (senders get 503)"
		}
	}
	return ""
}

func countLabel(n int64) string {
	if n == 1 {
		return "1 request"
	}
	return commas(n) + " requests"
}

// commas groups thousands: 1204 → 1,204.
func commas(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// joinColumns puts two blocks of equal height side by side.
func joinColumns(left, right string) string {
	l := strings.Split(left, "\n")
	r := strings.Split(right, "\n")
	var b strings.Builder
	for i := 0; i < max(len(l), len(r)); i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(l) {
			b.WriteString(l[i])
		}
		if i < len(r) {
			b.WriteString(r[i])
		}
	}
	return b.String()
}
