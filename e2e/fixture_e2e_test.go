package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gaff/fixture"
)

// A GitHub-signed push is captured by the real binary, saved with
// fixture save --redact, and the file holds the request without its
// secrets; saved plain, it gives the exact body back.
func TestFixtureSaveRedactsAGitHubCapture(t *testing.T) {
	const secret = "fixture-Secret-51c2"
	g := startHeadless(t, "--secret", "github="+secret)
	body := `{"ref":"refs/heads/main","pusher":{"name":"ann","email":"ann@corp.io"},"head_commit":{"author":{"email":"ann@corp.io"}},"token":"ghs_live"}`
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	mac := hex.EncodeToString(m.Sum(nil))
	req, _ := http.NewRequest("POST", "http://"+g.addr+"/github", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "push")
	req.Header.Set("X-GitHub-Delivery", "5a1e0d3c-0000-11f0-8000-000000000001")
	req.Header.Set("X-Hub-Signature-256", "sha256="+mac)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	dir := filepath.Join(t.TempDir(), "testdata", "hooks")
	out, err := gaffCLI(t, "fixture", "save", "1", "--redact", "--dir", dir, "--db", g.db)
	path := filepath.Join(dir, "0001-github-push.json")
	if err != nil || strings.TrimSpace(out) != path {
		t.Fatalf("fixture save: %v\n%s", err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, leak := range []string{mac, "ann@corp.io", "ghs_live"} {
		if strings.Contains(text, leak) {
			t.Errorf("%q is in the redacted fixture:\n%s", leak, text)
		}
	}
	for _, want := range []string{`["X-Hub-Signature-256", "sha256=REDACTED"]`, `["X-Github-Event", "push"]`,
		`"email": "user1@example.com"`, `"token": "REDACTED"`, `"provider": "github"`, `"event": "push"`} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in:\n%s", want, text)
		}
	}

	plain := t.TempDir()
	if out, err := gaffCLI(t, "fixture", "save", "--search", "provider:github", "--dir", plain, "--db", g.db); err != nil {
		t.Fatalf("fixture save --search: %v\n%s", err, out)
	}
	fs, err := fixture.Load(plain)
	if err != nil || len(fs) != 1 || string(fs[0].Request.Body) != body {
		t.Fatalf("plain fixture: %v %+v", err, fs)
	}

	// An unknown id is the user's to fix: exit 2, nothing written.
	out, err = gaffCLI(t, "fixture", "save", "7", "--dir", filepath.Join(plain, "more"), "--db", g.db)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(out, "no capture 7") {
		t.Fatalf("unknown id: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(plain, "more")); !os.IsNotExist(err) {
		t.Errorf("an unknown id made the directory: %v", err)
	}

	// export --redact covers the same capture.
	out, err = gaffCLI(t, "export", "--format", "har", "--redact", "--db", g.db)
	if err != nil || strings.Contains(out, mac) || strings.Contains(out, "ann@corp.io") || !strings.Contains(out, "sha256=REDACTED") {
		t.Fatalf("export --redact: %v\n%s", err, out)
	}
}
