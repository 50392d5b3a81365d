package e2e

import (
	"strings"
	"testing"

	"gaff/provider"
)

// At 120 columns each row of the TUI's list names its event, in full.
func TestTUIRowsShowEventNames(t *testing.T) {
	s := startTUI(t, 120, 30)
	postSigned(t, "http://"+s.addr+"/github", provider.SchemeGitHub,
		map[string]string{"X-GitHub-Event": "pull_request", "User-Agent": "GitHub-Hookshot/abc"}, `{"action":"opened","number":7}`)
	postSigned(t, "http://"+s.addr+"/stripe", provider.SchemeStripe, nil,
		`{"id":"evt_1","object":"event","type":"payment_intent.succeeded"}`)
	scr := s.waitFor("/github", "/stripe")
	for path, event := range map[string]string{"/github": "pull_request.opened", "/stripe": "payment_intent.succeeded"} {
		found := false
		for line := range strings.Lines(scr) {
			if strings.Contains(line, path+" ") {
				found = true
				if !strings.Contains(line, event) {
					t.Errorf("the %s row does not name %s:\n%s", path, event, scr)
				}
			}
		}
		if !found {
			t.Errorf("no %s row:\n%s", path, scr)
		}
	}
}
