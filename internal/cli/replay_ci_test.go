package cli

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gaff/fixture"
	"gaff/internal/testkit"
	"gaff/send"
	"gaff/storage"
)

// ciCaseAt is a fixture file in dir (not written: the runner reads only
// its path) posting body to path.
func ciCaseAt(dir, name, path, body string, h ...storage.Header) fixture.Fixture {
	return fixture.Fixture{Path: filepath.Join(dir, name), Request: &storage.Request{
		Summary: storage.Summary{Method: "POST", Target: path}, Headers: h, Body: []byte(body)}}
}

func newCIRun(t *testing.T, target string, asserts []string, cases ...fixture.Fixture) *ciRun {
	t.Helper()
	as, err := parseAssertions(asserts)
	if err != nil {
		t.Fatal(err)
	}
	return &ciRun{cases: cases, target: target, asserts: as, client: send.NewClient(0)}
}

// playCI runs run and returns its output and results.
func playCI(t *testing.T, run *ciRun) (string, []ciResult) {
	t.Helper()
	var out bytes.Buffer
	res, err := run.play(context.Background(), &out)
	if err != nil {
		t.Fatalf("play: %v\n%s", err, out.String())
	}
	return out.String(), res
}

// answering is a handler answering each path with its own status and JSON.
func answering(t *testing.T, answers map[string]string) string {
	return plainServer(t, func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		status, body, _ := strings.Cut(a, " ")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Handler", "yes")
		w.WriteHeader(map[string]int{"200": 200, "202": 202, "500": 500}[status])
		w.Write([]byte(body))
	})
}

func plainServer(t *testing.T, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestCIReplayAssertionsPassAndFail(t *testing.T) {
	dir := t.TempDir()
	target := answering(t, map[string]string{"/ok": `200 {"ok":true,"items":[{"id":7}]}`, "/bad": `500 <h1>boom</h1>`, "/later": `202 {"ok":false}`})
	// Each assertion kind once passing (on /ok) and once failing (on /bad or /later).
	asserts := []string{"status=2xx", "status=200", "header:X-Handler=yes", "header:Content-Type=text/plain", "body~\"ok\":true", "json:.items[0].id=7"}
	run := newCIRun(t, target, asserts,
		ciCaseAt(dir, "0001-generic-request.json", "/ok", "{}"),
		ciCaseAt(dir, "0002-generic-request.json", "/bad", "{}"),
		ciCaseAt(dir, "0003-generic-request.json", "/later", "{}"))
	out, res := playCI(t, run)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || len(res) != 3 {
		t.Fatalf("want a line a fixture:\n%s", out)
	}
	if !strings.HasPrefix(lines[0], "FAIL  0001-generic-request.json  200 ") ||
		!strings.Contains(lines[0], `header:Content-Type=text/plain: got Content-Type: "application/json"`) ||
		strings.Count(lines[0], ": got") != 1 {
		t.Errorf("/ok fails only the header it lacks:\n%s", lines[0])
	}
	for _, want := range []string{"status=2xx: got status 500", "status=200: got status 500", `body~"ok":true: got body "<h1>boom</h1>"`,
		"json:.items[0].id=7: got a body that is not JSON"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("/bad: no %q in\n%s", want, lines[1])
		}
	}
	if !strings.Contains(lines[2], "status=200: got status 202") || !strings.Contains(lines[2], "json:.items[0].id=7: got nothing at .items") ||
		strings.Contains(lines[2], "status=2xx") {
		t.Errorf("/later:\n%s", lines[2])
	}

	// Only what the handler answers decides: all pass on /ok.
	run = newCIRun(t, target, []string{"status=2xx", "header:x-handler=yes", "body~ok", "json:.ok=true"}, ciCaseAt(dir, "0001-a.json", "/ok", "{}"))
	if out, res := playCI(t, run); !res[0].passed() || !strings.HasPrefix(out, "PASS  0001-a.json  200 ") {
		t.Fatalf("all should hold:\n%s", out)
	}

	var sum bytes.Buffer
	err := summary(&sum, res)
	if ExitCode(err) != 1 || sum.String() != "3 fixtures: 0 passed, 3 failed\n" {
		t.Fatalf("summary %q, exit %d", sum.String(), ExitCode(err))
	}
	_, one := playCI(t, newCIRun(t, target, nil, ciCaseAt(dir, "0001-a.json", "/ok", "{}")))
	sum.Reset()
	if err := summary(&sum, one); err != nil || sum.String() != "1 fixture: 1 passed, 0 failed\n" {
		t.Fatalf("summary of one %q, %v", sum.String(), err)
	}
}

