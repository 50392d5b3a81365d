package cli

import (
	"context"
	"encoding/json"
	"io"

	"gaff/sanitize"
	"gaff/tunnel"
)

// readyLine is what --headless writes on stderr, one JSON object a line,
// when a script may start posting: first for the local address, then again
// with the public URL once it is online (README, "Scripts and CI").
type readyLine struct {
	Ready  bool   `json:"ready"`
	Local  string `json:"local"`
	Public string `json:"public,omitempty"`
}

func writeReady(w io.Writer, local, public string) {
	b, _ := json.Marshal(readyLine{Ready: true, Local: local, Public: public})
	// One write, so the line never interleaves with the tunnel's lines.
	w.Write(append(b, '\n'))
}

// reportTunnel prints the public URL's state as it changes and, the first
// time it is online, the second ready line. The URL comes from ngrok, so
// it passes the sanitiser on both (a real URL is plain ASCII and passes
// unchanged).
func reportTunnel(ctx context.Context, public tunnel.Tunnel, local string, w io.Writer) {
	lines := tunnel.Lines(sanitizingWriter{w})
	ready := false
	tunnel.Watch(ctx, public, func(s tunnel.State) {
		lines(s)
		if !ready && s.Status == tunnel.Online && s.URL != "" {
			writeReady(w, local, sanitize.Line(s.URL))
			ready = true
		}
	})
}
