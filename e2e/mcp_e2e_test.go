package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// mcpSession runs gaff mcp on db and connects the SDK's own client to it
// over stdio, as a coding agent would.
func mcpSession(t *testing.T, db string) *mcp.ClientSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	client := mcp.NewClient(&mcp.Implementation{Name: "gaff-e2e", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: exec.Command(gaffBinary(t), "mcp", "--db", db)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// callTool calls a tool and decodes its structured answer into out; a
// tool error fails the test unless wantErr, when its text is returned.
func callTool(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any, out any) string {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var text strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	if res.IsError {
		if out != nil {
			t.Fatalf("%s(%v): %s", name, args, text.String())
		}
		return text.String()
	}
	if out == nil {
		t.Fatalf("%s(%v) succeeded: %s", name, args, text.String())
	}
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%s: %v in %s", name, err, b)
	}
	return text.String()
}

type mcpCapture struct {
	ID     int64               `json:"id"`
	Path   string              `json:"path"`
	Body   string              `json:"body"`
	Header map[string][]string `json:"headers"`
}

func TestMCPServerForAgents(t *testing.T) {
	db := filepath.Join(t.TempDir(), "g.db")
	local, _ := startOnAnyPort(t, db)
	post(t, local+"/first", `{"n":1,"items":[{"id":"a"}]}`)
	target, got := recordingTarget(t, 200, "handled")

	cs := mcpSession(t, db)
	tools, err := cs.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range tools.Tools {
		names = append(names, tool.Name)
	}
	slices.Sort(names)
	want := []string{"diff_captures", "get_capture", "replay_capture", "search_captures", "send_test_event", "wait_for_capture"}
	if !slices.Equal(names, want) {
		t.Fatalf("tools %v, want %v", names, want)
	}

	// The wait starts at some moment this test cannot see, so webhooks
	// keep arriving (a bounded number) until it returns one: it must be
	// one that matches, posted after capture 1.
	type waited struct {
		TimedOut bool       `json:"timed_out"`
		Capture  mcpCapture `json:"capture"`
	}
	done := make(chan waited, 1)
	go func() {
		var w waited
		callTool(t, cs, "wait_for_capture", map[string]any{"query": "path:/second", "timeout_seconds": 60}, &w)
		done <- w
	}()
	var w waited
posting:
	for i := range 200 {
		post(t, local+"/noise", `{"noise":true}`)
		post(t, local+"/second", fmt.Sprintf(`{"n":2,"try":%d,"items":[{"id":"b"}]}`, i))
		select {
		case w = <-done:
			break posting
		case <-time.After(50 * time.Millisecond):
		}
	}
	if w.TimedOut || w.Capture.Path != "/second" || w.Capture.ID < 3 || !strings.Contains(w.Capture.Body, `"n":2`) {
		t.Fatalf("wait_for_capture returned %+v", w)
	}
	second := w.Capture.ID

	var c mcpCapture
	callTool(t, cs, "get_capture", map[string]any{"id": second}, &c)
	if c.ID != second || c.Path != "/second" || c.Body != w.Capture.Body || c.Header["Content-Type"][0] != "application/json" {
		t.Fatalf("get_capture %d: %+v", second, c)
	}

	var found struct {
		Captures []struct {
			ID   int64  `json:"id"`
			Path string `json:"path"`
		} `json:"captures"`
		More bool `json:"more"`
	}
	callTool(t, cs, "search_captures", map[string]any{"query": "path:/second", "limit": 1}, &found)
	if len(found.Captures) != 1 || found.Captures[0].Path != "/second" || found.Captures[0].ID < second {
		t.Fatalf("search_captures: %+v", found)
	}
	callTool(t, cs, "search_captures", map[string]any{"query": "path:/first"}, &found)
	if len(found.Captures) != 1 || found.Captures[0].ID != 1 || found.More {
		t.Fatalf("search_captures path:/first: %+v", found)
	}

	var d struct {
		DeliveryID   int64  `json:"delivery_id"`
		Status       int    `json:"status"`
		ResponseBody string `json:"response_body"`
	}
	callTool(t, cs, "replay_capture", map[string]any{"id": second, "to": target}, &d)
	if r, body := got.Next(t); d.Status != 200 || d.ResponseBody != "handled" || d.DeliveryID == 0 ||
		r.URL.Path != "/second" || string(body) != c.Body {
		t.Fatalf("replay_capture: %+v; the handler got %s %q", d, r.URL.Path, body)
	}

	var sent struct {
		Status int `json:"status"`
	}
	callTool(t, cs, "send_test_event", map[string]any{"event": "github.push", "secret": "s3cret", "to": target + "/gh"}, &sent)
	if r, _ := got.Next(t); sent.Status != 200 || r.URL.Path != "/gh" || !strings.HasPrefix(r.Header.Get("X-Hub-Signature-256"), "sha256=") {
		t.Fatalf("send_test_event: %+v; the handler got %s %v", sent, r.URL.Path, r.Header)
	}

	var diffed struct {
		Equal   bool `json:"equal"`
		Changes []struct {
			Path, Kind, Old, New string
		} `json:"changes"`
	}
	callTool(t, cs, "diff_captures", map[string]any{"a": 1, "b": second, "ignore": []string{"headers", ".try"}}, &diffed)
	wantChanges := `[{path changed /first /second} {.items[0].id changed "a" "b"} {.n changed 1 2}]`
	if diffed.Equal || fmt.Sprint(diffed.Changes) != wantChanges {
		t.Fatalf("diff_captures: %+v\nwant %s", diffed, wantChanges)
	}

	var none waited
	callTool(t, cs, "wait_for_capture", map[string]any{"query": "path:/never", "timeout_seconds": 1}, &none)
	if !none.TimedOut || none.Capture.ID != 0 {
		t.Errorf("wait_for_capture with nothing to wait for: %+v", none)
	}

	// An agent runs one tool at a time: it triggers the webhook, then
	// waits. after_id (the newest id it saw before triggering) makes a
	// capture that arrived in between count.
	post(t, local+"/early", `{"early":true}`)
	var early waited
	callTool(t, cs, "wait_for_capture", map[string]any{"query": "path:/early", "after_id": second, "timeout_seconds": 5}, &early)
	if early.TimedOut || early.Capture.Path != "/early" {
		t.Errorf("wait_for_capture after_id %d for a capture already there: %+v", second, early)
	}
	if msg := callTool(t, cs, "wait_for_capture", map[string]any{"after_id": -1}, nil); !strings.Contains(msg, "after_id") {
		t.Errorf("wait_for_capture with after_id -1: %q", msg)
	}

	// Bad input is a tool error the agent can read and act on.
	if msg := callTool(t, cs, "get_capture", map[string]any{"id": 999}, nil); !strings.Contains(msg, "no capture 999") {
		t.Errorf("get_capture 999: %q", msg)
	}
	if msg := callTool(t, cs, "search_captures", map[string]any{"query": "status:abc"}, nil); !strings.Contains(msg, "query") {
		t.Errorf("search_captures status:abc: %q", msg)
	}
	if msg := callTool(t, cs, "send_test_event", map[string]any{"event": "github.push", "to": target}, nil); !strings.Contains(msg, "give secret") {
		t.Errorf("send_test_event without a secret: %q", msg)
	}
	if msg := callTool(t, cs, "diff_captures", map[string]any{"a": 1, "b": second, "ignore": []string{""}}, nil); !strings.Contains(msg, "empty ignore path") {
		t.Errorf("diff_captures with an empty ignore path: %q", msg)
	}
	if msg := callTool(t, cs, "wait_for_capture", map[string]any{"timeout_seconds": 100000}, nil); !strings.Contains(msg, "timeout_seconds") {
		t.Errorf("wait_for_capture with a huge timeout: %q", msg)
	}
}
