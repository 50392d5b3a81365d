package send_test

import (
	"strings"
	"testing"

	"gaff/send"
	"gaff/storage"
)

// The event name comes from the network: the line never carries its
// control characters to the terminal.
func TestEventLineIsTerminalSafe(t *testing.T) {
	line := send.EventLine(&storage.Delivery{Status: 200, Method: "POST", URL: "http://x/"}, "push\x1b]0;owned\x07")
	if strings.ContainsAny(line, "\x1b\x07") || !strings.HasPrefix(line, "<-- [200] push") {
		t.Fatalf("line %q", line)
	}
}
