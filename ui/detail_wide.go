package ui

import "gaff/sanitize"

// sideBySideW is the terminal width from which the body tab shows the
// request's headers and body and, beside them, the newest response of the
// forward or replay target, so a user sees what was sent and what came
// back at once. Narrower, each column would be too thin to read JSON in.
const sideBySideW = 160

// sideBySide says whether the body tab shows request and response; the
// screen sets d.wide from the terminal's width, as the detail's own width
// also depends on whether the list is beside it.
func (d *detail) sideBySide() bool {
	return d.wide && d.tab == tabBody && d.req != nil && d.err == nil
}

// hexRowW is the width of one hex dump row (offset, 16 bytes in hex, the
// text column between bars); minResponseW what the response column keeps.
const (
	hexRowW      = 78
	minResponseW = 30
)

// halves are the widths of the request and response columns, with one
// cell between them for the rule. A body shown as bytes (whole, or any
// part of it) widens the request column to a hex row, so no row breaks in
// two; the response column keeps at least minResponseW.
func (d *detail) halves() (int, int) {
	w := d.innerW() - 1
	l := w / 2
	if d.showsHex() {
		l = max(l, min(hexRowW, w-minResponseW))
	}
	return l, w - l
}

// showsHex says whether the body view draws a hex dump.
func (d *detail) showsHex() bool {
	switch {
	case d.doc == nil:
		return false
	case d.raw:
		return !sanitize.LooksText(d.doc.raw)
	case d.doc.kind == kindBinary:
		return true
	}
	for _, p := range d.doc.parts {
		if p.kind == kindBinary {
			return true
		}
	}
	return false
}

// requestHead is the headers drawn above the body when side by side: at
// most half the rows, so the body always shows.
func (d *detail) requestHead() []string {
	lines := headerLines(d.req.Headers, &d.common.styles)
	if keep := max(1, d.viewH()/2); len(lines) > keep {
		lines = append(lines[:keep-1:keep-1], d.common.styles.Muted.Render("… the headers tab has them all"))
	}
	return append(lines, "")
}

// viewSize is the body view's size: the whole inner width, or the request
// column below its headers when side by side.
func (d *detail) viewSize() (int, int) {
	if !d.sideBySide() {
		return d.innerW(), d.viewH()
	}
	lw, _ := d.halves()
	return lw, max(1, d.viewH()-len(d.requestHead()))
}

// renderSideBySide draws the request column (headers, then the scrolling
// body) and the response column, the newest delivery of the request.
func (d *detail) renderSideBySide() []string {
	st := &d.common.styles
	lw, rw := d.halves()
	left := append(d.requestHead(), d.view().render()...)
	right := []string{st.Bold.Render("latest response")}
	list := d.deliveries
	if len(list) > 1 {
		list = list[:1] // newest first
	}
	right = append(right, deliveryLines(list, d.deliveriesErr, st)...)
	h := d.viewH()
	out := make([]string, h)
	for i := range out {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out[i] = fit(l, lw) + st.Muted.Render("│") + fit(r, rw)
	}
	return out
}
