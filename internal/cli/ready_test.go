package cli

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"testing"

	"gaff/tunnel"
)

// stepTunnel goes through the states it is given, one per read of
// Changes, as a real tunnel reports them.
type stepTunnel struct {
	net.Listener
	states []tunnel.State
	i      int
	ch     chan struct{}
}

func (s *stepTunnel) URL() string         { return s.State().URL }
func (s *stepTunnel) State() tunnel.State { return s.states[s.i] }
func (s *stepTunnel) Changes() <-chan struct{} {
	if s.i+1 < len(s.states) {
		s.i++
	}
	s.ch <- struct{}{}
	return s.ch
}

func TestReadyLineWhenThePublicURLIsOnline(t *testing.T) {
	const url = "https://abc.ngrok.app"
	tun := &stepTunnel{ch: make(chan struct{}, 1), states: []tunnel.State{
		{Status: tunnel.Connecting},
		{Status: tunnel.Online, URL: url},
		{Status: tunnel.Reconnecting, URL: url, Err: "lost"},
		{Status: tunnel.Online, URL: url},
		{Status: tunnel.Off},
	}}
	var out bytes.Buffer
	reportTunnel(t.Context(), tun, "http://127.0.0.1:4747", &out)

	var ready []readyLine
	for line := range strings.SplitSeq(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var r readyLine
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		ready = append(ready, r)
	}
	// Once, though the tunnel came online twice; the state lines still say
	// everything that happened.
	if len(ready) != 1 || ready[0] != (readyLine{Ready: true, Local: "http://127.0.0.1:4747", Public: url}) {
		t.Errorf("ready lines %+v in\n%s", ready, out.String())
	}
	if got := strings.Count(out.String(), "tunnel: online "+url); got != 2 {
		t.Errorf("%d online lines in\n%s", got, out.String())
	}
	if strings.Index(out.String(), "tunnel: online") > strings.Index(out.String(), `{"ready"`) {
		t.Errorf("the ready line came before the state line:\n%s", out.String())
	}
}
