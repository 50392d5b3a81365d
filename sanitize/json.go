package sanitize

import (
	"bytes"
	"unicode/utf8"
)

// WriteJSON copies JSON text to b, escaping what encoding/json lets through
// raw: it escapes C0 controls but not DEL, C1 controls and bidi or
// zero-width characters. Escaped, JSON output (--headless, exports) is
// safe on a terminal and still the same JSON value. Such runes can only
// occur inside strings in valid JSON, so enc may be a whole document.
func WriteJSON(b *bytes.Buffer, enc []byte) {
	for i := 0; i < len(enc); {
		c := enc[i]
		if c < utf8.RuneSelf && c != 0x7f {
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(enc[i:])
		if r == 0x7f || dangerous(r) {
			b.Write(appendEscapedRune(b.AvailableBuffer(), r))
		} else {
			b.Write(enc[i : i+size])
		}
		i += size
	}
}
