// Package sanitize is the one gate every network byte passes before it
// reaches the terminal (hostile input is data: ARCHITECTURE.md, "Promises
// and the measurements behind them"). It turns anything a terminal could
// act on into a visible escape, so a webhook can never set the title, write
// the clipboard, move the cursor or reorder text on the user's screen.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// String makes s safe to print, keeping tabs and newlines.
func String(s string) string { return clean(s, true) }

// Line makes s safe to print on one line: newlines become \n too.
func Line(s string) string { return clean(s, false) }

// Bytes is String for a byte slice.
func Bytes(b []byte) string { return clean(string(b), true) }

// safeASCII reports whether s needs no work, the common case for JSON bodies
// and header values, so they pass without an allocation.
func safeASCII(s string, keepNewline bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f || c == '\t' || (c == '\n' && keepNewline) {
			continue
		}
		return false
	}
	return true
}

const hexDigits = "0123456789abcdef"

func clean(s string, keepNewline bool) string {
	if safeASCII(s, keepNewline) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\t' || (c == '\n' && keepNewline):
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == 0x1b:
				b.WriteString(`\e`)
			case c < 0x20 || c == 0x7f:
				b.WriteString(`\x`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// Invalid UTF-8 shows as the byte it was.
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
			i++
			continue
		}
		if dangerous(r) {
			writeU(&b, r)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Unsafe returns the offset of the first character in s that String (or
// Line, when keepNewline is false) would escape, or -1 when s can reach a
// terminal as it is. Tests hold every screen to it.
func Unsafe(s string, keepNewline bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && c != '\t' && (c != '\n' || !keepNewline) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || dangerous(r) {
			return i
		}
		i += size
	}
	return -1
}

// dangerous covers C1 controls (8-bit CSI, OSC, DCS…), format characters
// (bidi overrides and isolates, zero-width joiners and spaces, BOM) and the
// Unicode line separators: each can make text on screen differ from the bytes.
func dangerous(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	case unicode.Is(unicode.Cf, r):
		return true
	}
	return false
}

func writeU(b *strings.Builder, r rune) {
	b.WriteString(`\u`)
	if r > 0xffff {
		b.WriteString(`{`)
		b.WriteString(strings.TrimLeft(hex32(uint32(r)), "0"))
		b.WriteString(`}`)
		return
	}
	b.WriteString(hex32(uint32(r))[4:])
}

func hex32(v uint32) string {
	var buf [8]byte
	for i := 7; i >= 0; i-- {
		buf[i] = hexDigits[v&0xf]
		v >>= 4
	}
	return string(buf[:])
}
