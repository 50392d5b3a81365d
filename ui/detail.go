package ui

import (
	"fmt"

	"strings"

	"github.com/charmbracelet/x/ansi"

	tea "charm.land/bubbletea/v2"

	"gaff/internal/bytesize"
	"gaff/provider"
	"gaff/sanitize"
	"gaff/storage"
)

type tab int

const (
	tabBody tab = iota
	tabHeaders
	tabQuery
	tabOverview
	tabDeliveries
	numTabs
)

var tabNames = [numTabs]string{"body", "headers", "query", "overview", "deliveries"}

// detail shows one request. It opens on the body, the part users look at
// first, and keeps the tab the user picked across requests.
type detail struct {
	common *common
	req    *storage.Request
	doc    *bodyDoc
	err    error
	tab    tab
	raw    bool
	wrap   bool
	views  [numTabs]*textView
	w, h   int
	// json is the pretty body's line index, kept across raw/pretty
	// switches; a background command completes it for large bodies.
	json          *jsonLines
	pendingBottom bool // G pressed before the index reached the end
	// findQuery is the body's find, kept when the body view is rebuilt
	// (raw/pretty) and cleared with another request.
	findQuery     string
	deliveries    []*storage.Delivery
	deliveriesErr error
	arrivals      arrivals // the other captures of this delivery (attempts.go)
	// loadedID is the id whose load last finished, whether it succeeded or
	// not, so a failing load is shown once rather than retried in a loop.
	loadedID int64
	wide     bool // the terminal has room for request and response side by side
}

// setDeliveries shows a fresh list of attempts for the open request.
func (d *detail) setDeliveries(id int64, list []*storage.Delivery, err error) {
	if d.id() != id {
		return
	}
	d.deliveries, d.deliveriesErr = list, err
	d.refresh(tabDeliveries)
}

// setArrivals shows a fresh list of the delivery's arrivals.
func (d *detail) setArrivals(id int64, a arrivals) {
	if d.id() != id {
		return
	}
	d.arrivals = a
	d.refresh(tabOverview)
}

// refresh gives tab t's view its fresh lines, keeping the place scrolled to.
func (d *detail) refresh(t tab) {
	if v := d.views[t]; v != nil {
		v.replace(d.source(t))
	}
}

// jsonIndexMsg carries the complete line index of a large JSON body,
// built off the UI goroutine.
type jsonIndexMsg struct {
	id     int64
	starts []jsonPos
}

// largeJSON is the size from which the line index is finished in the
// background: below it, finishing it inline takes a few milliseconds.
const largeJSON = 256 << 10

// indexCmd finishes the line index of a large JSON body in the background.
func (d *detail) indexCmd() tea.Cmd {
	if d.doc == nil || d.doc.kind != kindJSON || len(d.doc.shown) < largeJSON {
		return nil
	}
	id, src := d.req.ID, d.doc.shown
	return func() tea.Msg {
		j := newJSONLines(src)
		j.count()
		return jsonIndexMsg{id: id, starts: j.starts}
	}
}

// adoptIndex takes a finished index and honours a G that was waiting.
func (d *detail) adoptIndex(m jsonIndexMsg) {
	if d.id() != m.id || d.json == nil || d.json.done {
		return
	}
	d.json.starts, d.json.done = m.starts, true
	if d.pendingBottom {
		d.pendingBottom = false
		if v := d.view(); v != nil {
			v.bottom()
		}
	}
}

// bottom goes to the end, or, while a large body's index is being built,
// remembers to go there when it is ready.
func (d *detail) bottom(v *textView) {
	if d.tab == tabBody && !d.raw && d.json != nil && !d.json.done && len(d.doc.shown) >= largeJSON {
		d.pendingBottom = true
		return
	}
	v.bottom()
}

func newDetail(c *common) *detail { return &detail{common: c, wrap: true} }

// set shows a freshly loaded request.
func (d *detail) set(r *storage.Request, doc *bodyDoc, err error) {
	prev := d.loadedID
	d.req, d.doc, d.err = r, doc, err
	d.loadedID = 0
	if r != nil {
		d.loadedID = r.ID
	}
	d.views = [numTabs]*textView{}
	d.json, d.pendingBottom = nil, false
	if d.loadedID != prev {
		d.findQuery = "" // a reload of the same request keeps its find
	}
}

func (d *detail) id() int64 {
	if d.req == nil {
		return 0
	}
	return d.req.ID
}

func (d *detail) setSize(w, h int) {
	d.w, d.h = w, h
	for _, v := range d.views {
		if v != nil {
			v.setSize(d.viewSize())
		}
	}
}

func (d *detail) innerW() int { return max(1, d.w-2) }

// viewH is the rows left for the text once the box, the tab bar and the
// body's notes are drawn.
func (d *detail) viewH() int {
	h := d.h - 3
	if d.tab == tabBody {
		h -= len(d.notes())
	}
	return max(1, h)
}