func TestCIReplayNoAnswerFails(t *testing.T) {
	dead := "http://" + testkit.UnusedAddr(t)
	out, res := playCI(t, newCIRun(t, dead, nil, ciCaseAt(t.TempDir(), "0001-a.json", "/x", "{}")))
	if res[0].passed() || !strings.Contains(out, "FAIL  0001-a.json  no answer: ") {
		t.Fatalf("%s", out)
	}
}

func TestCIReplaySendsTheFixtureAsSaved(t *testing.T) {
	base, db := testkit.CaptureServer(t)
	h := []storage.Header{{Name: "x-b", Value: "2"}, {Name: "Content-Type", Value: "application/json"}, {Name: "X-A", Value: "1"}, {Name: "x-b", Value: "3"}}
	body := "{ \"spaced\" :\t1 }\n"
	_, res := playCI(t, newCIRun(t, base+"/base", nil, ciCaseAt(t.TempDir(), "0001-a.json", "/hook?q=1&q=2", body, h...)))
	if !res[0].passed() {
		t.Fatalf("%+v", res[0])
	}
	got := testkit.Newest(t, db)
	if got.Target != "/base/hook?q=1&q=2" || string(got.Body) != body {
		t.Fatalf("the handler got %s %q", got.Target, got.Body)
	}
	// In order, case kept, repeats where they were; Host and
	// Content-Length are the new request's, the loop mark goes last.
	var lines []string
	for _, x := range got.Headers {
		if x.Name != "Host" && x.Name != "Content-Length" && x.Name != send.LoopHeader {
			lines = append(lines, x.Name+": "+x.Value)
		}
	}
	if !slices.Equal(lines, []string{"x-b: 2", "Content-Type: application/json", "X-A: 1", "x-b: 3"}) {
		t.Fatalf("headers arrived as %q", lines)
	}
}

func TestCIReplayResigns(t *testing.T) {
	const secret = "test"
	// A GitHub handler that checks the signature, as a user's would.
	target := plainServer(t, func(w http.ResponseWriter, r *http.Request) {
		b := new(bytes.Buffer)
		b.ReadFrom(r.Body)
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(b.Bytes())
		if r.Header.Get("X-Hub-Signature-256") != "sha256="+hex.EncodeToString(m.Sum(nil)) {
			w.WriteHeader(401)
			return
		}
		w.WriteHeader(204)
	})
	c := ciCaseAt(t.TempDir(), "0001-github-push.json", "/hook", `{"ref":"main"}`,
		storage.Header{Name: "X-GitHub-Event", Value: "push"}, storage.Header{Name: "X-Hub-Signature-256", Value: "sha256=REDACTED"})
	c.Request.Provider = "github"
	run := newCIRun(t, target, []string{"status=204"}, c)
	if _, res := playCI(t, run); res[0].passed() {
		t.Fatal("a redacted signature passed the handler's check")
	}
	if err := checkSecrets(run.cases, map[string]string{"stripe": "x"}); err == nil || !strings.Contains(err.Error(), "--secret github=SECRET") {
		t.Fatalf("a missing secret: %v", err)
	}
	run.resign, run.secrets = true, map[string]string{"github": secret}
	if out, res := playCI(t, run); !res[0].passed() {
		t.Fatalf("re-signed: %s", out)
	}
}

func TestCIReplayJUnit(t *testing.T) {
	dir := t.TempDir()
	target := answering(t, map[string]string{"/ok": `200 {}`, "/bad": "500 \x1b[31m<&>"})
	_, res := playCI(t, newCIRun(t, target, nil, ciCaseAt(dir, "0001-ok.json", "/ok", "{}"), ciCaseAt(dir, "0002-bad.json", "/bad", "{}")))
	path := filepath.Join(dir, "report.xml")
	if err := writeJUnit(path, dir, res); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back junitSuite
	if err := xml.Unmarshal(raw, &back); err != nil {
		t.Fatalf("the report does not parse: %v\n%s", err, raw)
	}
	if back.Tests != 2 || back.Failures != 1 || len(back.Cases) != 2 || back.Cases[0].Name != "0001-ok.json" || back.Cases[0].Failure != nil {
		t.Fatalf("report: %+v", back)
	}
	f := back.Cases[1].Failure
	if f == nil || f.Message != "status=2xx: got status 500" || back.Cases[1].Name != "0002-bad.json" {
		t.Fatalf("failure: %+v", back.Cases[1])
	}
	if bytes.Contains(raw, []byte("\x1b")) {
		t.Fatal("an escape from the network reached the report")
	}
}

