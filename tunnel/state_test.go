package tunnel

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestStateLine(t *testing.T) {
	tests := []struct {
		s    State
		want string
	}{
		{State{}, "tunnel: off"},
		{State{Status: Connecting}, "tunnel: connecting to ngrok…"},
		{State{Status: Connecting, Err: "connection refused by 1.2.3.4:443"}, "tunnel: connecting to ngrok… (last attempt: connection refused by 1.2.3.4:443)"},
		{State{Status: Online, URL: "https://lucky-otter.ngrok.app"}, "tunnel: online https://lucky-otter.ngrok.app"},
		{State{Status: Online, URL: "https://lucky-otter.ngrok.app", Latency: 42 * time.Millisecond}, "tunnel: online https://lucky-otter.ngrok.app (42ms)"},
		{State{Status: Reconnecting, Err: "lost the connection to ngrok"}, "tunnel: reconnecting: lost the connection to ngrok"},
		{State{Status: Failed, Err: "ngrok refused the authtoken", Hint: "get one"}, "tunnel: failed: ngrok refused the authtoken — get one"},
	}
	for _, tt := range tests {
		if got := tt.s.Line(); got != tt.want {
			t.Errorf("Line() = %q, want %q", got, tt.want)
		}
	}
	for s := Off; s <= Failed; s++ {
		if strings.HasPrefix(s.String(), "Status(") {
			t.Errorf("Status %d has no name", int(s))
		}
	}
}

func TestNotifyNeverBlocks(t *testing.T) {
	ch := make(chan struct{}, 1)
	for range 3 {
		notify(ch) // a full channel must not stop the sender
	}
	<-ch
	select {
	case <-ch:
		t.Error("three changes should coalesce into one signal")
	default:
	}
}

func TestRedactHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(newRedactHandler(slog.NewJSONHandler(&buf, nil), fakeToken))
	log = log.With("token", fakeToken)
	log.Error("auth failed for "+fakeToken,
		"err", errors.New("Your authtoken: "+fakeToken),
		slog.Group("req", "authtoken", fakeToken),
		"count", 3,
		"struct", struct{ Token string }{fakeToken},
	)
	out := buf.String()
	if strings.Contains(out, fakeToken) {
		t.Errorf("token leaked: %s", out)
	}
	if strings.Count(out, redacted) != 5 || !strings.Contains(out, `"count":3`) {
		t.Errorf("want five redactions and other values intact: %s", out)
	}
	// A token too short to be real is left alone rather than blanking text.
	if h := newRedactHandler(slog.DiscardHandler, "abc"); h != slog.DiscardHandler {
		t.Error("short secrets should not be redacted")
	}
}
