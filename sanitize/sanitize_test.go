package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestKnownAttacks(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain {\"a\":1}\n\tnext", "plain {\"a\":1}\n\tnext"},
		{"\x1b]0;pwned\x07", `\e]0;pwned\x07`},                   // set title
		{"\x1b]52;c;aGk=\x07", `\e]52;c;aGk=\x07`},               // OSC 52 clipboard
		{"\x1b]8;;http://x\x1b\\link", `\e]8;;http://x\e\link`},  // OSC 8 hyperlink
		{"\x1b[2J\x1b[H", `\e[2J\e[H`},                           // clear, cursor home
		{"\x1b[?1049h", `\e[?1049h`},                             // alternate screen
		{"\x1bP+q\x1b\\", `\eP+q\e\`},                            // DCS
		{"\u009b31m\u009d0;t\u009c", `\u009b31m\u009d0;t\u009c`}, // 8-bit C1 as UTF-8
		{"a\u202eb\u2066c", `a\u202eb\u2066c`},                   // bidi override, isolate
		{"z\u200bw\ufeff", `z\u200bw\ufeff`},                     // zero width space, BOM
		{"bad\xff\xc3(", `bad\xff\xc3(`},                         // invalid UTF-8
		{"del\x7f nul\x00 cr\r", `del\x7f nul\x00 cr\r`},
		{"line\u2028sep", `line\u2028sep`},
		{"tag\U000E0041", `tag\u{e0041}`},
		{"héllo 世界 🙂", "héllo 世界 🙂"},
	}
	for _, c := range cases {
		if got := String(c.in); got != c.want {
			t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Line("a\nb\tc"); got != `a\nb`+"\tc" {
		t.Errorf("Line kept a newline: %q", got)
	}
}

func TestSafeInputIsNotCopied(t *testing.T) {
	s := strings.Repeat(`{"k":"v"}`, 100)
	if n := testing.AllocsPerRun(10, func() { String(s) }); n != 0 {
		t.Errorf("clean ASCII allocated %v times", n)
	}
}

// checkSafe is the property the fuzz target proves.
func checkSafe(t *testing.T, in, out string, keepNewline bool) {
	if !utf8.ValidString(out) {
		t.Fatalf("output is not valid UTF-8 for %q: %q", in, out)
	}
	for _, r := range out {
		switch {
		case r == '\t', r == '\n' && keepNewline:
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
			t.Fatalf("control %U survived in %q (from %q)", r, out, in)
		case dangerous(r):
			t.Fatalf("format char %U survived in %q (from %q)", r, out, in)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "a", "\x1b[31m", "\xff", "\u202e", "\x9b", "\xc2\x9b", "tab\tnl\n", "\U0001F600"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSafe(t, in, String(in), true)
		checkSafe(t, in, Line(in), false)
		for _, keep := range []bool{true, false} {
			if i := Unsafe(clean(in, keep), keep); i >= 0 {
				t.Fatalf("Unsafe finds %q at %d in the cleaned %q", clean(in, keep)[i:], i, in)
			}
			if (Unsafe(in, keep) < 0) != (clean(in, keep) == in) {
				t.Fatalf("Unsafe(%q) = %d, but cleaning gives %q", in, Unsafe(in, keep), clean(in, keep))
			}
		}
	})
}
