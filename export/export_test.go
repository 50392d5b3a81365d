package export_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gaff/export"
	"gaff/internal/testkit"
	"gaff/storage"
)

var binaryBody = []byte{0, 1, 2, 0xff, 0xfe, 0x1b, '[', '2', 'J', 0, '\n', 0x80}

// exportSamples stores captures that stress an export: JSON, binary, a
// body with quotes that starts with @, a query with repeats and escapes,
// repeated and empty headers, and a header a terminal would act on.
func exportSamples(t *testing.T, db *storage.DB) []*storage.Request {
	return []*storage.Request{
		testkit.Store(t, db, &storage.Request{
			Summary: storage.Summary{Method: "POST", Target: "/hooks/github?x=1&x=2&y=%2F&z=a+b", Provider: "github", Signature: "valid", Via: "ngrok"},
			Host:    "lucky-otter.ngrok.app", Proto: "HTTP/1.1",
			Headers: storage.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Dup", Value: "a"}, {Name: "x-dup", Value: "b"},
				{Name: "Cookie", Value: "a=1; b=2"}, {Name: "X-Empty", Value: ""}, {Name: "User-Agent", Value: "GitHub-Hookshot/1"}},
			Body: []byte(`{"ref":"refs/heads/main","msg":"it's \"quoted\"","u":"é"}`),
		}),
		testkit.Store(t, db, &storage.Request{
			Summary: storage.Summary{Method: "PUT", Target: "/upload"}, Host: "127.0.0.1:4747", Proto: "HTTP/1.1",
			Headers: storage.Headers{{Name: "Content-Type", Value: "application/octet-stream"}, {Name: "X-Evil", Value: "\x1b]0;pwned\x07"}},
			Body:    binaryBody,
		}),
		testkit.Store(t, db, &storage.Request{
			Summary: storage.Summary{Method: "PATCH", Target: "/quotes"}, Host: "127.0.0.1:4747", Proto: "HTTP/1.1",
			Body: []byte("@not-a-file 'single' quotes\nand a second line\t$(echo no) `echo no`\n"),
		}),
		testkit.Store(t, db, &storage.Request{
			Summary: storage.Summary{Method: "GET", Target: "/ping?hub.challenge=abc"}, Host: "127.0.0.1:4747", Proto: "HTTP/1.1",
		}),
	}
}

// harType names a JSON value's type as HAR 1.2 describes fields.
func harType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return "?"
}

// harCheck fails unless obj has every key in want with the type given.
func harCheck(t *testing.T, where string, obj any, want map[string]string) map[string]any {
	t.Helper()
	m, ok := obj.(map[string]any)
	if !ok {
		t.Fatalf("%s is %s, want object", where, harType(obj))
	}
	for k, typ := range want {
		v, ok := m[k]
		if !ok {
			t.Errorf("%s: required %q missing", where, k)
		} else if harType(v) != typ {
			t.Errorf("%s.%s is %s, want %s", where, k, harType(v), typ)
		}
	}
	return m
}

func harPairs(t *testing.T, where string, v any) [][2]string {
	t.Helper()
	var out [][2]string
	arr, _ := v.([]any)
	for i, x := range arr {
		m := harCheck(t, where+"["+string(rune('0'+i))+"]", x, map[string]string{"name": "string", "value": "string"})
		out = append(out, [2]string{m["name"].(string), m["value"].(string)})
	}
	return out
}

