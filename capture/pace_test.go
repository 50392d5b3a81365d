package capture

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"gaff/storage"
)

// A body that has not averaged the minimum rate once the grace period is
// over is cut: stored as far as it came and answered 408 with the reason.
// The thresholds are small so the test checks the outcome, not a clock.
func TestABodyBelowTheMinimumRateIsCutWith408(t *testing.T) {
	rg := newRig(t, Config{MinBodyRate: 1 << 20, BodyGrace: 50 * time.Millisecond}, storage.Options{})
	for _, sent := range []string{"abc", ""} {
		c := startBody(t, "127.0.0.1", rg.url, "/trickle", 1000, []byte(sent))
		code, _, msg := readAnswer(t, c)
		if code != 408 || !strings.Contains(msg, "too slowly") || !strings.Contains(msg, "1 MiB a second") {
			t.Fatalf("a stalled body got %d %q", code, msg)
		}
		got := rg.last(t)
		if got.Target != "/trickle" || string(got.Body) != sent || got.Status != 408 || !got.Truncated || !strings.Contains(got.Note, "too slowly") {
			t.Fatalf("stored %+v %q", got.Summary, got.Body)
		}
	}
	// One that arrives at once is not.
	body := bytes.Repeat([]byte("f"), 100<<10)
	resp, err := http.Post(rg.url+"/fast", "text/plain", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := rg.last(t); resp.StatusCode != 200 || !bytes.Equal(got.Body, body) {
		t.Fatalf("a fast body got %d, stored %d bytes", resp.StatusCode, len(got.Body))
	}
}
