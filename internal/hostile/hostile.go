// Package hostile is the corpus of terminal attacks that tests throw at
// every parser and every screen (hostile input is data: ARCHITECTURE.md,
// "Promises and the measurements behind them"). Only tests import it. Each
// fuzz target's seed corpus in its package's testdata/fuzz holds these too;
// `go test ./internal/hostile -update` writes them after a change here.
package hostile

import (
	"strconv"
	"strings"
)

// Attack is one payload and what it tries.
type Attack struct {
	Name    string
	Payload string
}

// Corpus is every attack, in a fixed order.
func Corpus() []Attack {
	return []Attack{
		{"osc0-title", "\x1b]0;pwned\x07"},
		{"osc2-title-st", "\x1b]2;owned\x1b\\"},
		{"osc52-clipboard", "\x1b]52;c;cm0gLXJmIH4K\x07"},
		{"osc8-link", "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"},
		{"csi-cursor", "\x1b[2J\x1b[H\x1b[5;5Hmoved\x1b[3A\x1b[K"},
		{"sgr-colour", "\x1b[31;1;5mred\x1b[0m\x1b[?25h"},
		{"alt-screen", "\x1b[?1049h\x1b[?1000h"},
		{"reset", "\x1bc\x1b[!p\x1b(0lqk"},
		{"dcs", "\x1bP+q544e\x1b\\\x1bPq#0;2;0;0;0~~\x1b\\"},
		{"tmux-passthrough", "\x1bPtmux;\x1b\x1b]0;passthrough\x07\x1b\\"},
		{"c1-raw", "\x9b2J\x9d0;c1title\x07\x90q\x9c"},
		{"c1-utf8", "\u009b2J\u009d0;c1title\u009c"},
		{"c0-controls", "nul\x00bel\x07bs\x08so\x0esi\x0fdel\x7fcr\rEVIL"},
		{"bidi", "admin\u202egnp.exe\u202c \u2066iso\u2069\u200f"},
		{"zero-width", "pa\u200bss\ufeffwo\u200drd\u2060"},
		{"line-separators", "a\u2028b\u2029c"},
		{"long-line", strings.Repeat("0123456789", 1000)},
		{"deep-json-arrays", strings.Repeat("[", 10000) + strings.Repeat("]", 10000)},
		{"deep-json-objects", strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)},
		{"invalid-utf8", "\xff\xfe\xc3\x28\xed\xa0\x80\xf4\x90\x80\x80\xc0\xaf\xe2\x82"},
	}
}

// Request is a raw HTTP/1.1 request carrying the payload in its path (after
// /h/NAME/), query, a header name, a header value and its body. net/http
// refuses most of them (control bytes, a name that is not a token); gaff
// stores them anyway.
func (a Attack) Request() string {
	target := strings.ReplaceAll(a.Payload, " ", "%20")
	return "POST /h/" + a.Name + "/" + target + "?q=" + target + " HTTP/1.1\r\nHost: hostile\r\nX-Hostile: " + a.Payload + "\r\nX-" + a.Payload + ": name" +
		"\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(a.Payload)) + "\r\n\r\n" + a.Payload
}
