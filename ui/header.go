package ui

import (
	"fmt"
	"strings"
)

// header is the top line: the URL to paste, where gaff listens, whether it
// is storing, and how many requests it holds.
func (a *App) header() string {
	st := &a.ctx.styles
	parts := []string{st.Title.Render("gaff"), st.URL.Render(a.ctx.hookURL())}
	if f := a.ctx.deps.Health; f != nil {
		if fail := f(); fail != nil {
			parts = append(parts, st.Error.Render("⚠ not storing: "+firstLine(fail.Err.Error())))
		} else {
			parts = append(parts, st.Online.Render("● listening"))
		}
	} else {
		parts = append(parts, st.Online.Render("● listening"))
	}
	parts = append(parts, st.Muted.Render(countLabel(a.count)))
	return fit(strings.Join(parts, "  "), a.w)
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
