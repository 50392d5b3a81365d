package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"gaff/provider"
)

// postSigned posts body with headers, signed for scheme with a secret gaff
// does not know: the provider is named by its signature header either way.
func postSigned(t *testing.T, url string, scheme string, h map[string]string, body string) {
	t.Helper()
	sig, err := provider.Sign(scheme, provider.SignInput{Body: []byte(body), Secret: "whsec_c2VjcmV0", Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range h {
		req.Header.Set(k, v)
	}
	for _, x := range sig {
		req.Header.Set(x.Name, x.Value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// A GitHub pull_request and a Stripe event are listed, printed as JSON and
// searched by the events they carry.
func TestEventsAreListedAndSearched(t *testing.T) {
	g := startHeadless(t)
	postSigned(t, "http://"+g.addr+"/github", provider.SchemeGitHub,
		map[string]string{"X-GitHub-Event": "pull_request", "User-Agent": "GitHub-Hookshot/abc"}, `{"action":"opened","number":7}`)
	postSigned(t, "http://"+g.addr+"/stripe", provider.SchemeStripe, nil,
		`{"id":"evt_1","object":"event","type":"payment_intent.succeeded"}`)

	out, err := gaffCLI(t, "list", "--db", g.db)
	if err != nil || !strings.Contains(out, "pull_request.opened       /github") || !strings.Contains(out, "payment_intent.succeeded  /stripe") {
		t.Fatalf("gaff list: %v\n%s", err, out)
	}

	out, err = gaffCLI(t, "list", "--db", g.db, "--json")
	if err != nil {
		t.Fatalf("gaff list --json: %v\n%s", err, out)
	}
	var got []string
	for line := range strings.Lines(out) {
		var r struct{ Provider, Event string }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		got = append(got, r.Provider+" "+r.Event)
	}
	if strings.Join(got, ", ") != "stripe payment_intent.succeeded, github pull_request.opened" {
		t.Fatalf("gaff list --json: %q", got)
	}

	out, err = gaffCLI(t, "list", "--db", g.db, "--search", "event:pull_request.*")
	if err != nil || strings.Count(out, "\n") != 2 || !strings.Contains(out, "pull_request.opened") {
		t.Fatalf("gaff list --search event:pull_request.*: %v\n%s", err, out)
	}
}