// The HAR is checked against the 1.2 structure field by field: the keys it
// requires and their types, nothing taken on trust from our own structs.
func TestExportHARIsHAR12(t *testing.T) {
	db := testkit.DB(t)
	reqs := exportSamples(t, db)
	out := testkit.Export(t, db, export.Options{Format: export.FormatHAR, Version: "1.2.3"})
	if bytes.IndexByte(out, 0x1b) >= 0 {
		t.Fatal("raw ESC in the HAR: it would act on a terminal")
	}
	var doc any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	log := harCheck(t, "har", doc, map[string]string{"log": "object"})["log"]
	l := harCheck(t, "log", log, map[string]string{"version": "string", "creator": "object", "entries": "array"})
	if l["version"] != "1.2" {
		t.Errorf("version %v", l["version"])
	}
	c := harCheck(t, "creator", l["creator"], map[string]string{"name": "string", "version": "string"})
	if c["name"] != "gaff" || c["version"] != "1.2.3" {
		t.Errorf("creator %v", c)
	}
	entries := l["entries"].([]any)
	if len(entries) != len(reqs) {
		t.Fatalf("%d entries", len(entries))
	}
	for i, ev := range entries {
		e := harCheck(t, "entry", ev, map[string]string{"startedDateTime": "string", "time": "number", "request": "object",
			"response": "object", "cache": "object", "timings": "object"})
		if _, err := time.Parse(time.RFC3339Nano, e["startedDateTime"].(string)); err != nil {
			t.Errorf("startedDateTime: %v", err)
		}
		tm := harCheck(t, "timings", e["timings"], map[string]string{"send": "number", "wait": "number", "receive": "number"})
		for k, v := range tm {
			if n, ok := v.(float64); ok && n < 0 {
				t.Errorf("timings.%s = %v: must not be negative", k, n)
			}
		}
		req := harCheck(t, "request", e["request"], map[string]string{"method": "string", "url": "string", "httpVersion": "string",
			"cookies": "array", "headers": "array", "queryString": "array", "headersSize": "number", "bodySize": "number"})
		resp := harCheck(t, "response", e["response"], map[string]string{"status": "number", "statusText": "string", "httpVersion": "string",
			"cookies": "array", "headers": "array", "content": "object", "redirectURL": "string", "headersSize": "number", "bodySize": "number"})
		harCheck(t, "content", resp["content"], map[string]string{"size": "number", "mimeType": "string"})
		harPairs(t, "response.headers", resp["headers"])
		harPairs(t, "response.cookies", resp["cookies"])
		r := reqs[i]
		if req["method"] != r.Method || int(req["bodySize"].(float64)) != len(r.Body) || resp["status"] != float64(200) {
			t.Errorf("entry %d: %v %v %v", i, req["method"], req["bodySize"], resp["status"])
		}
		headers := harPairs(t, "request.headers", req["headers"])
		if len(headers) != len(r.Headers) {
			t.Errorf("entry %d: %d headers, want %d", i, len(headers), len(r.Headers))
		}
		if len(r.Body) == 0 {
			if _, ok := req["postData"]; ok {
				t.Errorf("entry %d: postData without a body", i)
			}
			continue
		}
		pd := harCheck(t, "postData", req["postData"], map[string]string{"mimeType": "string", "text": "string"})
		got := []byte(pd["text"].(string))
		if pd["encoding"] == "base64" {
			got, _ = base64.StdEncoding.DecodeString(pd["text"].(string))
		}
		if !bytes.Equal(got, r.Body) {
			t.Errorf("entry %d: postData carries %q, want %q", i, got, r.Body)
		}
	}
	first := entries[0].(map[string]any)["request"].(map[string]any)
	if first["url"] != "https://lucky-otter.ngrok.app/hooks/github?x=1&x=2&y=%2F&z=a+b" {
		t.Errorf("url %v", first["url"])
	}
	q := harPairs(t, "queryString", first["queryString"])
	if want := [][2]string{{"x", "1"}, {"x", "2"}, {"y", "/"}, {"z", "a b"}}; !slices.Equal(q, want) {
		t.Errorf("queryString %v", q)
	}
	if ck := harPairs(t, "cookies", first["cookies"]); !slices.Equal(ck, [][2]string{{"a", "1"}, {"b", "2"}}) {
		t.Errorf("cookies %v", ck)
	}
	bin := entries[1].(map[string]any)["request"].(map[string]any)["postData"].(map[string]any)
	if bin["encoding"] != "base64" {
		t.Errorf("binary postData not base64: %v", bin)
	}

	// Chosen ids, in the order given, sent to another base.
	out = testkit.Export(t, db, export.Options{Format: export.FormatHAR, IDs: []int64{reqs[3].ID, reqs[0].ID}, Base: "http://localhost:3000/api"})
	var two struct {
		Log struct {
			Entries []struct {
				Request struct{ URL string } `json:"request"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(out, &two); err != nil || len(two.Log.Entries) != 2 ||
		two.Log.Entries[0].Request.URL != "http://localhost:3000/api/ping?hub.challenge=abc" {
		t.Fatalf("ids export: %v %+v", err, two)
	}
	// An empty database is an empty, valid log.
	if err := json.Unmarshal(testkit.Export(t, testkit.DB(t), export.Options{Format: export.FormatHAR}), &doc); err != nil {
		t.Fatal(err)
	}
}

// The curl script is run for real: what arrives is what was captured.
func TestExportCurlRunsAndDeliversTheSameBytes(t *testing.T) {
	testkit.RequireTool(t, "curl")
	db := testkit.DB(t)
	reqs := exportSamples(t, db)
	base, target := testkit.CaptureServer(t)
	script := testkit.Export(t, db, export.Options{Format: export.FormatCurl, Base: base})
	if bytes.IndexByte(script, 0x1b) >= 0 || bytes.IndexByte(script, 0) >= 0 || !strings.HasPrefix(string(script), "#!/bin/sh\n") {
		t.Fatalf("script carries raw control bytes or no shebang:\n%s", script)
	}
	path := filepath.Join(t.TempDir(), "replay.sh")
	os.WriteFile(path, script, 0o600)
	if out, err := exec.Command("sh", path).CombinedOutput(); err != nil {
		t.Fatalf("sh: %v\n%s\n%s", err, out, script)
	}
	for i, want := range reqs {
		got, err := target.GetRequest(context.Background(), int64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		if got.Method != want.Method || got.Target != want.Target || !bytes.Equal(got.Body, want.Body) {
			t.Errorf("request %d arrived as %s %s %q, want %s %s %q", i, got.Method, got.Target, got.Body, want.Method, want.Target, want.Body)
		}
		if g, w := testkit.HeaderLines(got.Headers, "Host", "Content-Length"), testkit.HeaderLines(want.Headers); !slices.Equal(g, w) {
			t.Errorf("request %d headers\n%q\nwant\n%q\n%s", i, g, w, script)
		}
	}
	cmd, err := export.CurlCommand(reqs[0], "")
	if err != nil || !strings.Contains(cmd, "'https://lucky-otter.ngrok.app/hooks/github?x=1&x=2&y=%2F&z=a+b'") {
		t.Fatalf("CurlCommand to the sender's URL: %v\n%s", err, cmd)
	}
}

func TestExportJSONLStreamsEveryCaptureInOrder(t *testing.T) {
	db := testkit.DB(t)
	exportSamples(t, db)
	// More than two pages, so paging is exercised.
	for i := range 600 {
		testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/n"}, Body: []byte{byte(i)}})
	}
	out := testkit.Export(t, db, export.Options{Format: export.FormatJSONL})
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 604 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, line := range lines {
		var o struct {
			ID         int64  `json:"id"`
			Body       string `json:"body"`
			BodyBase64 string `json:"body_base64"`
		}
		if err := json.Unmarshal([]byte(line), &o); err != nil || o.ID != int64(i+1) {
			t.Fatalf("line %d: %v id %d", i, err, o.ID)
		}
		if i == 1 && o.BodyBase64 != base64.StdEncoding.EncodeToString(binaryBody) {
			t.Fatalf("binary body %q", o.BodyBase64)
		}
	}
	if err := export.Write(context.Background(), db, &bytes.Buffer{}, export.Options{Format: "xml"}); err == nil || !strings.Contains(err.Error(), "use har, curl or jsonl") {
		t.Fatalf("unknown format: %v", err)
	}
	if err := export.Write(context.Background(), db, &bytes.Buffer{}, export.Options{Format: "jsonl", IDs: []int64{9999}}); err == nil || !strings.Contains(err.Error(), "no such request") {
		t.Fatalf("missing id: %v", err)
	}
}

// HAR consumers (httpsnippet, Postman, Insomnia) build the request anew
// from an entry: a captured Content-Length or Connection would be sent
// as is beside the one they compute (httpsnippet's curl then declares a
// length it does not send, and hangs), and so would the old Host with
// --to. A form body also comes as postData.params, which they read.
func TestExportHARLeavesRebuiltHeadersOutAndListsFormParams(t *testing.T) {
	db := testkit.DB(t)
	form := testkit.Store(t, db, &storage.Request{
		Summary: storage.Summary{Method: "POST", Target: "/slack/commands"}, Host: "abc.ngrok.app", Proto: "HTTP/1.1",
		Headers: storage.Headers{{Name: "Host", Value: "abc.ngrok.app"}, {Name: "User-Agent", Value: "Slackbot 1.0"},
			{Name: "Content-Type", Value: "application/x-www-form-urlencoded; charset=utf-8"}, {Name: "Content-Length", Value: "31"},
			{Name: "Connection", Value: "keep-alive"}, {Name: "X-Slack-Request-Timestamp", Value: "1531420618"}},
		Body: []byte("command=%2Fwebhook&text=a+b&a=1&a=2"),
	})
	testkit.Store(t, db, &storage.Request{
		Summary: storage.Summary{Method: "POST", Target: "/json"}, Host: "abc.ngrok.app", Proto: "HTTP/1.1",
		Headers: storage.Headers{{Name: "Content-Type", Value: "application/json"}}, Body: []byte(`{"a=1":"b"}`),
	})
	type entry struct {
		Request struct {
			Headers  []struct{ Name, Value string } `json:"headers"`
			PostData struct {
				Text   string                         `json:"text"`
				Params []struct{ Name, Value string } `json:"params"`
			} `json:"postData"`
		} `json:"request"`
	}
	read := func(base string) []entry {
		var doc struct {
			Log struct{ Entries []entry } `json:"log"`
		}
		if err := json.Unmarshal(testkit.Export(t, db, export.Options{Format: export.FormatHAR, Base: base}), &doc); err != nil || len(doc.Log.Entries) != 2 {
			t.Fatalf("%v %+v", err, doc)
		}
		return doc.Log.Entries
	}
	names := func(e entry) []string {
		var out []string
		for _, h := range e.Request.Headers {
			out = append(out, h.Name)
		}
		return out
	}
	es := read("")
	if got, want := names(es[0]), []string{"Host", "User-Agent", "Content-Type", "X-Slack-Request-Timestamp"}; !slices.Equal(got, want) {
		t.Errorf("headers %q, want %q", got, want)
	}
	var params [][2]string
	for _, p := range es[0].Request.PostData.Params {
		params = append(params, [2]string{p.Name, p.Value})
	}
	if want := [][2]string{{"command", "/webhook"}, {"text", "a b"}, {"a", "1"}, {"a", "2"}}; !slices.Equal(params, want) {
		t.Errorf("params %q, want %q", params, want)
	}
	if es[0].Request.PostData.Text != string(form.Body) {
		t.Errorf("text %q: the body as it arrived must stay", es[0].Request.PostData.Text)
	}
	if len(es[1].Request.PostData.Params) != 0 {
		t.Errorf("a JSON body got params %v", es[1].Request.PostData.Params)
	}
	if got, want := names(read("http://localhost:3000")[0]), []string{"User-Agent", "Content-Type", "X-Slack-Request-Timestamp"}; !slices.Equal(got, want) {
		t.Errorf("with --to: headers %q, want %q", got, want)
	}
}
