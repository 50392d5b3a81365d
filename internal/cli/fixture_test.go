package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gaff/fixture"
	"gaff/internal/testkit"
	"gaff/storage"
)

// runGaff runs gaff in-process and returns stdout and the exit status
// main would give.
func runGaff(t *testing.T, args ...string) (string, int, error) {
	t.Helper()
	cmd := Root("test")
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err != nil {
		return out.String(), ExitCode(err), err
	}
	return out.String(), 0, nil
}

func fixtureDB(t *testing.T) string {
	db, path := testkit.DBFile(t)
	testkit.Store(t, db, &storage.Request{
		Summary: storage.Summary{Method: "POST", Target: "/hooks/github", Provider: "github", Event: "push"},
		Headers: storage.Headers{{Name: "X-Hub-Signature-256", Value: "sha256=" + strings.Repeat("a", 64)}, {Name: "Content-Type", Value: "application/json"}},
		Body:    []byte(`{"pusher":{"email":"ann@corp.io"},"token":"t0k"}`),
	})
	testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "PUT", Target: "/plain"}, Body: []byte("\x00\xff")})
	testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/stripe", Provider: "stripe", Event: "charge.succeeded"}, Body: []byte(`{}`)})
	db.Close()
	return path
}

func TestFixtureSaveWritesExactFilesTwiceAlike(t *testing.T) {
	dbPath := fixtureDB(t)
	dir := filepath.Join(t.TempDir(), "new", "fixtures")
	out, code, err := runGaff(t, "fixture", "save", "1", "#2", "--db", dbPath, "--dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %v\n%s", code, err, out)
	}
	want := filepath.Join(dir, "0001-github-push.json") + "\n" + filepath.Join(dir, "0002-generic-request.json") + "\n"
	if out != want {
		t.Fatalf("printed %q, want %q", out, want)
	}
	fs, err := fixture.Load(dir)
	if err != nil || len(fs) != 2 {
		t.Fatalf("%d fixtures, %v", len(fs), err)
	}
	if string(fs[0].Request.Body) != `{"pusher":{"email":"ann@corp.io"},"token":"t0k"}` || string(fs[1].Request.Body) != "\x00\xff" {
		t.Fatalf("bodies %q %q", fs[0].Request.Body, fs[1].Request.Body)
	}
	first, _ := os.ReadFile(fs[0].Path)
	if _, code, err := runGaff(t, "fixture", "save", "1", "--db", dbPath, "--dir", dir); code != 0 {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(fs[0].Path)
	if !bytes.Equal(first, second) {
		t.Fatalf("saving again changed the file:\n%s\n%s", first, second)
	}
}

func TestFixtureSaveSearchAndRedact(t *testing.T) {
	dbPath := fixtureDB(t)
	dir := t.TempDir()
	out, code, err := runGaff(t, "fixture", "save", "--search", "provider:github", "--redact", "--db", dbPath, "--dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %v", code, err)
	}
	if out != filepath.Join(dir, "0001-github-push.json")+"\n" {
		t.Fatalf("printed %q", out)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "0001-github-push.json"))
	for _, leak := range []string{"ann@corp.io", "t0k", "aaaaaaaa"} {
		if bytes.Contains(b, []byte(leak)) {
			t.Errorf("%q leaked:\n%s", leak, b)
		}
	}
	for _, want := range []string{`"sha256=REDACTED"`, `"user1@example.com"`, `"token": "REDACTED"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("no %s in:\n%s", want, b)
		}
	}
	// --redact-field alone redacts, its field and the built-in ones.
	dir = t.TempDir()
	if _, code, err := runGaff(t, "fixture", "save", "1", "--redact-field", ".pusher", "--db", dbPath, "--dir", dir); code != 0 {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "0001-github-push.json"))
	if !bytes.Contains(b, []byte(`"email": "REDACTED"`)) || !bytes.Contains(b, []byte(`"token": "REDACTED"`)) {
		t.Errorf("--redact-field .pusher:\n%s", b)
	}
}

func TestFixtureSaveBadInput(t *testing.T) {
	dbPath := fixtureDB(t)
	dir := filepath.Join(t.TempDir(), "out")
	cases := []struct {
		args []string
		code int
		says string
	}{
		{[]string{"fixture", "save", "99", "--dir", dir}, 2, "no capture 99"},
		{[]string{"fixture", "save", "1", "99", "--dir", dir}, 2, "nothing was written"},
		{[]string{"fixture", "save", "abc", "--dir", dir}, 2, "not a request id"},
		{[]string{"fixture", "save", "1"}, 2, "--dir is required"},
		{[]string{"fixture", "save", "--dir", dir}, 2, "IDs (see gaff list) or --search"},
		{[]string{"fixture", "save", "--search", "provider:nobody", "--dir", dir}, 2, "matches no capture"},
		{[]string{"fixture", "save", "--search", "status:abc", "--dir", dir}, 2, "--search"},
		{[]string{"fixture", "save", "1", "--redact-field", ".", "--dir", dir}, 2, "--redact-field"},
	}
	for _, c := range cases {
		_, code, err := runGaff(t, append(c.args, "--db", dbPath)...)
		if code != c.code || err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q: exit %d (%v), want %d saying %q", c.args, code, err, c.code, c.says)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("bad input still made %s: %v", dir, err)
	}
}

func TestFixtureSaveUnwritableDirExits1(t *testing.T) {
	dbPath := fixtureDB(t)
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	_, code, err := runGaff(t, "fixture", "save", "1", "--db", dbPath, "--dir", filepath.Join(file, "sub"))
	if code != 1 || err == nil || !strings.Contains(err.Error(), "cannot write fixture 1") || !strings.Contains(err.Error(), "--dir") {
		t.Fatalf("exit %d: %v", code, err)
	}
}

// Saving a capture cut at --max-body works (the file is what gaff has) but
// says so, since replay --dir will refuse to send it.
func TestFixtureSaveWarnsOfACutBody(t *testing.T) {
	db, path := testkit.DBFile(t)
	// Stored directly: testkit.Store sets the size from the body.
	cut := &storage.Request{Summary: storage.Summary{Time: time.Now(), Method: "POST", Target: "/big", Status: 413, Size: 3021, Truncated: true}, Body: []byte(`{"pad":"xx`)}
	if err := db.InsertRequest(context.Background(), cut); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, code, err := runGaff(t, "fixture", "save", "1", "--db", path, "--dir", t.TempDir())
	if code != 0 || !strings.Contains(out, "capture 1's body was cut at --max-body (10 of 3021 bytes kept)") || !strings.Contains(out, "--max-body") {
		t.Fatalf("exit %d: %v\n%s", code, err, out)
	}
}
