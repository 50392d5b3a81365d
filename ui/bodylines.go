package ui

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"charm.land/lipgloss/v2"

	"gaff/sanitize"
)

// textLines splits a text body into lines lazily: it indexes newlines only
// as far as the user has scrolled.
type textLines struct {
	src    []byte
	starts []int
	done   bool
	hl     *highlighter
	raw    bool // keep a trailing \r visible
}

func newTextLines(src []byte, hl *highlighter, raw bool) *textLines {
	t := &textLines{src: src, starts: []int{0}, hl: hl, raw: raw}
	if len(src) == 0 {
		t.done = true
	}
	return t
}

func (t *textLines) ensure(i int) {
	for !t.done && len(t.starts) <= i {
		last := t.starts[len(t.starts)-1]
		k := bytes.IndexByte(t.src[last:], '\n')
		if k < 0 || last+k+1 >= len(t.src) {
			t.done = true
			return
		}
		t.starts = append(t.starts, last+k+1)
	}
}

func (t *textLines) Line(i int) (string, bool) {
	t.ensure(i)
	if i < 0 || i >= len(t.starts) {
		return "", false
	}
	end := len(t.src)
	if i+1 < len(t.starts) {
		end = t.starts[i+1] - 1
	} else if k := bytes.IndexByte(t.src[t.starts[i]:], '\n'); k >= 0 {
		end = t.starts[i] + k
	}
	line := t.src[t.starts[i]:end]
	if !t.raw {
		line = bytes.TrimSuffix(line, []byte("\r"))
	}
	return t.hl.line(i, sanitize.Line(string(line))), true
}

func (t *textLines) Count() int {
	for !t.done {
		t.ensure(len(t.starts) + 4096)
	}
	return len(t.starts)
}

// jsonSource adds sanitising and colour to jsonLines.
type jsonSource struct {
	j  *jsonLines
	hl *highlighter
}

func (s *jsonSource) Line(i int) (string, bool) {
	text, ok := s.j.text(i)
	if !ok {
		return "", false
	}
	return s.hl.line(i, sanitize.Line(text)), true
}

func (s *jsonSource) Count() int { return s.j.count() }

// hexLines is a classic 16-bytes-a-row dump. Any row is computed from its
// offset, so there is nothing to precompute for any size.
type hexLines struct {
	src []byte
	off lipgloss.Style
}

func (h *hexLines) Count() int { return (len(h.src) + 15) / 16 }

func (h *hexLines) Line(i int) (string, bool) {
	if i < 0 || i >= h.Count() {
		return "", false
	}
	row := h.src[i*16 : min(len(h.src), i*16+16)]
	var b strings.Builder
	b.WriteString(h.off.Render(fmt.Sprintf("%08x", i*16)))
	b.WriteString("  ")
	for k := 0; k < 16; k++ {
		if k == 8 {
			b.WriteByte(' ')
		}
		if k < len(row) {
			fmt.Fprintf(&b, "%02x ", row[k])
		} else {
			b.WriteString("   ")
		}
	}
	b.WriteString(" │")
	for _, c := range row {
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
		} else {
			b.WriteByte('.')
		}
	}
	b.WriteString("│")
	return b.String(), true
}

// formLines shows application/x-www-form-urlencoded pairs as a table, in
// the order sent, repeats kept. Undecodable escapes are shown as sent.
func formLines(body []byte, st *Styles) staticLines {
	type pair struct{ k, v string }
	var pairs []pair
	width := 0
	for _, part := range strings.Split(string(body), "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		p := pair{k: unescape(k), v: unescape(v)}
		pairs = append(pairs, p)
		width = max(width, min(32, lipgloss.Width(sanitize.Line(p.k))))
	}
	out := make(staticLines, 0, len(pairs))
	for _, p := range pairs {
		k := sanitize.Line(p.k)
		pad := max(0, width-lipgloss.Width(k))
		out = append(out, st.HeaderName.Render(k)+strings.Repeat(" ", pad)+st.Muted.Render(" │ ")+sanitize.Line(p.v))
	}
	return out
}

// queryLines is formLines for a URL query.
func queryLines(rawQuery string, st *Styles) staticLines {
	if rawQuery == "" {
		return staticLines{st.Muted.Render("no query parameters")}
	}
	return formLines([]byte(rawQuery), st)
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}
