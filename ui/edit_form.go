package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"gaff/internal/bytesize"
	"gaff/provider"
	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
)

// inlineBodyLimit is the largest body edited in the form; a larger or
// binary one is kept as is unless edited in $EDITOR (ctrl+e).
const inlineBodyLimit = 64 << 10

// inlineSafe: the text widget shows and returns b unchanged. It rewrites
// \r and tabs and drops control characters, and it would show bidi or
// zero-width characters raw; such bodies go through $EDITOR instead.
func inlineSafe(b []byte) bool {
	if len(b) > inlineBodyLimit || !sanitize.LooksText(b) && len(b) > 0 {
		return false
	}
	s := string(b)
	return !strings.ContainsAny(s, "\r\t") && sanitize.String(s) == s
}

// editForm edits a copy of a captured request — method, URL, headers,
// body — and sends it as a new delivery; the capture stays untouched.
type editForm struct {
	common    *common
	requestID int64
	what      string // "#12 POST /stripe"
	provider  string
	method    textinput.Model
	url       textinput.Model
	headers   textarea.Model
	body      textarea.Model
	rawBody   []byte // the body when it is not edited inline
	inline    bool
	// What the fields were filled with: one left as it was sends what was
	// captured (see filled). The body's counts while it is edited inline.
	orig struct {
		method, url filled[string]
		headers     filled[storage.Headers]
		body        filled[[]byte]
	}
	focus  int // 0 method, 1 url, 2 headers, 3 body
	resign bool
	err    string
}

type (
	editLoadedMsg struct {
		req *storage.Request
		err error
	}
	editorBodyMsg struct {
		body []byte
		err  error
	}
)

func newEditForm(c *common, r *storage.Request, target string) *editForm {
	url := r.SenderURL()
	if target != "" {
		if out, err := send.BuildReplay(r, target); err == nil {
			url = out.URL
		}
	}
	var hl []string
	var kept storage.Headers
	for _, h := range r.Headers {
		switch strings.ToLower(h.Name) {
		case "host", "content-length":
			continue // recomputed for the new target and body
		}
		kept = append(kept, h)
		hl = append(hl, headerLine(h))
	}
	f := &editForm{common: c, requestID: r.ID, what: describe(&r.Summary), provider: r.Provider,
		method: steadyInput(sanitize.Line(r.Method)), url: steadyInput(sanitize.Line(url)), headers: steadyArea(strings.Join(hl, "\n"))}
	f.orig.method = filled[string]{f.method.Value(), r.Method}
	f.orig.url = filled[string]{f.url.Value(), url}
	f.orig.headers = filled[storage.Headers]{f.headers.Value(), kept}
	f.inline = inlineSafe(r.Body)
	if f.inline {
		f.body = steadyArea(string(r.Body))
		f.orig.body = filled[[]byte]{f.body.Value(), r.Body}
	} else {
		f.rawBody = r.Body
		f.body = steadyArea("")
	}
	f.setFocus(2)
	return f
}

func (f *editForm) setFocus(i int) {
	f.focus = (i + 4) % 4
	f.method.Blur()
	f.url.Blur()
	f.headers.Blur()
	f.body.Blur()
	switch f.focus {
	case 0:
		f.method.Focus()
	case 1:
		f.url.Focus()
	case 2:
		f.headers.Focus()
	case 3:
		if f.inline {
			f.body.Focus()
		}
	}
}

// headerLine is how the form shows a captured header: escapes, not the
// raw bytes, for anything the sanitiser would not print as is.
func headerLine(h storage.Header) string {
	return sanitize.Line(h.Name) + ": " + sanitize.Line(h.Value)
}

// outbound reads the form; header lines must be "Name: value".
func (f *editForm) outbound() (send.Outbound, error) {
	var out send.Outbound
	if m := strings.TrimSpace(f.method.Value()); m == "" || strings.ContainsAny(m, " \t") {
		return out, fmt.Errorf("method %q: write one word, like POST", m)
	}
	out.Method, _ = f.orig.method.read(f.method.Value(), trimmed)
	out.URL, _ = f.orig.url.read(f.url.Value(), trimmed)
	var err error
	if out.Headers, err = f.orig.headers.read(f.headers.Value(), f.editedHeaders); err != nil {
		return out, err
	}
	out.Body = f.rawBody
	if f.inline {
		out.Body, _ = f.orig.body.read(f.body.Value(), asBytes)
	}
	return out, nil
}