func TestCIReplayGolden(t *testing.T) {
	dir := t.TempDir()
	answer := `{"ok":true,"n":1}`
	target := plainServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", r.Header.Get(send.LoopHeader)+r.RemoteAddr) // differs every time
		w.Write([]byte(answer))
	})
	run := newCIRun(t, target, nil, ciCaseAt(dir, "0001-a.json", "/x", "{}"))
	run.golden = true

	out, res := playCI(t, run)
	stored := filepath.Join(dir, "responses", "0001-a.json")
	if !res[0].passed() || !res[0].Saved || !strings.Contains(out, "(answer stored in "+stored+")") {
		t.Fatalf("first run:\n%s", out)
	}
	g, err := os.ReadFile(stored)
	if err != nil || !strings.Contains(string(g), `"ok": true`) || strings.Contains(string(g), "x-request-id") || strings.Contains(string(g), "date") {
		t.Fatalf("stored %v:\n%s", err, g)
	}

	if out, res := playCI(t, run); !res[0].passed() || res[0].Saved {
		t.Fatalf("second run:\n%s", out)
	}
	after, _ := os.ReadFile(stored)
	if !bytes.Equal(g, after) {
		t.Fatal("a passing run rewrote the golden file")
	}

	answer = `{"ok":false,"n":1}`
	out, res = playCI(t, run)
	if res[0].passed() || !strings.Contains(out, "the answer differs from "+stored) || !slices.Equal(res[0].Changes, []string{".body.ok: true → false"}) ||
		!strings.Contains(out, "\n      .body.ok: true → false\n") {
		t.Fatalf("changed handler:\n%s", out)
	}

	// A path left out does not fail; the others still do.
	run.ignore = []string{".body.ok"}
	if out, res := playCI(t, run); !res[0].passed() {
		t.Fatalf("--ignore .body.ok:\n%s", out)
	}
	answer = `{"ok":false,"n":2}`
	if _, res := playCI(t, run); res[0].passed() || !slices.Equal(res[0].Changes, []string{".body.n: 1 → 2"}) {
		t.Fatalf("--ignore .body.ok, n changed: %+v", res[0])
	}
}

func TestCIReplayBrokenGoldenIsBadInput(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "responses"), 0o755)
	os.WriteFile(filepath.Join(dir, "responses", "0001-a.json"), []byte("<<<<<<< HEAD"), 0o644)
	target := answering(t, map[string]string{"/x": `200 {}`})
	run := newCIRun(t, target, nil, ciCaseAt(dir, "0001-a.json", "/x", "{}"), ciCaseAt(dir, "0002-b.json", "/x", "{}"))
	run.golden = true
	var out bytes.Buffer
	res, err := run.play(context.Background(), &out)
	if ExitCode(err) != 2 || !strings.Contains(err.Error(), "is not JSON; delete it") || len(res) != 0 || out.Len() != 0 {
		t.Fatalf("play = %d results, %v\n%s", len(res), err, out.String())
	}
}

// A fixture of a capture cut at --max-body is not what the sender sent: a
// handler passing on it proves nothing, so it fails without being sent,
// as forwarding refuses such a capture, and says how to get a whole one.
func TestCIReplayRefusesACutFixture(t *testing.T) {
	got := 0
	target := plainServer(t, func(w http.ResponseWriter, r *http.Request) { got++ })
	cut := ciCaseAt(t.TempDir(), "0001-a.json", "/x", `{"pad":"xx`)
	cut.Request.Truncated, cut.Request.Size = true, 3021
	whole := ciCaseAt(filepath.Dir(cut.Path), "0002-b.json", "/y", "{}")
	out, res := playCI(t, newCIRun(t, target, nil, cut, whole))
	if res[0].passed() || !strings.Contains(out, "FAIL  0001-a.json  not sent: the body was cut at capture (10 of 3021 bytes kept") ||
		!strings.Contains(out, "--max-body") {
		t.Fatalf("%s", out)
	}
	if !res[1].passed() || got != 1 {
		t.Fatalf("the whole fixture: %+v; the handler got %d requests\n%s", res[1], got, out)
	}
}
