package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var requiredHeaders = map[string][]string{
	GitHub: {"X-GitHub-Event", "X-GitHub-Delivery", "X-GitHub-Hook-ID", "X-GitHub-Hook-Installation-Target-Type",
		"X-GitHub-Hook-Installation-Target-ID", "User-Agent", "Content-Type"},
	Stripe:           {"User-Agent", "Content-Type"},
	Slack:            {"User-Agent", "Content-Type"},
	Shopify:          {"X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id", "X-Shopify-Triggered-At", "X-Shopify-Event-Id", "Content-Type"},
	Jira:             {"X-Atlassian-Webhook-Identifier", "User-Agent", "Content-Type"},
	StandardWebhooks: {"Content-Type"},
	"":               {"Content-Type"},
}

func TestEmbeddedTemplateNames(t *testing.T) {
	list := Templates()
	for _, name := range []string{"github.ping", "github.push", "github.issues.opened", "github.pull_request.opened",
		"stripe.payment_intent.succeeded", "stripe.customer.created", "slack.message", "shopify.orders/create",
		"jira.issue_created", "generic.event"} {
		if _, ok := FindTemplate(list, name); !ok {
			t.Errorf("no built-in template %q", name)
		}
	}
	if _, ok := FindTemplate(list, "nope"); ok {
		t.Error("found a template that does not exist")
	}
}

