package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gaff/provider"
)

// The receiver libraries of GitHub (octokit/webhooks) and Shopify
// (@shopify/shopify-api) refuse a delivery that lacks the headers naming
// it; `gaff send --body` gets the event type from --type and sends them.
func TestSendNamesTheEventTheReceiverNeeds(t *testing.T) {
	dir := t.TempDir()
	got := make(chan http.Header, 4)
	bodies := make(chan []byte, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r.Header.Clone()
		bodies <- b
	}))
	t.Cleanup(srv.Close)
	file := filepath.Join(dir, "event.json")
	if err := os.WriteFile(file, []byte(`{"id":1,"note":"from a file"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	receive := func() (http.Header, []byte) {
		t.Helper()
		select {
		case h := <-got:
			return h, <-bodies
		case <-time.After(15 * time.Second):
			t.Fatal("the receiver got nothing")
		}
		return nil, nil
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

	if out, err := gaffIn(t, dir, "", "send", "--to", srv.URL, "--body", file, "--scheme", "github", "--secret", "gh", "--type", "push"); err != nil {
		t.Fatalf("github: %v\n%s", err, out)
	}
	h, body := receive()
	if h.Get("X-GitHub-Event") != "push" || !uuid.MatchString(h.Get("X-GitHub-Delivery")) {
		t.Errorf("github headers: %v", h)
	}
	if v := provider.Verify(provider.GitHub, "gh", &provider.Request{Method: "POST", URL: "/", Header: h, Body: body}, time.Now()); v.Result != provider.Valid {
		t.Errorf("github signature: %+v", v)
	}

	if out, err := gaffIn(t, dir, "", "send", "--to", srv.URL, "--body", file, "--scheme", "shopify", "--secret", "shpss", "--type", "orders/create"); err != nil {
		t.Fatalf("shopify: %v\n%s", err, out)
	}
	h, body = receive()
	if h.Get("X-Shopify-Topic") != "orders/create" || !strings.HasSuffix(h.Get("X-Shopify-Shop-Domain"), ".myshopify.com") ||
		!regexp.MustCompile(`^\d{4}-\d{2}$`).MatchString(h.Get("X-Shopify-API-Version")) || !uuid.MatchString(h.Get("X-Shopify-Webhook-Id")) {
		t.Errorf("shopify headers: %v", h)
	}
	if v := provider.Verify(provider.Shopify, "shpss", &provider.Request{Method: "POST", URL: "/", Header: h, Body: body}, time.Now()); v.Result != provider.Valid {
		t.Errorf("shopify signature: %+v", v)
	}

	// A type given as a header needs no --type; --type replaces a template's.
	if out, err := gaffIn(t, dir, "", "send", "--to", srv.URL, "--body", file, "--scheme", "github", "--secret", "gh", "--header", "X-GitHub-Event: ping"); err != nil {
		t.Fatalf("header: %v\n%s", err, out)
	}
	if h, _ := receive(); h.Get("X-GitHub-Event") != "ping" {
		t.Errorf("X-GitHub-Event %q, want the header given", h.Get("X-GitHub-Event"))
	}
	if out, err := gaffIn(t, dir, "", "send", "--to", srv.URL, "--event", "github.push", "--secret", "gh", "--type", "release"); err != nil {
		t.Fatalf("template: %v\n%s", err, out)
	}
	if h, _ := receive(); len(h.Values("X-GitHub-Event")) != 1 || h.Get("X-GitHub-Event") != "release" {
		t.Errorf("X-GitHub-Event %q, want --type's alone", h.Values("X-GitHub-Event"))
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--scheme", "github", "--secret", "gh"}, "--type"},
		{[]string{"--scheme", "shopify", "--secret", "shpss"}, "X-Shopify-Topic"},
		{[]string{"--scheme", "stripe", "--secret", "whsec_x", "--type", "push"}, "in the body"},
	} {
		args := append([]string{"send", "--to", srv.URL, "--body", file}, c.args...)
		if out, err := gaffIn(t, dir, "", args...); err == nil || !strings.Contains(out, c.want) {
			t.Errorf("gaff %v: err=%v\n%s\nwant %q", args, err, out, c.want)
		}
	}
	select {
	case h := <-got:
		t.Errorf("a refused send reached the receiver: %v", h)
	default:
	}
}
