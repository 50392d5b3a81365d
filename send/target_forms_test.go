package send_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gaff/export"
	"gaff/internal/testkit"
	"gaff/storage"
)

// rawRequest writes wire (which asks to close the connection) to the
// server at base as it is, since net/http would not send these request
// lines, and reads the answer to the end.
func rawRequest(t *testing.T, base, wire string) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, wire)
	if answer, _ := io.ReadAll(c); !strings.HasPrefix(string(answer), "HTTP/1.1 200 ") {
		t.Fatalf("%q was answered %q", wire, answer)
	}
}

// Requests whose target is not a path — absolute-form (sent as to a proxy),
// CONNECT's authority-form and the asterisk — are captured by a real
// handler, then exported and replayed: each gives one right URL.
func TestExportAndReplayOfEveryRequestTargetForm(t *testing.T) {
	base, db := testkit.CaptureServer(t)
	rawRequest(t, base, "POST http://evil.example/abs?q=1 HTTP/1.1\r\nHost: gaff.local\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
	rawRequest(t, base, "CONNECT host.example:443 HTTP/1.1\r\nHost: host.example:443\r\nConnection: close\r\n\r\n")
	rawRequest(t, base, "POST * HTTP/1.1\r\nHost: gaff.local\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	// net/http answers OPTIONS * itself, so this one is stored as the
	// handler would store it.
	testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "OPTIONS", Target: "*"}, Host: "gaff.local", Proto: "HTTP/1.1",
		Headers: storage.Headers{{Name: "Host", Value: "gaff.local"}}})

	type want struct{ method, target, senderURL, replayPath string }
	wants := []want{
		{"POST", "http://evil.example/abs?q=1", "http://evil.example/abs?q=1", "/abs?q=1"},
		{"CONNECT", "host.example:443", "http://host.example:443", ""},
		{"POST", "*", "http://gaff.local", ""},
		{"OPTIONS", "*", "http://gaff.local", ""},
	}
	for i, w := range wants {
		r, err := db.GetRequest(context.Background(), int64(i+1))
		if err != nil || r.Method != w.method || r.Target != w.target {
			t.Fatalf("capture %d: %v %+v, want %s %s", i+1, err, r, w.method, w.target)
		}
	}

	var har struct {
		Log struct {
			Entries []struct {
				Request struct{ URL string } `json:"request"`
			} `json:"entries"`
		} `json:"log"`
	}
	to := "http://localhost:3000/api"
	for _, b := range []string{"", to} {
		out := testkit.Export(t, db, export.Options{Format: export.FormatHAR, Base: b})
		if err := json.Unmarshal(out, &har); err != nil || len(har.Log.Entries) != len(wants) {
			t.Fatalf("har: %v\n%s", err, out)
		}
		for i, w := range wants {
			u := w.senderURL
			if b != "" {
				u = to + w.replayPath
			}
			if got := har.Log.Entries[i].Request.URL; got != u {
				t.Errorf("har to %q: entry %d url %q, want %q", b, i+1, got, u)
			}
		}
		script := string(testkit.Export(t, db, export.Options{Format: export.FormatCurl, Base: b}))
		for i, w := range wants {
			u := w.senderURL
			if b != "" {
				u = to + w.replayPath
			}
			if !strings.Contains(script, " '"+u+"' ") {
				t.Errorf("curl to %q: request %d is not sent to %q:\n%s", b, i+1, u, script)
			}
		}
	}

	// Replayed to a handler, each arrives with the path it asked for; an
	// authority or asterisk has none, so it goes to the base as given.
	rbase, rdb := testkit.CaptureServer(t)
	s := newSender(db, 0)
	for i, w := range wants[:3] {
		d, err := s.Replay(context.Background(), int64(i+1), rbase+"/api", false)
		if err != nil || d.URL != rbase+"/api"+w.replayPath {
			t.Fatalf("replay %d: %v, sent to %q, want %q", i+1, err, d.URL, rbase+"/api"+w.replayPath)
		}
		if got := testkit.Newest(t, rdb); got.Method != w.method {
			t.Errorf("replay %d arrived as %s %s", i+1, got.Method, got.Target)
		}
	}

	// The curl script repeats the request-target that a URL cannot carry.
	testkit.RequireTool(t, "curl")
	cbase, cdb := testkit.CaptureServer(t)
	path := filepath.Join(t.TempDir(), "replay.sh")
	os.WriteFile(path, testkit.Export(t, db, export.Options{Format: export.FormatCurl, Base: cbase, IDs: []int64{1, 2, 3}}), 0o600)
	if out, err := exec.Command("sh", path).CombinedOutput(); err != nil {
		t.Fatalf("sh: %v\n%s", err, out)
	}
	for i, w := range []want{{"POST", "/abs?q=1", "", ""}, {"CONNECT", "host.example:443", "", ""}, {"POST", "*", "", ""}} {
		got, err := cdb.GetRequest(context.Background(), int64(i+1))
		if err != nil || got.Method != w.method || got.Target != w.target {
			t.Errorf("curl request %d arrived as %v %+v, want %s %s", i+1, err, got, w.method, w.target)
		}
	}
}
