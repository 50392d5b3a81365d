package send

import (
	"fmt"
	"net/url"
	"time"

	"gaff/sanitize"
	"gaff/storage"
)

// Line is the one-line account of an attempt that ngrok and Stripe CLI
// users expect: `<-- [200] POST http://localhost:3000/hook (12ms)`, or
// `<-- [error] POST http://localhost:3000/hook: connection refused: … (1ms)`.
// Method and URL come from the network, so the line is sanitised for a
// terminal.
func Line(d *storage.Delivery) string {
	s := "<-- "
	if d.Status > 0 {
		s += fmt.Sprintf("[%d] ", d.Status)
	} else {
		s += "[error] "
	}
	s += sanitize.Line(d.Method) + " " + sanitize.Line(RedactURL(d.URL))
	if d.Error != "" {
		s += ": " + sanitize.Line(d.Error)
	} else if d.RespTruncated {
		s += ": response cut"
	}
	if d.Status > 0 || d.Duration > 0 {
		s += " (" + shortDuration(d.Duration) + ")"
	}
	return s
}

func shortDuration(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// RedactURL hides a password in a URL (http://user:pass@host): lines and
// screens show where gaff sent, never the credentials it used.
func RedactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}