func (d *detail) view() *textView {
	if d.req == nil {
		return nil
	}
	if d.views[d.tab] == nil {
		v := newTextView(d.source(d.tab))
		v.wrap = d.wrap
		d.views[d.tab] = v
		v.setSize(d.innerW(), d.viewH())
		if d.tab == tabBody && d.findQuery != "" {
			d.applyFind(v)
		}
	}
	v := d.views[d.tab]
	v.setSize(d.viewSize())
	return v
}

// find searches the body for q ("" clears it) and shows the body tab.
func (d *detail) find(q string) {
	d.findQuery = q
	d.tab = tabBody
	if v := d.view(); v != nil {
		d.applyFind(v)
	}
}

func (d *detail) applyFind(v *textView) {
	st := &d.common.styles
	v.setFind(d.findQuery, st.Match, st.MatchNow)
}

// countKnown is false while a large body's line index is built in the
// background: counting its lines here would stall the screen.
func (d *detail) countKnown() bool {
	return d.tab != tabBody || d.raw || d.json == nil || d.json.done || len(d.doc.shown) < largeJSON
}

func (d *detail) source(t tab) lineSource {
	st := &d.common.styles
	r := d.req
	switch t {
	case tabHeaders:
		return headerLines(r.Headers, st)
	case tabQuery:
		return queryLines(r.RawQuery(), st)
	case tabOverview:
		return append(overviewLines(r, st), arrivalLines(r, d.arrivals, st)...)
	case tabDeliveries:
		return deliveryLines(d.deliveries, d.deliveriesErr, st)
	}
	return d.bodySource()
}

func (d *detail) bodySource() lineSource {
	st := &d.common.styles
	doc := d.doc
	if d.raw {
		if sanitize.LooksText(doc.raw) {
			return newTextLines(doc.raw, nil, true)
		}
		return &hexLines{src: doc.raw, off: st.Code.Offset}
	}
	if doc.kind == kindJSON && d.json == nil {
		d.json = newJSONLines(doc.shown)
	}
	if doc.kind == kindMultipart {
		return newPartsSource(doc.parts, doc.partsTotal, st)
	}
	return kindSource(doc.kind, doc.lang, doc.shown, d.json, st)
}

// kindSource shows bytes of a kind: a whole body, or one part of a
// multipart body. j, when not nil, is the JSON index to reuse.
func kindSource(kind bodyKind, lang string, b []byte, j *jsonLines, st *Styles) lineSource {
	switch kind {
	case kindEmpty:
		return staticLines{st.Muted.Render("(empty body)")}
	case kindJSON:
		if j == nil {
			j = newJSONLines(b)
		}
		return &jsonSource{j: j, hl: newHighlighter("json", &st.Code)}
	case kindForm:
		if lines := formLines(b, st); len(lines) > 0 {
			return lines
		}
		return staticLines{st.Muted.Render("(a form with no fields)")}
	case kindText:
		var hl *highlighter
		if lang != "" {
			hl = newHighlighter(lang, &st.Code)
		}
		return newTextLines(b, hl, false)
	}
	return &hexLines{src: b, off: st.Code.Offset}
}

func (d *detail) notes() []string {
	if d.doc == nil {
		return nil
	}
	var out []string
	for _, n := range d.doc.notes {
		out = append(out, d.common.styles.Warn.Render("ⓘ "+sanitize.Line(n)))
	}
	return out
}

func (d *detail) nextTab(delta int) {
	d.tab = (d.tab + tab(delta) + numTabs) % numTabs
}

func (d *detail) toggleRaw() {
	d.raw = !d.raw
	d.views[tabBody] = nil
}

func (d *detail) toggleWrap() {
	d.wrap = !d.wrap
	for _, v := range d.views {
		if v != nil {
			v.toggleWrap()
		}
	}
}

func (d *detail) title() string {
	st := &d.common.styles
	if d.req == nil {
		return "request"
	}
	r := d.req
	parts := []string{st.methodStyle(r.Method).Render(sanitize.Line(r.Method)) + " " + displayPath(r.Path())}
	if r.Event != "" {
		parts = append(parts, sanitize.Line(r.Event))
	}
	if r.Origin != "" {
		parts = append(parts, st.Muted.Render("from "+sanitize.Line(r.Origin)))
	}
	if r.Provider != "" {
		badge := st.Badge.Render(sanitize.Line(r.Provider))
		if v := verdictText(&r.Summary); v != "" {
			badge += " " + verdictStyle(st, &r.Summary).Render(v)
		}
		parts = append(parts, badge)
	}
	if r.Handshake != "" {
		parts = append(parts, st.URL.Render("⇄ "+sanitize.Line(r.Handshake)))
	}
	parts = append(parts, st.statusStyle(r.Status).Render(fmt.Sprint(r.Status)), bytesize.Format(r.Size))
	return strings.Join(parts, "  ")
}

