package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gaff/internal/testkit"
	"gaff/provider"
)

// gaff list reads like the TUI: a header, provider, verdict and event
// columns, a word when --limit cut it short, and a word when it is empty.
func TestListHasColumnsAndSaysWhatItLeftOut(t *testing.T) {
	g := startHeadless(t)
	postSigned(t, "http://"+g.addr+"/github", provider.SchemeGitHub,
		map[string]string{"X-GitHub-Event": "pull_request", "User-Agent": "GitHub-Hookshot/abc"}, `{"action":"opened","number":7}`)
	post(t, "http://"+g.addr+"/plain", `{"a":1}`)
	post(t, "http://"+g.addr+"/plain", `{"a":2}`)

	out, err := gaffCLI(t, "list", "--db", g.db)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if err != nil || len(lines) != 4 {
		t.Fatalf("gaff list: %v\n%s", err, out)
	}
	for _, col := range []string{"ID", "TIME", "METHOD", "STATUS", "SIZE", "PROVIDER", "VERDICT", "EVENT", "PATH"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("header %q has no %s", lines[0], col)
		}
	}
	gh := strings.Fields(lines[3])
	if !strings.Contains(lines[3], "github      ? no-secret  pull_request.opened") || gh[len(gh)-1] != "/github" {
		t.Errorf("github row %q", lines[3])
	}
	// Columns line up under their names.
	col := func(line, s string) int { return utf8.RuneCountInString(line[:strings.Index(line, s)]) }
	if col(lines[0], "PATH") != col(lines[1], "/plain") || col(lines[0], "EVENT") != col(lines[3], "pull_request") {
		t.Errorf("path not under PATH:\n%s", out)
	}

	out, err = gaffCLI(t, "list", "--db", g.db, "--limit", "2")
	if err != nil || strings.Count(out, "/plain") != 2 || !strings.HasSuffix(out, "\n2 of 3; --limit to see more\n") {
		t.Fatalf("gaff list --limit 2: %v\n%s", err, out)
	}
	out, err = gaffCLI(t, "list", "--db", g.db, "--search", "since:1h", "--limit", "2")
	if err != nil || strings.Count(out, "/plain") != 2 || !strings.HasSuffix(out, "\nmore match; raise --limit\n") {
		t.Fatalf("gaff list --search since:1h --limit 2: %v\n%s", err, out)
	}
	out, err = gaffCLI(t, "list", "--db", g.db, "--search", "since:1h", "--limit", "3")
	if err != nil || strings.Contains(out, "limit") {
		t.Fatalf("gaff list --search since:1h --limit 3 (all of them): %v\n%s", err, out)
	}
	out, err = gaffCLI(t, "list", "--db", g.db, "--search", "event:nope")
	if err != nil || out != "nothing matches \"event:nope\"\n" {
		t.Fatalf("gaff list --search event:nope: %v\n%q", err, out)
	}
	out, err = gaffCLI(t, "list", "--db", g.db, "--json", "--limit", "2")
	if err != nil || strings.Count(out, "\n") != 2 || !strings.HasPrefix(out, "{") {
		t.Fatalf("gaff list --json --limit 2 must print only the objects: %v\n%s", err, out)
	}

	db, empty := testkit.DBFile(t)
	db.Close()
	out, err = gaffCLI(t, "list", "--db", empty)
	if err != nil || out != "no captures yet\n" {
		t.Fatalf("gaff list of an empty database: %v\n%q", err, out)
	}
}

