package cli

import (
	"gaff/provider"
	"gaff/storage"
)

// verdictMark is the one-cell mark the TUI's list uses for what gaff made
// of a capture, with – for a capture that carries no signature.
func verdictMark(s *storage.Summary) string {
	switch {
	case s.Handshake != "":
		return "⇄"
	case s.Signature == provider.Valid:
		return "✓"
	case s.Signature == provider.Invalid:
		return "✗"
	case s.Signature == provider.Unsigned:
		return "–"
	case s.Signature == provider.NoSecret:
		return "?"
	}
	return ""
}

// verdictWord is the mark with its word, for a column people read.
func verdictWord(s *storage.Summary) string {
	switch m := verdictMark(s); {
	case m == "":
		return ""
	case s.Handshake != "":
		return m + " handshake"
	default:
		return m + " " + s.Signature
	}
}
