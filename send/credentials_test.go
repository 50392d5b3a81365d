package send_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gaff/export"
	"gaff/internal/testkit"
	"gaff/send"
	"gaff/storage"
)

// A target given as http://user:pass@host gets those credentials as Basic
// auth on every forward, replay, proxied forward and exported request to
// it, as subscriptions already did; the password is never printed.
func TestTargetCredentialsAreSent(t *testing.T) {
	type login struct{ user, pass string }
	got := make(chan login, 10)
	url := plainTarget(t, func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		u, p, ok := r.BasicAuth()
		if !ok {
			u, p = "(none)", r.Header.Get("Authorization")
		}
		got <- login{u, p}
	})
	target := strings.Replace(url, "http://", "http://ann:s%3Acret@", 1) + "/hook"
	check := func(what string) {
		t.Helper()
		if l := <-got; l != (login{"ann", "s:cret"}) {
			t.Errorf("%s arrived with user %q, password %q; want ann, s:cret", what, l.user, l.pass)
		}
	}
	db := testkit.DB(t)
	plain := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/"}, Body: []byte("{}")})
	// The capture's own Authorization was meant for gaff's URL: the
	// target's credentials, given by the user, replace it.
	own := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/"},
		Headers: storage.Headers{{Name: "authorization", Value: "Bearer provider-token"}}})

	var l lines
	fw, err := send.NewForwarder(newSender(db, 0), target, send.ForwardOptions{OnResult: l.add})
	if err != nil {
		t.Fatal(err)
	}
	fw.Enqueue(plain)
	check("a forward")
	if _, err := fw.Proxy(context.Background(), own); err != nil {
		t.Fatal(err)
	}
	check("a proxied forward of a capture with its own Authorization")
	fw.Close()
	s := newSender(db, 0)
	for _, r := range []*storage.Request{plain, own} {
		d, err := s.Replay(context.Background(), r.ID, target, false)
		if err != nil {
			t.Fatal(err)
		}
		check("a replay")
		if strings.Contains(d.URL, "s%3Acret") || strings.Contains(send.Line(d), "s%3Acret") {
			t.Errorf("the password is shown: %q, %q", d.URL, send.Line(d))
		}
	}
	for _, line := range l.get() {
		if strings.Contains(line, "s%3Acret") {
			t.Errorf("the password is shown: %q", line)
		}
	}

	testkit.RequireTool(t, "curl")
	path := filepath.Join(t.TempDir(), "replay.sh")
	os.WriteFile(path, testkit.Export(t, db, export.Options{Format: export.FormatCurl, Base: target}), 0o600)
	if out, err := exec.Command("sh", path).CombinedOutput(); err != nil {
		t.Fatalf("sh: %v\n%s", err, out)
	}
	check("an exported curl command")
	check("an exported curl command of a capture with its own Authorization")
}
