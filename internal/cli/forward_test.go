package cli

import "testing"

func TestForwardingBackToGaffIsRefused(t *testing.T) {
	self := "http://127.0.0.1:4747"
	for target, loop := range map[string]bool{
		"http://127.0.0.1:4747/hook":   true,
		"http://localhost:4747":        true,
		"http://[::1]:4747/":           true,
		"http://0.0.0.0:4747":          true,
		"http://localhost:3000/hook":   false,
		"https://localhost:4747":       false, // gaff does not speak TLS locally: not a loop, a TLS error
		"http://example.com:4747/hook": false,
	} {
		if got := pointsAt(target, self); got != loop {
			t.Errorf("pointsAt(%q, %q) = %v", target, self, got)
		}
	}
}
