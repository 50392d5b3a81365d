package send_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"gaff/internal/testkit"
	"gaff/send"
	"gaff/storage"
)

func TestBuildReplayJoinsBaseAndTarget(t *testing.T) {
	for _, c := range []struct{ base, target, want string }{
		{"http://localhost:3000/api", "/hooks/x?a=1", "http://localhost:3000/api/hooks/x?a=1"},
		{"http://localhost:3000/api/", "/hooks/x", "http://localhost:3000/api/hooks/x"},
		{"http://localhost:3000", "/hooks/x?a=%2F&b=1+2&a=3", "http://localhost:3000/hooks/x?a=%2F&b=1+2&a=3"},
		{"http://localhost:3000/webhooks/stripe", "/", "http://localhost:3000/webhooks/stripe"},
		{"http://localhost:3000/webhooks/stripe", "/?x=1", "http://localhost:3000/webhooks/stripe?x=1"},
		{"http://localhost:3000", "/", "http://localhost:3000/"},
		{"https://example.com/p?token=t", "/h?a=1", "https://example.com/p/h?token=t&a=1"},
		{"http://localhost:3000", "/a%2Fb/c", "http://localhost:3000/a%2Fb/c"},
		{"http://localhost:3000", "http://proxied.example/abs?q=1", "http://localhost:3000/abs?q=1"},
	} {
		r := &storage.Request{Summary: storage.Summary{Method: "POST", Target: c.target}}
		out, err := send.BuildReplay(r, c.base)
		if err != nil || out.URL != c.want {
			t.Errorf("BuildReplay(%q, %q) = %q, %v; want %q", c.target, c.base, out.URL, err, c.want)
		}
	}
	for _, c := range []struct{ base, want string }{
		{"", "no target URL given"},
		{"htp:/x", "not an http:// or https:// URL"},
		{"localhost:3000", "did you mean http://localhost:3000?"},
		{"localhost/hook", "did you mean http://localhost/hook?"},
		{"http://", "has no host"},
		{"http://a b/", "not a valid URL"},
	} {
		_, err := send.BuildReplay(&storage.Request{Summary: storage.Summary{Target: "/"}}, c.base)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("BuildReplay base %q: %v, want %q", c.base, err, c.want)
		}
	}
}

// A replay must arrive as the capture arrived: the same method, raw path and
// query, every header value in its case, repeats kept, and the body byte for
// byte; only what describes the old connection is left out.
func TestReplayIsByteForByte(t *testing.T) {
	db := testkit.DB(t)
	base, target := testkit.CaptureServer(t)
	body := []byte{0, 1, 2, 0xff, 0xfe, '\n', 0, 'x', 0x1b, 0x80}
	orig := testkit.Store(t, db, &storage.Request{
		Summary: storage.Summary{Method: "PATCH", Target: "/hooks/a%2Fb?x=1+2&x=3&y=%2F&z&e=%E2%82%AC"},
		Host:    "abc.ngrok.app", Proto: "HTTP/1.1",
		Headers: storage.Headers{
			{Name: "Host", Value: "abc.ngrok.app"},
			{Name: "Content-Type", Value: "application/octet-stream"},
			{Name: "X-Dup", Value: "a"},
			{Name: "x-dup", Value: "b"},
			{Name: "X-Dup", Value: "c"},
			{Name: "user-agent", Value: "GitHub-Hookshot/abc"},
			{Name: "Connection", Value: "keep-alive"},
			{Name: "Keep-Alive", Value: "timeout=5"},
			{Name: "Transfer-Encoding", Value: "chunked"},
			{Name: "Content-Length", Value: "999"},
			{Name: "X-Empty", Value: ""},
		},
		Body: body,
	})
	s := newSender(db, 0)
	d, err := s.Replay(context.Background(), orig.ID, base+"/base", false)
	if err != nil || d.Status != 200 || d.Error != "" {
		t.Fatalf("replay: %v, %+v", err, d)
	}
	got := testkit.Newest(t, target)
	if got.Method != "PATCH" || got.Target != "/base/hooks/a%2Fb?x=1+2&x=3&y=%2F&z&e=%E2%82%AC" || !bytes.Equal(got.Body, body) {
		t.Fatalf("arrived %s %s body %q", got.Method, got.Target, got.Body)
	}
	// One header is gaff's own: its mark, which stops forward loops.
	wantHeaders := []string{"Content-Type: application/octet-stream", send.LoopHeader + ": " + send.InstanceID(), "X-Dup: a", "X-Dup: c", "X-Empty: ",
		"user-agent: GitHub-Hookshot/abc", "x-dup: b"}
	if h := testkit.HeaderLines(got.Headers, "Host", "Content-Length"); !slices.Equal(h, wantHeaders) {
		t.Errorf("headers arrived:\n%q\nwant\n%q", h, wantHeaders)
	}
	if got.Headers.Get("Content-Length") != "10" || len(got.Headers.Values("Content-Length")) != 1 {
		t.Errorf("Content-Length %q", got.Headers.Values("Content-Length"))
	}
	if want := strings.TrimPrefix(base, "http://"); got.Host != want {
		t.Errorf("Host %q, want the target's %q", got.Host, want)
	}
	// The stored attempt says what was sent and what came back.
	stored, err := db.GetDelivery(context.Background(), d.ID)
	if err != nil || stored.Kind != storage.KindReplay || stored.RequestID != orig.ID || !bytes.Equal(stored.Body, body) ||
		stored.Status != 200 || !strings.Contains(string(stored.RespBody), `"gaff_id":1`) || stored.URL != base+got.Target {
		t.Fatalf("stored delivery %+v, %v", stored, err)
	}
	// The original capture is untouched.
	again, _ := db.GetRequest(context.Background(), orig.ID)
	if again.Target != orig.Target || len(again.Headers) != len(orig.Headers) {
		t.Fatalf("capture changed: %+v", again)
	}
}

