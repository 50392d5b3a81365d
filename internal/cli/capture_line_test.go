package cli

import (
	"strings"
	"testing"
	"time"

	"gaff/storage"
)

// The text line names what came and what gaff made of it, sanitised: all
// but its numbers came from the network.
func TestCaptureLine(t *testing.T) {
	r := &storage.Request{Summary: storage.Summary{ID: 9, Time: time.Now(), Method: "POST", Target: "/s\x1b[2J", Size: 1126,
		Status: 401, Provider: "stripe", Event: "charge.failed\x07", Signature: "invalid", Truncated: true}}
	got := string(captureLine(r))
	if _, rest, _ := strings.Cut(got, " "); rest != `#9 --> charge.failed\x07 [stripe ✗] POST /s\e[2J 1.1 KiB (cut) → 401` {
		t.Fatalf("line %q", got)
	}
}
