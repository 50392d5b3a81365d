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

// A repeat of an earlier delivery says so as it scrolls by, as gaff list
// marks it; a hang or reset row says it got no answer.
func TestCaptureLineOfARepeat(t *testing.T) {
	r := &storage.Request{Summary: storage.Summary{ID: 26, Time: time.Now(), Method: "POST", Target: "/gh", Size: 7,
		Status: 200, DeliveryID: "github:abc", DuplicateOf: 25}}
	if got := string(captureLine(r)); !strings.HasSuffix(got, "POST /gh 7 B → 200  dup #25") {
		t.Fatalf("line %q", got)
	}
	r.Status = 0
	if got := string(captureLine(r)); !strings.HasSuffix(got, "→ no answer  dup #25") {
		t.Fatalf("line %q", got)
	}
}
