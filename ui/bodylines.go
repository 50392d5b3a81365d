package ui

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"

	"gaff/sanitize"
)

// maxLine caps a displayed line in bytes: a longer one (a 25 MiB body with
// no newline, a base64 blob in JSON) is shown as several, so a frame never
// sanitises or wraps more than a screenful.
const maxLine = 8 << 10

// textLines splits a text body into lines lazily: it indexes newlines only
// as far as the user has scrolled.
type textLines struct {
	src   []byte
	spans []span // lines found so far
	next  int    // where the next line starts
	done  bool
	hl    *highlighter
	raw   bool // keep a trailing \r visible
}

type span struct{ start, end int }

func newTextLines(src []byte, hl *highlighter, raw bool) *textLines {
	return &textLines{src: src, hl: hl, raw: raw, done: len(src) == 0}
}

func (t *textLines) ensure(i int) {
	for !t.done && len(t.spans) <= i {
		start := t.next
		limit := min(len(t.src), start+maxLine)
		end, next := limit, limit
		if k := bytes.IndexByte(t.src[start:limit], '\n'); k >= 0 {
			end, next = start+k, start+k+1
		} else if limit < len(t.src) {
			end = cutRune(t.src, start, limit)
			next = end
		}
		t.spans = append(t.spans, span{start, end})
		t.next = next
		t.done = next >= len(t.src)
	}
}

// cutRune moves a cut at limit back to a rune boundary, so a long line is
// never split inside a character.
func cutRune(b []byte, start, limit int) int {
	for k := limit; k > start && limit-k < utf8.UTFMax; k-- {
		if utf8.RuneStart(b[k]) {
			return k
		}
	}
	return limit
}

func (t *textLines) Line(i int) (string, bool) {
	t.ensure(i)
	if i < 0 || i >= len(t.spans) {
		return "", false
	}
	line := t.src[t.spans[i].start:t.spans[i].end]
	if !t.raw {
		line = bytes.TrimSuffix(line, []byte("\r"))
	}
	return t.hl.line(i, sanitize.Line(string(line))), true
}

func (t *textLines) Count() int {
	for !t.done {
		t.ensure(len(t.spans) + 4096)
	}
	return len(t.spans)
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
	hex, ascii := sanitize.HexRow(row)
	b.WriteString(hex)
	b.WriteString(" │")
	b.WriteString(ascii)
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
	if lines := formLines([]byte(rawQuery), st); len(lines) > 0 {
		return lines
	}
	return staticLines{st.Muted.Render("no query parameters")}
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}