// gaff show decodes a gzip body, saying so, and dumps a binary one in hex,
// as the TUI does.
func TestShowDecodesGzipAndDumpsBinary(t *testing.T) {
	g := startHeadless(t)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(`{"zipped":"` + strings.Repeat("yes", 100) + `"}`))
	zw.Close()
	req, _ := http.NewRequest("POST", "http://"+g.addr+"/zipped", &z)
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Post("http://"+g.addr+"/png", "image/png", strings.NewReader("\x89PNG\r\n\x1a\n\x00\x1b[2J\xff"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	out, err := gaffCLI(t, "show", "--db", g.db, "1")
	if err != nil || !strings.Contains(out, "\n# decoded from gzip for display: ") || !strings.HasSuffix(out, "\n\n{\"zipped\":\""+strings.Repeat("yes", 100)+"\"}\n") {
		t.Fatalf("gaff show of a gzip body: %v\n%s", err, out)
	}
	out, err = gaffCLI(t, "show", "--db", g.db, "2")
	// The text column is padded, so its closing bar lines up as the TUI's.
	want := "\n\n00000000  89 50 4e 47 0d 0a 1a 0a  00 1b 5b 32 4a ff        |.PNG......[2J.  |\n"
	if err != nil || !strings.HasSuffix(out, want) {
		t.Fatalf("gaff show of a binary body: %v\n%s\nwant it to end %q", err, out, want)
	}

	// A multipart body shows as its parts, each as text or a hex dump.
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("title", "Quarterly report")
	fw, _ := mw.CreateFormFile("file", "logo.png")
	fw.Write([]byte("\x89PNG\r\n\x1a\n\x00\x1b[2J"))
	mw.Close()
	resp, err = http.Post("http://"+g.addr+"/upload", mw.FormDataContentType(), &mp)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	out, err = gaffCLI(t, "show", "--db", g.db, "3")
	for _, want := range []string{"# part 1 of 2: name title, 16 B\nQuarterly report\n", "# part 2 of 2: name file, file logo.png, type application/octet-stream, 13 B\n00000000  89 50 4e 47"} {
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("gaff show of a multipart body: %v\n%s\nwant %q", err, out, want)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Fatalf("a raw escape reached the terminal:\n%q", out)
	}
}

// --headless --format text prints a line a capture for people, like
// `stripe listen`; a --format gaff does not know is refused before it
// listens, saying what to write.
func TestHeadlessTextLines(t *testing.T) {
	dir := t.TempDir()
	pr, pw := io.Pipe()
	g := startHeadlessOn(t, testkit.UnusedAddr(t), filepath.Join(dir, "g.db"), filepath.Join(dir, "g.log"), pw,
		"--format", "text", "--secret", "github=whsec_c2VjcmV0")
	postSigned(t, "http://"+g.addr+"/github", provider.SchemeGitHub,
		map[string]string{"X-GitHub-Event": "pull_request", "User-Agent": "GitHub-Hookshot/abc"}, `{"action":"opened","number":7}`)
	// Closed first at cleanup, so gaff's stdout never blocks its kill.
	t.Cleanup(func() { pr.Close() })
	lines := make(chan string, 10)
	go func() {
		for sc := bufio.NewScanner(pr); sc.Scan(); {
			lines <- sc.Text()
		}
		close(lines)
	}()
	post(t, "http://"+g.addr+"/plain?x=1", `{"a":1}`)
	post(t, "http://"+g.addr+"/plain?x=1", `{"a":1}`) // a repeat: same method, target and body
	for _, want := range []string{
		`^\d\d:\d\d:\d\d #1 --> pull_request\.opened \[github ✓\] POST /github 30 B → 200$`,
		`^\d\d:\d\d:\d\d #2 --> POST /plain\?x=1 7 B → 200$`,
		`^\d\d:\d\d:\d\d #3 --> POST /plain\?x=1 7 B → 200  dup #2$`,
	} {
		var line string
		select {
		case line = <-lines:
		case <-time.After(15 * time.Second): // catches a hang, measures nothing
			t.Fatalf("no line for %s", want)
		}
		if !regexp.MustCompile(want).MatchString(line) {
			t.Fatalf("line %q, want %s", line, want)
		}
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--headless", "--format", "yaml"}, `--format "yaml": write --format json`},
		{[]string{"--format", "text"}, "--format applies to --headless"},
	} {
		out, err := gaffCLI(t, append(c.args, "--db", filepath.Join(dir, "other.db"), "--tunnel", "none")...)
		if err == nil || !strings.Contains(out, c.want) {
			t.Errorf("gaff %v: %v\n%s", c.args, err, out)
		}
	}
}
