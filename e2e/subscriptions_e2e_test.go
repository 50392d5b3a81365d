package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gaff/internal/testkit"

	"gaff/provider"
	"gaff/storage"
)

// verifyingTarget is a loopback receiver that checks each request's
// signature as scheme's provider would. Its answer carries what a terminal
// would act on, for the printing of it to defuse.
type verifyingTarget struct {
	*testkit.Recorder
	scheme string
	secret atomic.Value // string
}

func newVerifyingTarget(t *testing.T, scheme string) *verifyingTarget {
	// Go's client refuses raw controls in headers, not bidi.
	v := &verifyingTarget{Recorder: testkit.NewRecorder(t, "thanks \x1b[2J", "X-Answer", "evil\u202etxt.exe"), scheme: scheme}
	v.secret.Store("")
	return v
}

// verdict checks the next request that arrived with the secret set now.
func (v *verifyingTarget) verdict(t *testing.T) provider.Verdict {
	t.Helper()
	r, body := v.Next(t)
	return provider.Verify(v.scheme, v.secret.Load().(string), &provider.Request{Method: r.Method, URL: r.URL.String(), Header: r.Header, Body: body}, time.Now())
}

func TestCLISend(t *testing.T) {
	dir := t.TempDir()
	tg := newVerifyingTarget(t, provider.Stripe)
	tg.secret.Store("whsec_test123")
	out, err := gaffIn(t, dir, "", "send", "--to", tg.URL+"/hooks", "--event", "stripe.customer.created", "--secret", "whsec_test123",
		"--header", "X-Trace: 1")
	if err != nil || !regexp.MustCompile(`<-- \[200\] POST http://127\.0\.0\.1:\d+/hooks \(\d+ms\)`).MatchString(out) {
		t.Fatalf("gaff send: %v\n%s", err, out)
	}
	if v := tg.verdict(t); v.Result != provider.Valid {
		t.Fatalf("stripe signature at the receiver: %+v", v)
	}
	// What the target said is shown, through the sanitiser.
	if !strings.Contains(out, "X-Answer: evil") || strings.Contains(out, "\u202e") || !strings.Contains(out, `thanks \e[2J`) || strings.Contains(out, "\x1b") {
		t.Fatalf("response not shown safely:\n%q", out)
	}

	tg.Status(500)
	tg.secret.Store("s")
	out, err = gaffIn(t, dir, `{"a":1}`, "send", "--to", tg.URL, "--body", "-", "--scheme", "stripe", "--secret", "s")
	if err == nil || !strings.Contains(out, "<-- [500] POST") || !strings.Contains(out, "not delivered: the target answered 500") {
		t.Fatalf("a 500 must fail the command: %v\n%s", err, out)
	}
	tg.verdict(t)

	db, err := storage.Open(filepath.Join(dir, "g.db"), storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	sent, _ := db.ListDeliveries(context.Background(), storage.DeliveryFilter{Kind: storage.KindSend})
	db.Close()
	if len(sent) != 2 || sent[0].Status != 500 || string(sent[0].Body) != `{"a":1}` || sent[1].Headers.Get("Stripe-Signature") == "" {
		t.Fatalf("stored sends: %+v", sent)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"send", "--to", tg.URL, "--header", "no colon"}, `header "no colon" is not in the form 'Name: value'`},
		{[]string{"send", "--to", tg.URL, "--body", filepath.Join(dir, "missing.json")}, "cannot read --body"},
		{[]string{"send", "--to", tg.URL, "--event", "nope"}, `no event template named "nope"`},
		{[]string{"send", "--to", tg.URL, "--scheme", "hmac", "--secret", "x"}, `unknown signing scheme "hmac"`},
		{[]string{"send", "--to", tg.URL, "--event", "github.push"}, "github.push is signed as github: pass --secret"},
		{[]string{"send", "--to", tg.URL, "--scheme", "slack"}, "--scheme slack signs with a secret"},
		{[]string{"send", "--to", "localhost:3000/x"}, "did you mean http://localhost:3000/x"},
		{[]string{"send", "--event", "github.push"}, "--to URL is required"},
	} {
		if out, err := gaffIn(t, dir, "", c.args...); err == nil || !strings.Contains(out, c.want) {
			t.Errorf("gaff %v: err=%v\n%s\nwant %q", c.args, err, out, c.want)
		}
	}
	if out, err := gaffIn(t, dir, "", "send", "--list-events"); err != nil || !strings.Contains(out, "github.push") || !strings.Contains(out, "standard-webhooks.invoice.paid") {
		t.Fatalf("--list-events: %v\n%s", err, out)
	}
}