func TestReplayKeepsMethods(t *testing.T) {
	db := testkit.DB(t)
	base, target := testkit.CaptureServer(t)
	s := newSender(db, 0)
	for _, m := range []string{"DELETE", "PUT", "GET", "PURGE", "OPTIONS"} {
		r := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: m, Target: "/m"}, Body: []byte("b")})
		if d, err := s.Replay(context.Background(), r.ID, base, false); err != nil || d.Status != 200 {
			t.Fatalf("%s: %v %+v", m, err, d)
		}
		if got := testkit.Newest(t, target); got.Method != m || string(got.Body) != "b" {
			t.Errorf("%s arrived as %s with %q", m, got.Method, got.Body)
		}
	}
}

func TestEditIsSentAndStoredApart(t *testing.T) {
	db := testkit.DB(t)
	base, target := testkit.CaptureServer(t)
	orig := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/e"}, Body: []byte(`{"a":1}`)})
	out, err := send.BuildReplay(orig, base)
	if err != nil {
		t.Fatal(err)
	}
	out.Body = []byte(`{"a":2}`)
	out.Headers = append(out.Headers, storage.Header{Name: "X-Edited", Value: "yes"})
	d, err := newSender(db, 0).SendEdited(context.Background(), orig.ID, out)
	if err != nil || d.Status != 200 || d.Kind != storage.KindEdit || d.RequestID != orig.ID {
		t.Fatalf("edit: %v %+v", err, d)
	}
	if got := testkit.Newest(t, target); string(got.Body) != `{"a":2}` || got.Headers.Get("X-Edited") != "yes" {
		t.Fatalf("edit arrived as %q %v", got.Body, got.Headers)
	}
	if again, _ := db.GetRequest(context.Background(), orig.ID); string(again.Body) != `{"a":1}` {
		t.Fatalf("the capture was changed by the edit: %q", again.Body)
	}
}

func TestReplayDoesNotFollowRedirects(t *testing.T) {
	var hits atomic.Int64
	url := plainTarget(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	db := testkit.DB(t)
	r := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/hook"}})
	d, err := newSender(db, 0).Replay(context.Background(), r.ID, url, false)
	if err != nil || d.Status != 302 || d.Error != "" || hits.Load() != 1 {
		t.Fatalf("redirect: %v status %d error %q hits %d", err, d.Status, d.Error, hits.Load())
	}
	if loc := d.RespHeaders.Get("Location"); loc != "/elsewhere" {
		t.Fatalf("Location %q", loc)
	}
}

func TestReplayCapsTheResponseBody(t *testing.T) {
	url := plainTarget(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("z"), 2<<20))
	})
	db := testkit.DB(t)
	r := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/big"}})
	d, err := newSender(db, 0).Replay(context.Background(), r.ID, url, false)
	if err != nil || d.Status != 200 {
		t.Fatalf("%v %+v", err, d)
	}
	stored, _ := db.GetDelivery(context.Background(), d.ID)
	if !stored.RespTruncated || len(stored.RespBody) != send.DefaultMaxResponse {
		t.Fatalf("stored %d bytes, truncated=%v", len(stored.RespBody), stored.RespTruncated)
	}
}

func TestRememberedTarget(t *testing.T) {
	db := testkit.DB(t)
	base, target := testkit.CaptureServer(t)
	s := newSender(db, 0)
	r := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/remembered"}})
	if _, err := s.Replay(context.Background(), r.ID, "", false); err != send.ErrNoTarget {
		t.Fatalf("no target: %v", err)
	}
	if err := s.SetTarget(context.Background(), "localhost:3000"); err == nil || !strings.Contains(err.Error(), "did you mean") {
		t.Fatalf("bad target accepted: %v", err)
	}
	if err := s.SetTarget(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Target(context.Background()); got != base {
		t.Fatalf("target %q", got)
	}
	if d, err := s.Replay(context.Background(), r.ID, "", false); err != nil || d.Status != 200 {
		t.Fatalf("replay to remembered target: %v %+v", err, d)
	}
	if got := testkit.Newest(t, target); got.Target != "/remembered" {
		t.Fatalf("arrived %q", got.Target)
	}
	if _, err := s.Replay(context.Background(), 999, base, false); err == nil || !strings.Contains(err.Error(), "no such request") {
		t.Fatalf("missing capture: %v", err)
	}
}
