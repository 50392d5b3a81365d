package ui

import (
	"charm.land/lipgloss/v2"
)

// Styles is every look the UI uses, built once and handed down through the
// common part every component holds, so none invents colours of its own.
type Styles struct {
	App, Title, URL, Muted, Dim, Bold          lipgloss.Style
	Online, Warn, Error, OK                    lipgloss.Style
	Border, BorderFocus, BoxTitle, BoxTitleFoc lipgloss.Style
	Selected, SelectedBlur, NewRow             lipgloss.Style
	Match, MatchNow                            lipgloss.Style // find hits in a body, the current one
	Method                                     map[string]lipgloss.Style
	StatusOK, Status3xx, Status4xx, Status5xx  lipgloss.Style
	Tab, TabActive                             lipgloss.Style
	HeaderName, HeaderValue                    lipgloss.Style
	Escape                                     lipgloss.Style // sanitiser escapes inside shown text
	HelpKey, HelpDesc, HelpSep                 lipgloss.Style
	Badge, BadgeGood, BadgeBad                 lipgloss.Style
	Code                                       codeStyles
}

type codeStyles struct {
	Key, String, Number, Bool, Null, Punct, Comment, Offset lipgloss.Style
}

// DefaultStyles uses the 16 ANSI colours plus a few 256-colour accents, so
// the user's terminal theme decides what they look like.
func DefaultStyles() Styles {
	c := lipgloss.Color
	s := Styles{}
	s.App = lipgloss.NewStyle()
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(c("0")).Background(c("5")).Padding(0, 1)
	s.URL = lipgloss.NewStyle().Bold(true).Foreground(c("6"))
	s.Muted = lipgloss.NewStyle().Foreground(c("8"))
	s.Dim = lipgloss.NewStyle().Faint(true)
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.Online = lipgloss.NewStyle().Foreground(c("2"))
	s.Warn = lipgloss.NewStyle().Foreground(c("3"))
	s.Error = lipgloss.NewStyle().Foreground(c("1")).Bold(true)
	s.OK = lipgloss.NewStyle().Foreground(c("2"))
	s.Border = lipgloss.NewStyle().Foreground(c("8"))
	s.BorderFocus = lipgloss.NewStyle().Foreground(c("5"))
	s.BoxTitle = lipgloss.NewStyle().Foreground(c("7"))
	s.BoxTitleFoc = lipgloss.NewStyle().Foreground(c("5")).Bold(true)
	s.Selected = lipgloss.NewStyle().Reverse(true)
	s.SelectedBlur = lipgloss.NewStyle().Background(c("8")).Foreground(c("15"))
	s.NewRow = lipgloss.NewStyle().Foreground(c("2"))
	s.Match = lipgloss.NewStyle().Background(c("3")).Foreground(c("0"))
	s.MatchNow = lipgloss.NewStyle().Background(c("5")).Foreground(c("15")).Bold(true)
	s.Method = map[string]lipgloss.Style{
		"GET":    lipgloss.NewStyle().Foreground(c("4")),
		"POST":   lipgloss.NewStyle().Foreground(c("2")),
		"PUT":    lipgloss.NewStyle().Foreground(c("3")),
		"PATCH":  lipgloss.NewStyle().Foreground(c("3")),
		"DELETE": lipgloss.NewStyle().Foreground(c("1")),
	}
	s.StatusOK = lipgloss.NewStyle().Foreground(c("2"))
	s.Status3xx = lipgloss.NewStyle().Foreground(c("6"))
	s.Status4xx = lipgloss.NewStyle().Foreground(c("3"))
	s.Status5xx = lipgloss.NewStyle().Foreground(c("1"))
	s.Tab = lipgloss.NewStyle().Foreground(c("8"))
	s.TabActive = lipgloss.NewStyle().Bold(true).Foreground(c("5"))
	s.HeaderName = lipgloss.NewStyle().Foreground(c("6"))
	s.HeaderValue = lipgloss.NewStyle()
	s.Escape = lipgloss.NewStyle().Foreground(c("1")).Faint(true)
	s.HelpKey = lipgloss.NewStyle().Bold(true)
	s.HelpDesc = lipgloss.NewStyle().Foreground(c("8"))
	s.HelpSep = lipgloss.NewStyle().Foreground(c("8"))
	s.Badge = lipgloss.NewStyle().Foreground(c("5"))
	s.BadgeGood = lipgloss.NewStyle().Foreground(c("2"))
	s.BadgeBad = lipgloss.NewStyle().Foreground(c("1")).Bold(true)
	s.Code = codeStyles{
		Key:     lipgloss.NewStyle().Foreground(c("4")),
		String:  lipgloss.NewStyle().Foreground(c("2")),
		Number:  lipgloss.NewStyle().Foreground(c("3")),
		Bool:    lipgloss.NewStyle().Foreground(c("5")),
		Null:    lipgloss.NewStyle().Foreground(c("8")),
		Punct:   lipgloss.NewStyle(),
		Comment: lipgloss.NewStyle().Foreground(c("8")),
		Offset:  lipgloss.NewStyle().Foreground(c("8")),
	}
	return s
}

// statusStyle colours an HTTP status by class.
func (s *Styles) statusStyle(code int) lipgloss.Style {
	switch {
	case code >= 500:
		return s.Status5xx
	case code >= 400:
		return s.Status4xx
	case code >= 300:
		return s.Status3xx
	case code >= 200:
		return s.StatusOK
	}
	return s.Muted
}

func (s *Styles) methodStyle(m string) lipgloss.Style {
	if st, ok := s.Method[m]; ok {
		return st
	}
	return s.Bold
}
