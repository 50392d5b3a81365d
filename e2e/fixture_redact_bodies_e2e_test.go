package e2e

import (
	"bytes"
	"compress/gzip"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gaff/fixture"
)

// Secrets travel inside gzip bodies and multipart forms too: saved with
// --redact by the real binary, neither file holds them, even decoded, and
// the redacted gzip fixture still replays as gzip.
func TestFixtureSaveRedactsInsideGzipAndMultipart(t *testing.T) {
	g := startHeadless(t)
	const secret = "t0k-e2e-5ecret"

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, `{"event":"deploy","token":"`+secret+`","by":"ann@corp.io"}`)
	zw.Close()
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("token", secret)
	mw.WriteField("sender", "ann@corp.io")
	mw.Close()
	for _, r := range []struct {
		path, ctype, enc string
		body             []byte
	}{
		{"/gz", "application/json", "gzip", gz.Bytes()},
		{"/mailgun", mw.FormDataContentType(), "", mp.Bytes()},
	} {
		req, _ := http.NewRequest("POST", "http://"+g.addr+r.path, bytes.NewReader(r.body))
		req.Header.Set("Content-Type", r.ctype)
		if r.enc != "" {
			req.Header.Set("Content-Encoding", r.enc)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}

	dir := t.TempDir()
	if out, err := gaffCLI(t, "fixture", "save", "1", "2", "--redact", "--dir", dir, "--db", g.db); err != nil {
		t.Fatalf("fixture save: %v\n%s", err, out)
	}
	fs, err := fixture.Load(dir)
	if err != nil || len(fs) != 2 {
		t.Fatalf("fixtures: %v %d", err, len(fs))
	}
	zr, err := gzip.NewReader(bytes.NewReader(fs[0].Request.Body))
	if err != nil {
		t.Fatalf("the redacted gzip fixture is not gzip: %v", err)
	}
	inside, _ := io.ReadAll(zr)
	if want := `{"event":"deploy","token":"REDACTED","by":"user1@example.com"}`; string(inside) != want {
		t.Errorf("inside the gzip fixture: %s\nwant %s", inside, want)
	}
	mr := multipart.NewReader(bytes.NewReader(fs[1].Request.Body), mw.Boundary())
	for _, want := range [][2]string{{"token", "REDACTED"}, {"sender", "user1@example.com"}} {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("the redacted multipart fixture: %v", err)
		}
		if v, _ := io.ReadAll(p); p.FormName() != want[0] || string(v) != want[1] {
			t.Errorf("part %s = %q, want %s = %q", p.FormName(), v, want[0], want[1])
		}
	}
	for _, f := range fs {
		b, _ := os.ReadFile(f.Path)
		if strings.Contains(string(b), secret) || strings.Contains(string(f.Request.Body), secret) {
			t.Errorf("%s holds the secret", filepath.Base(f.Path))
		}
	}
}