func TestEmbeddedTemplatesRender(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, tpl := range Templates() {
		t.Run(tpl.Name, func(t *testing.T) {
			method, hs, body := Render(tpl, now)
			if method != "POST" {
				t.Errorf("method %q", method)
			}
			if !tpl.BodyJSON || !json.Valid(body) {
				t.Fatalf("body is not valid JSON:\n%s", body)
			}
			if bytes.Contains(body, []byte("{{")) {
				t.Errorf("body keeps a placeholder: %s", body[bytes.Index(body, []byte("{{")):][:40])
			}
			h := http.Header{}
			for _, p := range hs {
				if strings.Contains(p.Value, "{{") {
					t.Errorf("header %s keeps a placeholder: %q", p.Name, p.Value)
				}
				h.Add(p.Name, p.Value)
			}
			for _, name := range requiredHeaders[tpl.Provider] {
				if h.Get(name) == "" {
					t.Errorf("missing header %s", name)
				}
			}
			if !isScheme(tpl.Scheme) || DefaultScheme(tpl.Provider) != tpl.Scheme && tpl.Provider != Jira {
				t.Errorf("scheme %q for provider %q", tpl.Scheme, tpl.Provider)
			}

			// Signed with its default scheme, it reads as its provider, validly.
			secret, _ := GenerateSecret(tpl.Scheme)
			sig, err := Sign(tpl.Scheme, SignInput{Body: body, Secret: secret, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			r := withHeaders(&Request{Method: method, URL: "https://example.com/hook", Header: h, Body: body}, sig)
			if got := Detect(r); got != tpl.Provider {
				t.Errorf("Detect = %q, want %q", got, tpl.Provider)
			}
			if tpl.Scheme != SchemeNone {
				if v := Verify(tpl.Provider, secret, r, now); v.Result != Valid {
					t.Errorf("Verify = %+v", v)
				}
			}
			if a, ok := Handshake(r, HandshakeConfig{}); ok || a != nil {
				t.Errorf("a sample event is taken for a handshake: %+v", a)
			}
		})
	}
}

func TestRenderFreshValues(t *testing.T) {
	list := Templates()
	now := time.Now()
	for _, tpl := range list {
		_, h1, b1 := Render(tpl, now)
		_, h2, b2 := Render(tpl, now)
		// A ping's body is the same every time; its delivery id is not.
		if bytes.Equal(b1, b2) && fmt.Sprint(h1) == fmt.Sprint(h2) {
			t.Errorf("%s: two renders are identical", tpl.Name)
		}
		for i := range h1 {
			if strings.EqualFold(h1[i].Name, "X-GitHub-Delivery") && h1[i].Value == h2[i].Value {
				t.Errorf("%s: X-GitHub-Delivery repeats", tpl.Name)
			}
		}
	}
}

func TestRenderTypesAndNamedValues(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	stripe, _ := FindTemplate(Templates(), "stripe.payment_intent.succeeded")
	_, _, body := Render(stripe, now)
	var ev struct {
		ID      string `json:"id"`
		Created any    `json:"created"`
		Data    struct {
			Object struct {
				ID           string `json:"id"`
				ClientSecret string `json:"client_secret"`
			} `json:"object"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Created != float64(now.Unix()) {
		t.Errorf("created = %#v, want the number %d", ev.Created, now.Unix())
	}
	if !strings.HasPrefix(ev.ID, "evt_") || len(ev.ID) != 28 {
		t.Errorf("id %q, want evt_ and 24 characters", ev.ID)
	}
	if !strings.HasPrefix(ev.Data.Object.ClientSecret, ev.Data.Object.ID+"_secret_") {
		t.Errorf("client_secret %q does not start with the intent id %q", ev.Data.Object.ClientSecret, ev.Data.Object.ID)
	}
	if !bytes.Contains(body, []byte("\n  \"object\": \"event\"")) {
		t.Error("Stripe body is not indented as Stripe sends it")
	}

	shop, _ := FindTemplate(Templates(), "shopify.orders/create")
	_, hs, body := Render(shop, now)
	var order struct {
		ID json.Number `json:"id"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&order); err != nil {
		t.Fatal(err)
	}
	for _, h := range hs {
		if h.Name == "X-Shopify-Order-Id" && h.Value != order.ID.String() {
			t.Errorf("X-Shopify-Order-Id %q, body id %q: want the same", h.Value, order.ID)
		}
	}
}

func TestRenderPlaceholders(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 890_000_000, time.UTC)
	tpl, err := ParseTemplate([]byte(`{"name":"t","headers":[["X-Id","{{digits:6@n}}"],["X-Time","{{rfc3339}}"]],
		"body":{"n":"{{digits:6@n}}","s":"n-{{digits:6@n}}","ms":"{{unix_ms}}","t":"{{time:2006-01-02}}","lit":"{{open}}x}}",
		"esc":"say \"{{unix}}\"","hex":"{{hex:5}}","up":"{{upper:4}}","id":"{{id:cus_:14}}","nano":"{{rfc3339nano}}","u":"{{uuid}}"}}`), "inline")
	if err != nil {
		t.Fatal(err)
	}
	_, hs, body := Render(tpl, now)
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	n := hs[0].Value
	checks := map[string]any{
		"n": mustFloat(t, n), "s": "n-" + n, "ms": float64(now.UnixMilli()), "t": "2025-03-04", "lit": "{{x}}",
		"esc": `say "1741064767"`, "nano": "2025-03-04T05:06:07.89Z",
	}
	for k, want := range checks {
		if got[k] != want {
			t.Errorf("%s = %#v, want %#v", k, got[k], want)
		}
	}
	if hs[1].Value != "2025-03-04T05:06:07Z" {
		t.Errorf("X-Time = %q", hs[1].Value)
	}
	if s := got["hex"].(string); len(s) != 5 || strings.Trim(s, "0123456789abcdef") != "" {
		t.Errorf("hex = %q", s)
	}
	if s := got["id"].(string); len(s) != 18 || !strings.HasPrefix(s, "cus_") {
		t.Errorf("id = %q", s)
	}
	if s := got["u"].(string); len(s) != 36 || s[14] != '4' {
		t.Errorf("uuid = %q", s)
	}
	if s := got["up"].(string); len(s) != 4 || strings.ToUpper(s) != s {
		t.Errorf("upper = %q", s)
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	var f float64
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return f
}

func TestRenderTextBody(t *testing.T) {
	tpl, err := ParseTemplate([]byte(`{"name":"twilio.sms","provider":"twilio","method":"post",
		"headers":[["Content-Type","application/x-www-form-urlencoded"]],
		"body":"MessageSid=SM{{hex:32}}&AccountSid=AC{{hex:32}}&Body=Hello+%7B%7B"}`), "inline")
	if err != nil {
		t.Fatal(err)
	}
	method, _, body := Render(tpl, time.Now())
	if method != "POST" || tpl.BodyJSON || !strings.HasPrefix(string(body), "MessageSid=SM") || !strings.HasSuffix(string(body), "Body=Hello+%7B%7B") || len(body) != len("MessageSid=SM&AccountSid=AC&Body=Hello+%7B%7B")+64 {
		t.Fatalf("%s %q", method, body)
	}
}

func TestLoadTemplates(t *testing.T) {
	t.Run("missing dir is no error", func(t *testing.T) {
		list, err := LoadTemplates(filepath.Join(t.TempDir(), "nope"))
		if err != nil || list != nil {
			t.Fatalf("%v, %v", list, err)
		}
	})
	t.Run("good files, sorted, other files ignored", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "b.json", `{"name":"acme.b","body":{"x":1}}`)
		write(t, dir, "a.json", `{"name":"acme.a","scheme":"stripe","headers":[["X-Acme","1"]],"body":null}`)
		write(t, dir, "notes.txt", `not a template`)
		list, err := LoadTemplates(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Name != "acme.a" || list[1].Name != "acme.b" || list[0].Scheme != SchemeStripe || list[1].Scheme != SchemeNone || list[1].Method != "POST" {
			t.Fatalf("%+v", list)
		}
		if !strings.HasSuffix(list[0].Source, "a.json") {
			t.Errorf("Source %q", list[0].Source)
		}
		if _, _, body := Render(list[0], time.Now()); len(body) != 0 {
			t.Errorf("null body rendered as %q", body)
		}
	})
	bad := []struct {
		name, content, want string
	}{
		{"syntax", "{\n  \"name\": \"x\",\n  \"body\": {,}\n}", "line 3, column"},
		{"unknown field", `{"name":"x","hedaers":[]}`, `unknown field "hedaers"`},
		{"no name", `{"body":{}}`, `"name" must be`},
		{"bad scheme", `{"name":"x","scheme":"hmac"}`, `"scheme" "hmac" is not one of`},
		{"bad method", `{"name":"x","method":"PO ST"}`, `is not an HTTP method`},
		{"header not a pair", `{"name":"x","headers":[["A"]]}`, "header 1 must be a [name, value] pair"},
		{"header name", `{"name":"x","headers":[["Bad Name","v"]]}`, "not a valid header name"},
		{"header CRLF", `{"name":"x","headers":[["A","v\r\nB: w"]]}`, "line break"},
		{"unknown placeholder", `{"name":"x","body":{"id":"{{uid}}"}}`, "unknown placeholder {{uid}}"},
		{"unclosed placeholder", `{"name":"x","body":{"id":"{{uuid"}}`, "never closes"},
		{"bad count", `{"name":"x","headers":[["A","{{hex:0}}"]]}`, "between 1 and"},
		{"two objects", `{"name":"x"} {"name":"y"}`, "text after"},
		{"wrong type", `{"name":"x","headers":"A: b"}`, "line 1, column"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "good.json", `{"name":"ok","body":{}}`)
			write(t, dir, "broken.json", tt.content)
			_, err := LoadTemplates(dir)
			if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "broken.json")) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v; want it to name broken.json and say %q", err, tt.want)
			}
		})
	}
	t.Run("duplicate names", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "one.json", `{"name":"same"}`)
		write(t, dir, "two.json", `{"name":"same"}`)
		_, err := LoadTemplates(dir)
		if err == nil || !strings.Contains(err.Error(), "one.json") || !strings.Contains(err.Error(), "two.json") {
			t.Fatalf("err = %v; want both files named", err)
		}
	})
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
