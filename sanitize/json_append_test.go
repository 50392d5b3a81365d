package sanitize

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// The one-pass string writer says exactly what encoding/json followed by
// WriteJSON said: same bytes, so --headless output is unchanged.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `"\<>&` + "\x00\x1f\x7f\b\f\n\r\t", "\xff\xfe\xc3", "\u0085\u009b\u00a0é",
		"\u200b\u200e\u202e\u2028\u2029\ufeff", "\U000E0041\U0001F600", "a\xe2\x80", strings.Repeat("x", 100) + "\x01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc, _ := json.Marshal(s)
		WriteJSON(&want, enc)
		if got := AppendJSONString(nil, s); string(got) != want.String() {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want.String())
		}
		if got := AppendJSONString(nil, []byte(s)); string(got) != want.String() {
			t.Fatalf("%q as bytes: %s", s, got)
		}
	})
}
