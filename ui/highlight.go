package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// highlighter colours one line at a time with chroma, and only the lines on
// screen ask for it. Input must already be sanitised: chroma only adds SGR
// styling around it.
type highlighter struct {
	lexer  chroma.Lexer
	styles *codeStyles
	cache  map[int]string
}

func newHighlighter(lang string, st *codeStyles) *highlighter {
	l := lexers.Get(lang)
	if l == nil {
		return nil
	}
	return &highlighter{lexer: chroma.Coalesce(l), styles: st, cache: map[int]string{}}
}

func (h *highlighter) line(i int, text string) string {
	if h == nil {
		return text
	}
	if s, ok := h.cache[i]; ok {
		return s
	}
	it, err := h.lexer.Tokenise(nil, text)
	if err != nil {
		return text
	}
	var b strings.Builder
	for t := it(); t != chroma.EOF; t = it() {
		b.WriteString(h.style(t.Type).Render(strings.TrimRight(t.Value, "\n")))
	}
	// Visible lines only: a screenful, kept while the user scrolls nearby.
	if len(h.cache) > 1024 {
		clear(h.cache)
	}
	h.cache[i] = b.String()
	return h.cache[i]
}

func (h *highlighter) style(t chroma.TokenType) lipgloss.Style {
	s := h.styles
	switch {
	case t.InCategory(chroma.Name):
		return s.Key
	case t.InSubCategory(chroma.LiteralString):
		return s.String
	case t.InSubCategory(chroma.LiteralNumber):
		return s.Number
	case t.InCategory(chroma.Keyword):
		return s.Bool
	case t.InCategory(chroma.Comment):
		return s.Comment
	}
	return s.Punct
}
