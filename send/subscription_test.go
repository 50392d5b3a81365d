package send

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gaff/storage"
)

func TestCheckSubscription(t *testing.T) {
	ok := func() storage.Subscription {
		return storage.Subscription{Name: "local", URL: "http://localhost:3000/hook", Scheme: "github", Secret: "s"}
	}
	s := ok()
	if err := CheckSubscription(&s); err != nil || s.Retry != RetrySvix || s.Timeout != 15*time.Second {
		t.Fatalf("defaults: %v %+v", err, s)
	}
	for _, c := range []struct {
		change func(*storage.Subscription)
		want   string
	}{
		{func(s *storage.Subscription) { s.Name = " " }, "needs a name"},
		{func(s *storage.Subscription) { s.Name = "42" }, "is a number"},
		{func(s *storage.Subscription) { s.Name = "a\x1bb" }, "control characters"},
		{func(s *storage.Subscription) { s.URL = "localhost:3000/hook" }, "did you mean http://"},
		{func(s *storage.Subscription) { s.URL = "ftp://x" }, "not an http:// or https:// URL"},
		{func(s *storage.Subscription) { s.Scheme = "hmac" }, `unknown signing scheme "hmac"`},
		{func(s *storage.Subscription) { s.Secret = "" }, "needs a secret"},
		{func(s *storage.Subscription) { s.Scheme, s.Secret = "standard-webhooks", "whsec_!!" }, "not whsec_ followed by base64"},
		{func(s *storage.Subscription) { s.Headers = storage.Headers{{Name: "Bad Name", Value: "x"}} }, "not a valid HTTP header name"},
		{func(s *storage.Subscription) { s.Headers = storage.Headers{{Name: "X", Value: "a\r\nb"}} }, "line break"},
		{func(s *storage.Subscription) { s.Events = []string{"a b"} }, "not a name or pattern"},
		{func(s *storage.Subscription) { s.Events = []string{"[x"} }, "not a name or pattern"},
		{func(s *storage.Subscription) { s.Timeout = time.Hour }, "out of range"},
		{func(s *storage.Subscription) { s.Retry = "forever" }, "unknown retry profile"},
	} {
		s := ok()
		c.change(&s)
		if err := CheckSubscription(&s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", s, err, c.want)
		}
	}
	none := storage.Subscription{Name: "n", URL: "https://example.com"}
	if err := CheckSubscription(&none); err != nil || none.Scheme != "none" {
		t.Fatalf("unsigned subscription: %v", err)
	}
}

func TestAcceptsAndFilters(t *testing.T) {
	s := &storage.Subscription{Events: []string{"github.push", "stripe.*", "shopify.*"}}
	for typ, want := range map[string]bool{"github.push": true, "github.ping": false, "stripe.customer.created": true,
		"shopify.orders/create": true, "slack.message": false} {
		if Accepts(s, typ) != want {
			t.Errorf("Accepts(%q) = %v", typ, !want)
		}
	}
	if !Accepts(&storage.Subscription{}, "anything") {
		t.Error("an empty list takes every event")
	}

	h := newHarness(t, DispatcherOptions{})
	sub := h.subscribe(storage.Subscription{Name: "gh", URL: "http://127.0.0.1:1/", Events: []string{"github.*"}})
	if _, err := h.disp.FireTemplate(context.Background(), sub.ID, "stripe.customer.created"); err == nil || !strings.Contains(err.Error(), "takes only") {
		t.Fatalf("filtered template: %v", err)
	}
	if _, err := h.disp.FireTemplate(context.Background(), sub.ID, "nope"); err == nil || !strings.Contains(err.Error(), "github.push") {
		t.Fatalf("unknown template: %v", err)
	}
	// A raw payload is the user's explicit choice: no filter.
	if _, err := h.disp.Fire(context.Background(), sub.ID, Payload{Body: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if got, err := FindSubscription(context.Background(), h.db, "gh"); err != nil || got.ID != sub.ID {
		t.Fatalf("by name: %v", err)
	}
	if got, err := FindSubscription(context.Background(), h.db, "#1"); err != nil || got.ID != sub.ID {
		t.Fatalf("by id: %v", err)
	}
	if _, err := FindSubscription(context.Background(), h.db, "other"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}

func TestParseHeader(t *testing.T) {
	if h, err := ParseHeader("X-Token:  a: b "); err != nil || h.Name != "X-Token" || h.Value != "a: b" {
		t.Fatalf("%+v %v", h, err)
	}
	for _, bad := range []string{"no colon", ": v", "Bad Name: v"} {
		if _, err := ParseHeader(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Go's client refuses to send a header value with a control character
// other than tab; gaff refuses it when it is typed, not at send time.
func TestHeaderValuesGoWillNotSendAreRefused(t *testing.T) {
	for _, v := range []string{"a\x01b", "a\x7fb", "a\x1bb", "a\rb", "a\x00b"} {
		if _, err := ParseHeader("X-A: " + v); err == nil || !strings.Contains(err.Error(), "which HTTP cannot carry") {
			t.Errorf("value %q: %v", v, err)
		}
	}
	for _, v := range []string{"a\tb", "ünïcode", "a b"} {
		if _, err := ParseHeader("X-A: " + v); err != nil {
			t.Errorf("value %q refused: %v", v, err)
		}
	}
}

func TestUserTemplatesOverrideBuiltIn(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "push.json"), []byte(`{"name":"github.push","scheme":"github","body":{"mine":true}}`), 0o600)
	os.WriteFile(filepath.Join(dir, "acme.json"), []byte(`{"name":"acme.order","body":{"id":"{{id:ord_}}"}}`), 0o600)
	list, err := Templates(dir)
	if err != nil {
		t.Fatal(err)
	}
	push, _ := FindTemplate(list, "github.push")
	acme, err := FindTemplate(list, "acme.order")
	if err != nil || !strings.Contains(string(push.Body), "mine") || len(list) != len(Templates0())+1 {
		t.Fatalf("merged list: %v %s %d", err, push.Body, len(list))
	}
	if p := RenderTemplate(acme, t0); !strings.HasPrefix(string(p.Body), `{"id":"ord_`) || p.Type != "acme.order" || p.Method != "POST" {
		t.Fatalf("rendered %+v", p)
	}
	os.WriteFile(filepath.Join(dir, "broken.json"), []byte(`{"name":`), 0o600)
	list, err = Templates(dir)
	if err == nil || !strings.Contains(err.Error(), "broken.json") || len(list) != len(Templates0()) {
		t.Fatalf("broken file: %v, %d templates", err, len(list))
	}
	t.Setenv("XDG_CONFIG_HOME", "/x/cfg")
	if TemplateDir() != "/x/cfg/gaff/templates" {
		t.Fatal(TemplateDir())
	}
}

// Templates0 is the built-in list alone.
func Templates0() []string {
	list, _ := Templates("")
	names := make([]string, len(list))
	for i, t := range list {
		names[i] = t.Name
	}
	return names
}
