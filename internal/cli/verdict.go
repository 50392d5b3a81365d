package cli

import (
	"gaff/provider"
	"gaff/storage"
)

// verdictMark is the one-cell mark the TUI's list uses for what gaff made
// of a capture, with – for a capture that carries no signature.
func verdictMark(s *storage.Summary) string {
	if m := provider.Mark(s.Handshake, s.Signature); m != "" || s.Signature != provider.Unsigned {
		return m
	}
	return "–"
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
