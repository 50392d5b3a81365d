package send

import (
	"fmt"
	"strings"
	"time"

	"gaff/sanitize"
	"gaff/storage"
)

// Line is the one-line account of an attempt that ngrok and Stripe CLI
// users expect: `<-- [200] POST http://localhost:3000/hook (12ms)`, or
// `<-- [error] POST http://localhost:3000/hook: connection refused: … (1ms)`.
// Method and URL come from the network, so the line is sanitised for a
// terminal.
func Line(d *storage.Delivery) string { return EventLine(d, "") }

// EventLine is Line naming the event of the capture sent, when known:
// "<-- [200] pull_request.opened POST http://localhost:3000/hook (12ms)".
func EventLine(d *storage.Delivery, event string) string {
	s := "<-- "
	if d.Status > 0 {
		s += fmt.Sprintf("[%d] ", d.Status)
	} else {
		s += "[error] "
	}
	if event != "" {
		s += sanitize.Line(event) + " "
	}
	s += sanitize.Line(d.Method) + " " + sanitize.Line(RedactURL(d.URL))
	if d.Error != "" {
		s += ": " + sanitize.Line(d.Error)
	} else if d.RespTruncated {
		s += ": response cut"
	}
	if d.Status > 0 || d.Duration > 0 {
		s += " (" + Took(d.Duration) + ")"
	}
	return s
}

// Took is how long an attempt took, as Line says it.
func Took(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// RedactURL hides a password in a URL (http://user:pass@host): lines,
// screens and errors show where gaff sends, never the credentials it uses.
// It works on the text, so a URL Go cannot parse (a typo in the host, no
// scheme) is shown without its password too.
func RedactURL(s string) string {
	prefix, rest := "", s
	if i := strings.Index(s, "://"); i >= 0 {
		prefix, rest = s[:i+3], s[i+3:]
	}
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
	}
	// The host follows the last @: a password may hold @ itself.
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return s
	}
	user, _, hasPassword := strings.Cut(authority[:at], ":")
	if !hasPassword {
		return s
	}
	return prefix + user + ":xxxxx" + rest[at:]
}