// editedHeaders parses the header text; each line still as it was shown
// sends the captured header it stands for, byte for byte.
func (f *editForm) editedHeaders(text string) (storage.Headers, error) {
	shown := map[string][]storage.Header{}
	for _, h := range f.orig.headers.value {
		shown[headerLine(h)] = append(shown[headerLine(h)], h)
	}
	return parseHeaderLines(text, shown)
}

// key handles a key; done closes the form.
func (f *editForm) key(msg tea.KeyPressMsg) (done bool, cmd tea.Cmd) {
	k := &f.common.keys.Edit
	switch {
	case key.Matches(msg, k.Cancel):
		return true, nil
	case key.Matches(msg, k.Next):
		f.setFocus(f.focus + 1)
		return false, nil
	case key.Matches(msg, k.Prev):
		f.setFocus(f.focus - 1)
		return false, nil
	case key.Matches(msg, k.Resign):
		f.resign = !f.resign
		return false, nil
	case key.Matches(msg, k.External):
		return false, f.openExternal()
	case key.Matches(msg, k.Send):
		out, err := f.outbound()
		s := f.common.deps.Sender
		if err == nil && f.resign {
			err = s.Resign(&out, f.provider)
		}
		if err != nil {
			f.err = err.Error()
			return false, nil
		}
		id, run, what := f.requestID, f.common.run, "sent edited copy of "+f.what
		return true, tea.Sequence(note("sending the edited copy of "+f.what+"…"), func() tea.Msg {
			d, err := s.SendEdited(run, id, out)
			return sentMsg{requestID: id, what: what, d: d, err: err}
		})
	}
	f.err = ""
	switch f.focus {
	case 0:
		f.method, cmd = f.method.Update(msg)
	case 1:
		f.url, cmd = f.url.Update(msg)
	case 2:
		f.headers, cmd = f.headers.Update(msg)
	case 3:
		if f.inline {
			f.body, cmd = f.body.Update(msg)
		}
	}
	return false, cmd
}

func (f *editForm) render(w, h int) string {
	st := &f.common.styles
	inner := max(10, w-2)
	label := func(i int, name string) string {
		if f.focus == i {
			return st.TabActive.Render(name)
		}
		return st.Muted.Render(name)
	}
	f.method.SetWidth(max(4, inner-10))
	f.url.SetWidth(max(4, inner-10))
	// Headers get a third of the rows, the body the rest.
	rows := max(4, h-2-8)
	hh := max(2, rows/3)
	f.headers.SetWidth(inner)
	f.headers.SetHeight(hh)
	f.body.SetWidth(inner)
	f.body.SetHeight(max(2, rows-hh))
	lines := []string{
		label(0, "Method  ") + f.method.View(),
		label(1, "URL     ") + f.url.View(),
		label(2, "Headers") + st.Muted.Render("  (Host and Content-Length are set when sending)"),
	}
	lines = append(lines, strings.Split(f.headers.View(), "\n")...)
	bodyNote := ""
	if !f.inline {
		bodyNote = fmt.Sprintf("  %s, kept byte for byte; ctrl+e edits it in $EDITOR", bytesize.Format(int64(len(f.rawBody))))
	}
	lines = append(lines, label(3, "Body")+st.Muted.Render(bodyNote))
	if f.inline {
		lines = append(lines, strings.Split(f.body.View(), "\n")...)
	}
	resign := "off"
	if f.resign {
		resign = "on (fresh timestamp with " + provider.Name(f.provider) + "'s secret)"
	}
	if provider.DefaultScheme(f.provider) != provider.SchemeNone {
		lines = append(lines, st.Muted.Render("Re-sign: "+resign))
	}
	if f.err != "" {
		lines = append(lines, st.Error.Render(sanitize.Line(f.err)))
	}
	return st.box(fmt.Sprintf("edit a copy of request #%d", f.requestID), lines, w, h, true)
}

func (f *editForm) bindings() []key.Binding {
	k := &f.common.keys.Edit
	return []key.Binding{k.Cancel, k.Send, k.Next, k.External, k.Resign}
}

// editorBodyMsg is for the edit form wherever it is in the stack.
func (editorBodyMsg) forLayers() {}

func (f *editForm) update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(editorBodyMsg); ok {
		f.setBody(m)
	}
	return nil
}
