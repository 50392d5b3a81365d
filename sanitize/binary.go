package sanitize

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// LooksText says whether b reads as text: valid UTF-8 with few control
// bytes (one in a hundred at most). Text with a stray escape is still text,
// which String shows safely; a PNG is not, and goes to a hex dump. Only
// the first 64 KiB are judged, and a rune cut in half at their end (or at
// --max-body) does not count against it.
func LooksText(b []byte) bool {
	if len(b) > 64<<10 {
		b = b[:64<<10]
	}
	for k := 0; k < utf8.UTFMax && len(b) > 0 && !utf8.Valid(b); k++ {
		b = b[:len(b)-1]
	}
	if !utf8.Valid(b) {
		return false
	}
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			ctl++
		}
	}
	return ctl*100 <= len(b)
}

// HexRow is one row of a hex dump of up to 16 bytes: the bytes in hex (a
// gap after the eighth, short rows padded) and the printable ASCII ones
// (anything else a dot, padded to 16), so nothing but plain characters
// reaches the terminal. Callers add the offset and the frame.
func HexRow(row []byte) (hex, ascii string) {
	var h, a strings.Builder
	for k := range 16 {
		if k == 8 {
			h.WriteByte(' ')
		}
		if k < len(row) {
			fmt.Fprintf(&h, "%02x ", row[k])
		} else {
			h.WriteString("   ")
		}
	}
	for _, c := range row {
		if c < 0x20 || c >= 0x7f {
			c = '.'
		}
		a.WriteByte(c)
	}
	a.WriteString(strings.Repeat(" ", 16-len(row)))
	return h.String(), a.String()
}