func (d *detail) tabBar() string {
	st := &d.common.styles
	var parts []string
	for i := tab(0); i < numTabs; i++ {
		name := tabNames[i]
		if i == tabBody && d.doc != nil {
			switch {
			case d.raw:
				name += " (raw)"
			case d.doc.kind != kindEmpty:
				name += " " + d.doc.kind.String()
			}
		}
		if i == tabDeliveries && len(d.deliveries) > 0 {
			name += fmt.Sprintf(" %d", len(d.deliveries))
		}
		if i == d.tab {
			parts = append(parts, st.TabActive.Render("["+name+"]"))
		} else {
			parts = append(parts, st.Tab.Render(" "+name+" "))
		}
	}
	return strings.Join(parts, " ")
}

// tabLine is the tab bar with, on its right, the find's count and where
// the view is in a long text.
func (d *detail) tabLine() string {
	bar := d.tabBar()
	v := d.view()
	var status []string
	if d.tab == tabBody && v.find != nil {
		status = append(status, "find “"+sanitize.Line(v.find.query)+"” "+v.findStatus())
	}
	if p := v.position(d.countKnown()); p != "" {
		status = append(status, p)
	}
	if len(status) == 0 {
		return bar
	}
	// On a narrow screen the find's count, listed first, is what stays.
	for len(status) > 0 {
		right := d.common.styles.Muted.Render(strings.Join(status, " · "))
		if gap := d.innerW() - ansi.StringWidth(bar) - ansi.StringWidth(right); gap >= 2 {
			return bar + strings.Repeat(" ", gap) + right
		}
		status = status[:len(status)-1]
	}
	return bar
}

func (d *detail) render(focused bool) string {
	st := &d.common.styles
	var lines []string
	switch {
	case d.err != nil:
		lines = []string{st.Error.Render(sanitize.Line(d.err.Error()))}
	case d.req == nil:
		lines = []string{st.Muted.Render("no request selected")}
	default:
		lines = append(lines, d.tabLine())
		if d.tab == tabBody {
			lines = append(lines, d.notes()...)
		}
		if d.sideBySide() {
			lines = append(lines, d.renderSideBySide()...)
			break
		}
		lines = append(lines, d.view().render()...)
	}
	return st.box(d.title(), lines, d.w, d.h, focused)
}

func headerLines(h storage.Headers, st *Styles) staticLines {
	if len(h) == 0 {
		return staticLines{st.Muted.Render("no headers")}
	}
	out := make(staticLines, 0, len(h))
	for _, x := range h {
		out = append(out, st.HeaderName.Render(sanitize.Line(x.Name))+st.Muted.Render(": ")+sanitize.Line(x.Value))
	}
	return out
}

func overviewLines(r *storage.Request, st *Styles) staticLines {
	row := func(k, v string) string { return st.HeaderName.Render(fmt.Sprintf("%-10s", k)) + v }
	out := staticLines{
		row("Request", fmt.Sprintf("#%d", r.ID)),
		row("Method", sanitize.Line(r.Method)),
		row("URL", sanitize.Line(r.SenderURL())),
		row("Received", r.Time.Format("2006-01-02 15:04:05.000 MST")),
		row("From", sanitize.Line(r.RemoteAddr)),
	}
	if r.Origin != "" {
		out = append(out, row("Shared by", "teammate "+sanitize.Line(r.Origin)))
	}
	if fwd := r.Headers.Get("X-Forwarded-For"); fwd != "" {
		out = append(out, row("Forwarded", sanitize.Line(fwd)))
	}
	via := sanitize.Line(r.Via)
	if via == "" {
		via = "local"
	}
	out = append(out,
		row("Via", via+" listener"),
		row("Protocol", sanitize.Line(r.Proto)),
		row("Size", fmt.Sprintf("%s (%d bytes)", bytesize.Format(r.Size), r.Size)),
		row("Type", sanitize.Line(orNone(r.ContentType))),
		row("Answered", st.statusStyle(r.Status).Render(statusText(r.Status, 0))),
	)
	if r.Provider != "" {
		out = append(out, row("Provider", providerName(r.Provider)))
	}
	if r.Event != "" {
		out = append(out, row("Event", sanitize.Line(r.Event)))
	}
	if id := stripeEventID(r); id != "" {
		out = append(out, row("Event ID", id))
	}
	if r.Signature != "" {
		v := verdictStyle(st, &r.Summary).Render(verdictText(&r.Summary))
		if r.SigReason != "" {
			v += st.Muted.Render(" — " + sanitize.Line(r.SigReason))
		}
		out = append(out, row("Signature", v))
	}
	if r.Handshake != "" {
		out = append(out, row("Handshake", st.URL.Render(sanitize.Line(r.Handshake))))
	}
	if r.Truncated {
		out = append(out, row("Cut", st.Warn.Render(fmt.Sprintf("only the first %s stored", bytesize.Format(int64(len(r.Body)))))))
	}
	if r.Note != "" {
		out = append(out, row("Note", st.Warn.Render(sanitize.Line(r.Note))))
	}
	return out
}

// providerName is a known provider's name with its id; any other id (a
// teammate's message may carry one) is shown as text.
func providerName(id string) string {
	if n := provider.Name(id); n != id {
		return n + " (" + id + ")"
	}
	return sanitize.Line(id)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
