package e2e

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"gaff/fixture"
	"gaff/internal/testkit"
	"gaff/send"
	"gaff/storage"
)

func TestCIReplayBadInputExits2(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	broken := filepath.Join(dir, "broken")
	os.Mkdir(broken, 0o755)
	os.WriteFile(filepath.Join(broken, "0001-generic-request.json"), []byte("{not a fixture"), 0o644)
	to := "http://127.0.0.1:1/hook"
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--dir", filepath.Join(dir, "nope"), "--to", to}, "no such directory"},
		{[]string{"--dir", empty, "--to", to}, "holds no fixtures"},
		{[]string{"--dir", broken, "--to", to}, "0001-generic-request.json"},
		{[]string{"--dir", empty, "--to", to, "--assert", "status=abc"}, `--assert "status=abc"`},
		{[]string{"--dir", empty, "--to", to, "--assert", "json:.a[=1"}, "--assert"},
		{[]string{"--dir", empty, "--to", "ftp://x"}, "--to"},
		{[]string{"--dir", empty}, "needs --to"},
		{[]string{"--dir", empty, "--to", to, "--timing", "slow"}, "--timing"},
		{[]string{"--dir", empty, "--to", to, "--shuffle"}, "--shuffle is for replaying captures"},
		{[]string{"--dir", empty, "--to", to, "7"}, "leave out 7"},
		{[]string{"--dir", empty, "--to", to, "--ignore", ".body.id"}, "add --golden"},
		{[]string{"--dir", empty, "--to", to, "--golden", "--ignore", ""}, "empty ignore path"},
		{[]string{"--dir", empty, "--to", to, "--junit", filepath.Join(dir, "no", "r.xml")}, "--junit"},
	} {
		out, err := gaffCLI(t, append([]string{"replay"}, c.args...)...)
		if exitCode(err) != 2 || !strings.Contains(out, c.says) {
			t.Errorf("gaff replay %s: exit %d, want 2 and %q:\n%s", strings.Join(c.args, " "), exitCode(err), c.says, out)
		}
	}
}

// ciHandler stands for a user's app in CI: it checks GitHub signatures
// with the test secret, as the app would, and answers with answer.
func ciHandler(t *testing.T, secret string, answer *atomic.Value) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-GitHub-Event") != "" {
			m := hmac.New(sha256.New, []byte(secret))
			m.Write(body)
			if r.Header.Get("X-Hub-Signature-256") != "sha256="+hex.EncodeToString(m.Sum(nil)) {
				http.Error(w, "bad signature", http.StatusUnauthorized)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, answer.Load().(string))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestCIReplayFromCaptureToCI walks README "From capture to CI" with the
