package e2e

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gaff/provider"
)

// postGitHub posts a ping signed with secret the way GitHub signs it
// (X-Hub-Signature-256: sha256=HMAC-SHA256(secret, body)) and returns
// capture id as gaff shows it.
func postGitHub(t *testing.T, g *headlessGaff, secret string, id int) string {
	t.Helper()
	body := `{"zen":"Design for failure."}`
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	req, _ := http.NewRequest("POST", "http://"+g.addr+"/github", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "ping")
	req.Header.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(m.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	out, err := gaffCLI(t, "show", strconv.Itoa(id), "--json", "--db", g.db)
	if err != nil {
		t.Fatalf("show %d: %v\n%s", id, err, out)
	}
	return out
}

// notInArgv fails when secret is on gaff's command line, where ps shows it.
func notInArgv(t *testing.T, g *headlessGaff, secret string) {
	t.Helper()
	argv, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(g.cmd.Process.Pid), "cmdline"))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if !bytes.Contains(argv, []byte("--headless")) || bytes.Contains(argv, []byte(secret)) {
		t.Errorf("gaff's argv: %q", argv)
	}
}

// A provider secret can come from GAFF_SECRET_<PROVIDER> or a file given
// to --secret-file, so it is never on the command line; either way the
// signature checks as with --secret.
func TestProviderSecretsFromTheEnvironmentAndAFile(t *testing.T) {
	const fromEnv, fromFile = "env-Secret-4d1f", "file-Secret-9a7c"
	t.Setenv("GAFF_SECRET_GITHUB", fromEnv)
	g := startHeadless(t)
	if out := postGitHub(t, g, fromEnv, 1); !strings.Contains(out, `"signature":"valid"`) {
		t.Errorf("signed with GAFF_SECRET_GITHUB:\n%s", out)
	}
	notInArgv(t, g, fromEnv)

	file := filepath.Join(t.TempDir(), "secrets")
	os.WriteFile(file, []byte("# gaff's webhook secrets\n\n  github="+fromFile+"\r\nstripe=whsec_abc\n"), 0o600)
	g = startHeadless(t, "--secret-file", file)
	if out := postGitHub(t, g, fromFile, 1); !strings.Contains(out, `"signature":"valid"`) {
		t.Errorf("signed with the secret in --secret-file (over GAFF_SECRET_GITHUB):\n%s", out)
	}
	notInArgv(t, g, fromFile)

	// A file others can read is refused, with the fix.
	os.Chmod(file, 0o644)
	out, err := gaffIn(t, t.TempDir(), "", "--secret-file", file)
	if err == nil || !strings.Contains(out, "chmod 600 "+file) || strings.Contains(out, fromFile) {
		t.Errorf("--secret-file readable by others: %v\n%s", err, out)
	}
}

// A subscription's signing secret can come from a file, an environment
// variable or standard input; what it signs with checks at the receiver.
func TestSubscriptionSecretFromFileEnvOrStdin(t *testing.T) {
	const secret = "sub-Secret-0b5e77"
	dir := t.TempDir()
	file := filepath.Join(dir, "secret")
	os.WriteFile(file, []byte(secret+"\n"), 0o600)
	t.Setenv("MY_HOOK_SECRET", secret)
	for i, c := range []struct {
		stdin string
		args  []string
	}{
		{"", []string{"--secret-file", file}},
		{"", []string{"--secret-env", "MY_HOOK_SECRET"}},
		{secret + "\n", []string{"--secret", "-"}},
	} {
		tg := newVerifyingTarget(t, provider.GitHub)
		tg.secret.Store(secret)
		name := "s" + strconv.Itoa(i)
		out, err := gaffIn(t, dir, c.stdin, append([]string{"subs", "add", name, "--to", tg.URL, "--scheme", "github"}, c.args...)...)
		if err != nil || strings.Contains(out, secret) {
			t.Errorf("subs add %v: %v\n%s", c.args, err, out)
			continue
		}
		if out, err := gaffIn(t, dir, "", "subs", "fire", name, "--event", "github.push"); err != nil {
			t.Errorf("fire at %s: %v\n%s", name, err, out)
			continue
		}
		if v := tg.verdict(t); v.Result != provider.Valid {
			t.Errorf("secret from %v: the receiver says %+v", c.args, v)
		}
	}
	if out, err := gaffIn(t, dir, "", "subs", "add", "x", "--to", "http://127.0.0.1:1/", "--scheme", "github", "--secret-env", "NO_SUCH_VAR_FOR_GAFF"); err == nil || !strings.Contains(out, "NO_SUCH_VAR_FOR_GAFF is not set") {
		t.Errorf("--secret-env of an unset variable: %v\n%s", err, out)
	}
}

// GAFF_BASIC_AUTH stands for --basic-auth, and is held to the same rule:
// it protects the ngrok URL, so without ngrok gaff says it does nothing.
func TestBasicAuthFromTheEnvironment(t *testing.T) {
	t.Setenv("GAFF_BASIC_AUTH", "bob:password123")
	out, err := gaffIn(t, t.TempDir(), "", "--tunnel", "none")
	if err == nil || !strings.Contains(out, "GAFF_BASIC_AUTH") || strings.Contains(out, "password123") {
		t.Errorf("GAFF_BASIC_AUTH without ngrok: %v\n%s", err, out)
	}
}