func TestCLISubscriptions(t *testing.T) {
	dir := t.TempDir()
	tg := newVerifyingTarget(t, provider.StandardWebhooks)
	out, err := gaffIn(t, dir, "", "subscriptions", "add", "local", "--to", tg.URL+"/hook", "--scheme", "standard-webhooks",
		"--generate-secret", "--header", "X-Env: test", "--events", "standard-webhooks.*", "--retry", "testing", "--timeout", "5s")
	secret := regexp.MustCompile(`secret: (whsec_\S+)`).FindStringSubmatch(out)
	if err != nil || secret == nil || !strings.Contains(out, "added subscription local (id 1)") {
		t.Fatalf("add: %v\n%s", err, out)
	}
	tg.secret.Store(secret[1])
	if out, err := gaffIn(t, dir, "", "subs", "add", "local", "--to", tg.URL); err == nil || !strings.Contains(out, `"local" already exists`) {
		t.Fatalf("duplicate add: %v\n%s", err, out)
	}

	out, err = gaffIn(t, dir, "", "subs", "list")
	if err != nil || !strings.Contains(out, "local") || !strings.Contains(out, "standard-webhooks") || strings.Contains(out, secret[1]) {
		t.Fatalf("list (secrets hidden): %v\n%s", err, out)
	}
	out, _ = gaffIn(t, dir, "", "subs", "list", "--json", "--show-secrets")
	var row map[string]any
	if err := json.Unmarshal([]byte(out), &row); err != nil || row["secret"] != secret[1] || row["retry"] != "testing" || row["timeout_ms"] != 5000.0 {
		t.Fatalf("list --json: %v\n%s", err, out)
	}

	out, err = gaffIn(t, dir, "", "subs", "fire", "local", "--event", "standard-webhooks.invoice.paid")
	if err != nil || !strings.Contains(out, "<-- [200] POST") || !strings.Contains(out, "event 1: delivered after 1 of 5 attempts") {
		t.Fatalf("fire: %v\n%s", err, out)
	}
	if v := tg.verdict(t); v.Result != provider.Valid {
		t.Fatalf("signature at the receiver: %+v", v)
	}
	if out, err := gaffIn(t, dir, "", "subs", "fire", "local", "--event", "github.push"); err == nil || !strings.Contains(out, "takes only") {
		t.Fatalf("an event the subscription does not take: %v\n%s", err, out)
	}

	tg.Status(503)
	out, err = gaffIn(t, dir, "plain text", "subs", "fire", "1", "--body", "-", "--header", "Content-Type: text/plain")
	if err == nil || !strings.Contains(out, "<-- [503]") || !strings.Contains(out, "event 2: pending after 1 of 5 attempts; next at") {
		t.Fatalf("failing fire: %v\n%s", err, out)
	}
	tg.verdict(t)
	out, _ = gaffIn(t, dir, "", "subs", "events", "local")
	if !strings.Contains(out, "raw payload") || !strings.Contains(out, "standard-webhooks.invoice.paid") || !strings.Contains(out, "answered 503") {
		t.Fatalf("events:\n%s", out)
	}

	// A running gaff resumes the pending retry and sends what is queued.
	tg.Status(200)
	addr := testkit.UnusedAddr(t)
	run := exec.Command(gaffBinary(t), "--headless", "--listen", addr, "--db", filepath.Join(dir, "g.db"), "--log", filepath.Join(dir, "g.log"))
	run.Env = append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "NGROK_AUTHTOKEN=")
	stderr, _ := run.StderrPipe()
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer run.Process.Kill()
	bufio.NewReader(stderr).ReadString('\n')
	if v := tg.verdict(t); v.Result != provider.Valid {
		t.Fatalf("the resumed retry: %+v", v)
	}
	out, err = gaffIn(t, dir, "", "subs", "fire", "local", "--event", "standard-webhooks.invoice.paid", "--queue")
	if err != nil || !strings.Contains(out, "event 3 queued for local") {
		t.Fatalf("fire --queue: %v\n%s", err, out)
	}
	if v := tg.verdict(t); v.Result != provider.Valid {
		t.Fatalf("the queued event: %+v", v)
	}
	run.Process.Signal(os.Interrupt)
	if err := run.Wait(); err != nil {
		t.Fatalf("gaff did not stop cleanly: %v", err)
	}
	out, _ = gaffIn(t, dir, "", "subs", "events", "local", "--json")
	if strings.Count(out, `"state":"delivered"`) != 3 {
		t.Fatalf("all three delivered:\n%s", out)
	}

	if out, err := gaffIn(t, dir, "", "subs", "remove", "local"); err != nil || !strings.Contains(out, "removed subscription local") {
		t.Fatalf("remove: %v\n%s", err, out)
	}
	if out, _ := gaffIn(t, dir, "", "subs", "list"); strings.TrimSpace(out) != "" {
		t.Fatalf("list after remove:\n%s", out)
	}
	if out, err := gaffIn(t, dir, "", "subs", "remove", "local"); err == nil || !strings.Contains(out, `no subscription named "local"`) {
		t.Fatalf("remove twice: %v\n%s", err, out)
	}
}