// real binary: catch, save as fixtures with --redact, replay in CI.
func TestCIReplayFromCaptureToCI(t *testing.T) {
	g := startHeadless(t)
	body := "{\n  \"ref\": \"refs/heads/main\",\n  \"pusher\": {\"email\": \"octo@example.com\"}\n}"
	m := hmac.New(sha256.New, []byte("the-live-secret"))
	m.Write([]byte(body))
	raw(t, g.addr, "POST /hooks/github?src=1 HTTP/1.1\r\nHost: x\r\nx-github-event: push\r\nX-GitHub-Delivery: d-1\r\n"+
		"X-Hub-Signature-256: sha256="+hex.EncodeToString(m.Sum(nil))+"\r\nContent-Type: application/json\r\nX-Repeat: a\r\nX-Repeat: b\r\n"+
		fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
	raw(t, g.addr, "PUT /other HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello")
	fx := filepath.Join(t.TempDir(), "fixtures")
	if out, err := gaffCLI(t, "fixture", "save", "1", "2", "--redact", "--dir", fx, "--db", g.db); err != nil {
		t.Fatalf("gaff fixture save: %v\n%s", err, out)
	}

	fs, err := fixture.Load(fx)
	if err != nil || len(fs) != 2 {
		t.Fatalf("fixtures: %v %v", fs, err)
	}
	push := fs[0].Request
	if push.Headers.Get("X-Hub-Signature-256") == "sha256="+hex.EncodeToString(m.Sum(nil)) || string(push.Body) == body {
		t.Fatalf("--redact kept the signature or the e-mail:\n%s", push.Body)
	}

	// The fixtures arrive as saved: body bytes, headers in order, case and
	// repeats; the redacted signature rides along without --resign.
	base, caught := testkit.CaptureServer(t)
	if out, err := gaffCLI(t, "replay", "--dir", fx, "--to", base+"/app"); err != nil {
		t.Fatalf("to a capture server: %v\n%s", err, out)
	}
	for i, f := range fs {
		got, err := caught.GetRequest(context.Background(), int64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		if got.Method != f.Request.Method || got.Target != "/app"+f.Request.Target || !bytes.Equal(got.Body, f.Request.Body) {
			t.Fatalf("fixture %d arrived as %s %s %q", i, got.Method, got.Target, got.Body)
		}
		if want, arrived := headerList(f.Request.Headers), headerList(got.Headers); !slices.Equal(want, arrived) {
			t.Fatalf("fixture %d headers:\n%q\narrived as\n%q", i, want, arrived)
		}
	}

	var answer atomic.Value
	answer.Store(`{"ok":true,"n":1}`)
	app := ciHandler(t, "test", &answer)
	dir := t.TempDir()
	report := filepath.Join(dir, "report.xml")

	// The redacted signature fails the app's check: exit 1, a FAIL line.
	out, err := gaffCLI(t, "replay", "--dir", fx, "--to", app+"/hook", "--assert", "status=2xx", "--junit", report)
	if exitCode(err) != 1 || !strings.Contains(out, "FAIL  0001-github-push.json  401 ") || !strings.Contains(out, "status=2xx: got status 401") ||
		!strings.Contains(out, "PASS  0002-generic-request.json  200 ") || !strings.Contains(out, "2 fixtures: 1 passed, 1 failed") {
		t.Fatalf("without --resign: %v\n%s", err, out)
	}
	if s := readJUnit(t, report); s.Tests != 2 || s.Failures != 1 || s.Cases[0].Failure == nil || s.Cases[0].Failure.Message != "status=2xx: got status 401" {
		t.Fatalf("report: %+v", s)
	}

	// Re-signed with the test secret, every assertion holds.
	out, err = gaffCLI(t, "replay", "--dir", fx, "--to", app+"/hook", "--resign", "--secret", "github=test",
		"--assert", "status=2xx", "--assert", "json:.ok=true", "--assert", "header:content-type=application/json", "--junit", report)
	if err != nil || strings.Count(out, "PASS") != 2 {
		t.Fatalf("--resign: %v\n%s", err, out)
	}
	if s := readJUnit(t, report); s.Tests != 2 || s.Failures != 0 || s.Cases[0].Name != "0001-github-push.json" {
		t.Fatalf("report: %+v", s)
	}
	// An assertion that does not hold: exit 1, with what came back.
	out, err = gaffCLI(t, "replay", "--dir", fx, "--to", app+"/hook", "--resign", "--secret", "github=test", "--assert", "json:.n=2")
	if exitCode(err) != 1 || strings.Count(out, "json:.n=2: got 1") != 2 {
		t.Fatalf("json:.n=2: %v\n%s", err, out)
	}
	// A secret missing for a provider among the fixtures is bad input.
	if out, err := gaffCLI(t, "replay", "--dir", fx, "--to", app, "--resign"); exitCode(err) != 2 || !strings.Contains(out, "--secret github=SECRET") {
		t.Fatalf("--resign without a secret: %v\n%s", err, out)
	}

	// --golden: the first run stores, the second passes, a changed answer fails with a diff.
	golden := []string{"replay", "--dir", fx, "--to", app + "/hook", "--resign", "--secret", "github=test", "--golden"}
	out, err = gaffCLI(t, golden...)
	stored := filepath.Join(fx, "responses", "0001-github-push.json")
	if err != nil || !strings.Contains(out, "(answer stored in "+stored+")") {
		t.Fatalf("golden, first run: %v\n%s", err, out)
	}
	if _, err := os.Stat(stored); err != nil {
		t.Fatal(err)
	}
	if out, err := gaffCLI(t, golden...); err != nil || strings.Contains(out, "stored") {
		t.Fatalf("golden, second run: %v\n%s", err, out)
	}
	answer.Store(`{"ok":false,"n":1}`)
	out, err = gaffCLI(t, golden...)
	if exitCode(err) != 1 || strings.Count(out, "the answer differs from") != 2 || strings.Count(out, "\n      .body.ok: true → false\n") != 2 {
		t.Fatalf("golden, changed answer: %v\n%s", err, out)
	}
	t.Logf("changed answer:\n%s", out)
}

// headerList is h as "Name: value" lines in order, less what a new
// request makes anew (Host, Content-Length) and gaff's loop mark.
func headerList(h storage.Headers) []string {
	var out []string
	for _, x := range h {
		if !strings.EqualFold(x.Name, "Host") && !strings.EqualFold(x.Name, "Content-Length") && x.Name != send.LoopHeader {
			out = append(out, x.Name+": "+x.Value)
		}
	}
	return out
}

type junitReport struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Cases    []struct {
		Name    string `xml:"name,attr"`
		Failure *struct {
			Message string `xml:"message,attr"`
			Text    string `xml:",chardata"`
		} `xml:"failure"`
	} `xml:"testcase"`
}

// readJUnit parses a --junit report back, as a CI system would.
func readJUnit(t *testing.T, path string) junitReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s junitReport
	if err := xml.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s does not parse: %v\n%s", path, err, b)
	}
	return s
}
