package sanitize

import (
	"bytes"
	"encoding/json"
	"testing"
)

// JSON written through WriteJSON is the same value, with nothing a terminal
// could act on left raw.
func TestWriteJSONEscapesWhatEncodingJSONLeaves(t *testing.T) {
	in := "del\x7f c1\u009b bidi\u202e zw\u200b tag\U000E0041 line\u2028 plain é 🙂 \x1b[2J"
	enc, _ := json.Marshal(map[string]string{"k": in})
	var b bytes.Buffer
	WriteJSON(&b, enc)
	if i := Unsafe(b.String(), false); i >= 0 {
		t.Fatalf("raw at %d: %q", i, b.String())
	}
	var back map[string]string
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back["k"] != in {
		t.Fatalf("not the same value: %v %q", err, back["k"])
	}
}
