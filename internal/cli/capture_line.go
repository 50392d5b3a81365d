package cli

import (
	"fmt"

	"gaff/internal/bytesize"
	"gaff/sanitize"
	"gaff/storage"
)

// captureLine is --headless --format text's line for a capture, to read as
// it scrolls by:
// `12:04:05 #7 --> pull_request.opened [github ✓] POST /github 1.1 KiB → 200`.
// All but the numbers came from the network, so it is sanitised.
func captureLine(r *storage.Request) []byte {
	s := fmt.Sprintf("%s #%d -->", r.Time.Local().Format("15:04:05"), r.ID)
	if r.Event != "" {
		s += " " + sanitize.Line(r.Event)
	}
	if r.Provider != "" {
		s += " [" + sanitize.Line(r.Provider)
		if m := verdictMark(&r.Summary); m != "" {
			s += " " + m
		}
		s += "]"
	}
	s += fmt.Sprintf(" %s %s %s", sanitize.Line(r.Method), sanitize.Line(r.Target), bytesize.Format(r.Size))
	if r.Truncated {
		s += " (cut)"
	}
	if r.Status == 0 {
		s += " → no answer" // a hang or reset rule
	} else {
		s += fmt.Sprintf(" → %d", r.Status)
	}
	// Which arrival it is would cost a query per line; the first's id is
	// on the row already (ARCHITECTURE.md, "Duplicates").
	if mark := r.DuplicateMark(); mark != "" {
		s += "  " + mark
	}
	return []byte(s)
}
