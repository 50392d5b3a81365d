package ui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/capture"
	"gaff/internal/testkit"
	"gaff/policy"
	"gaff/provider"
	"gaff/send"
	"gaff/storage"
)

// newTarget is the user's handler, answering code with a JSON body.
func newTarget(t *testing.T, code int) *testkit.Recorder {
	tg := testkit.NewRecorder(t, `{"handled":true}`, "Content-Type", "application/json")
	tg.Status(code)
	return tg
}

func withSender(h *harness) *capture.Handler {
	handler := withPolicy(h)
	h.app.common.deps.Sender = &send.Sender{DB: h.db, Client: send.NewClient(5 * time.Second), Secret: func(p string) (string, bool) {
		s := handler.Policy().Secrets[p]
		return s, s != ""
	}}
	return handler
}

func TestReplayAsksForTargetThenSendsByteForByte(t *testing.T) {
	h := newHarness(t, 100, 30)
	withSender(h)
	tg := newTarget(t, 200)
	bin := []byte{0, 1, 2, 0xff, 0x1b, '\n'}
	h.insert(req(1, "PUT", "/upload?a=1&a=2", hdrs("Content-Type", "application/octet-stream", "X-Dup", "1", "x-dup", "2"), bin))
	h.keys("r")
	h.contains("your handler's base URL", "http://localhost:3000")
	typeText(h, strings.Repeat("\b", 30)+tg.URL)
	h.keys("enter")
	got, body := tg.Last()
	if !bytes.Equal(body, bin) || got.Method != "PUT" || got.URL.RawQuery != "a=1&a=2" || got.URL.Path != "/upload" || strings.Join(got.Header.Values("X-Dup"), ",") != "1,2" {
		t.Fatalf("replayed %s %s %q %q", got.Method, got.URL, body, got.Header)
	}
	h.contains("replayed #1 PUT /upload → 200 in ")
	// The target is remembered: r again does not ask.
	h.keys("r")
	if tg.Count() != 2 {
		t.Fatalf("second replay: %d calls", tg.Count())
	}
	// The deliveries tab lists both, with the handler's answer.
	h.keys("enter", "shift+tab")
	h.contains("[deliveries 2]", "#2 replay", `{"handled":true}`)
	stored, _ := h.db.ListDeliveries(context.Background(), storage.DeliveryFilter{RequestID: 1})
	if len(stored) != 2 || stored[0].Status != 200 {
		t.Fatalf("stored deliveries %+v", stored)
	}
}

func TestReplayToADeadTargetSaysWhy(t *testing.T) {
	h := newHarness(t, 80, 24)
	withSender(h)
	tg := newTarget(t, 200)
	dead := tg.URL
	tg.Close()
	h.insert(req(1, "POST", "/x", nil, []byte("x")))
	h.app.requests.target = dead
	h.keys("r")
	h.contains("connection refused")
	h.keys("t")
	typeText(h, strings.Repeat("\b", 40)+"htp:/nope")
	h.keys("enter")
	h.contains("not an http:// or https:// URL")
	h.keys("esc")
}

func TestReplayResignedVerifies(t *testing.T) {
	h := newHarness(t, 80, 24)
	handler := withSender(h)
	secret := "It's a Secret to Everybody"
	handler.SetPolicy(&policy.Policy{Secrets: map[string]string{"github": secret}})
	tg := newTarget(t, 200)
	body := []byte(`{"zen":"Keep it logically awesome."}`)
	sig, _ := provider.Sign(provider.SchemeGitHub, provider.SignInput{Body: body, Secret: "old secret", Now: time.Now()})
	r := req(1, "POST", "/gh", hdrs("Content-Type", "application/json", "X-GitHub-Event", "ping", sig[0].Name, sig[0].Value), body)
	r.Provider = "github"
	h.insert(r)
	h.app.requests.target = tg.URL
	h.keys("R")
	got, gotBody := tg.Last()
	v := provider.Verify("github", secret, &provider.Request{Method: got.Method, Header: got.Header, Body: gotBody}, time.Now())
	if v.Result != provider.Valid {
		t.Fatalf("re-signed replay does not verify: %+v", v)
	}
}

func TestEditAndSendLeavesTheCaptureAlone(t *testing.T) {
	h := newHarness(t, 100, 30)
	withSender(h)
	tg := newTarget(t, 201)
	h.insert(req(1, "POST", "/hook", hdrs("Content-Type", "application/json", "X-A", "1"), []byte(`{"n":1}`)))
	h.app.requests.target = tg.URL
	h.keys("e")
	h.contains("edit a copy of request #1", "Method", tg.URL+"/hook", "X-A: 1", `{"n":1}`)
	h.checkSize()
	// Add a header, then change the body.
	h.send(tea.KeyPressMsg{Code: tea.KeyEnd, Mod: tea.ModCtrl})
	typeText(h, "\nX-Edited: yes")
	h.keys("tab")
	typeText(h, "\b\b2}")
	h.send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	got, body := tg.Last()
	if string(body) != `{"n":2}` || got.Header.Get("X-Edited") != "yes" || got.Header.Get("X-A") != "1" {
		t.Fatalf("sent %q %q", body, got.Header)
	}
	h.contains("sent edited copy of #1 POST /hook → 201 in ")
	orig, _ := h.db.GetRequest(context.Background(), 1)
	if string(orig.Body) != `{"n":1}` {
		t.Fatal("the capture was changed")
	}
	dl, _ := h.db.ListDeliveries(context.Background(), storage.DeliveryFilter{RequestID: 1})
	if len(dl) != 1 || dl[0].Kind != storage.KindEdit || string(dl[0].Body) != `{"n":2}` {
		t.Fatalf("edit delivery %+v", dl)
	}
	// A header line that is not Name: value is refused in the form.
	h.keys("e")
	h.send(tea.KeyPressMsg{Code: tea.KeyEnd, Mod: tea.ModCtrl})
	typeText(h, "\nnot a header")
	h.send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	h.contains("is not in the form 'Name: value'")
	h.keys("esc")
	if tg.Count() != 1 {
		t.Fatal("a bad form was sent")
	}
}

func TestCopyAsCurl(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(req(1, "POST", "/hook?x=1", hdrs("Content-Type", "application/json"), []byte(`{"it's":"quoted"}`)))
	h.app.requests.target = "http://localhost:3000"
	_, cmd := h.app.Update(keyPress("y"))
	text := h.clipboard(cmd)
	if !strings.Contains(text, "curl") || !strings.Contains(text, "http://localhost:3000/hook?x=1") || !strings.Contains(text, `'{"it'\''s":"quoted"}'`) {
		t.Fatalf("clipboard %q", text)
	}
	h.contains("copied #1 POST /hook as curl")
}

// clipboard runs cmd as Bubble Tea would and returns what it writes to
// the clipboard (OSC 52), "" for nothing.
func (h *harness) clipboard(cmd tea.Cmd) string {
	h.t.Helper()
	if cmd == nil {
		return ""
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		text := ""
		for _, c := range msg {
			text += h.clipboard(c)
		}
		return text
	case nil:
		return ""
	default:
		if fmt.Sprintf("%T", msg) == "tea.setClipboardMsg" {
			return fmt.Sprint(msg)
		}
		_, next := h.app.Update(msg)
		return h.clipboard(next)
	}
}

// Fields left as they were send the captured bytes, not the text widget's
// version of them (it turns \r into \n and tabs into spaces).
func TestEditKeepsUntouchedBytes(t *testing.T) {
	h := newHarness(t, 100, 30)
	withSender(h)
	tg := newTarget(t, 200)
	body := []byte("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\tx\u202e\r\n--b--\r\n")
	h.insert(req(1, "POST", "/multi", hdrs("Content-Type", "multipart/form-data; boundary=b", "X-Tab", "a\tb"), body))
	h.app.requests.target = tg.URL
	h.keys("e")
	h.contains("kept byte for byte; ctrl+e edits it in $EDITOR")
	h.lacks("\u202e")
	h.send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	got, gotBody := tg.Last()
	if !bytes.Equal(gotBody, body) || got.Header.Get("X-Tab") != "a\tb" {
		t.Fatalf("sent %q with X-Tab %q", gotBody, got.Header.Get("X-Tab"))
	}
}

// The edit form shows URL and header values through the sanitiser like
// every other view (a bidi override or zero-width space must not reach the
// terminal raw), and fields left as they were still send the captured
// bytes: an invalid UTF-8 path, the header values with their marks.
func TestEditShowsHostileURLAndHeadersSanitised(t *testing.T) {
	h := newHarness(t, 120, 30)
	withSender(h)
	tg := newTarget(t, 200)
	target := "/pay\xff\u202emoc.evil?q=\u200bx"
	h.insert(req(1, "POST", target, hdrs("X-Bidi", "safe\u202etxt.exe", "X-Zero", "a\u200bb"), []byte(`{}`)))
	h.app.requests.target = tg.URL
	h.keys("e")
	h.contains("edit a copy of request #1")
	h.lacks("\u202e", "\u200b", "\xff")
	h.send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	got, _ := tg.Last()
	if got.RequestURI != target {
		t.Errorf("sent the target %q, captured %q", got.RequestURI, target)
	}
	if got.Header.Get("X-Bidi") != "safe\u202etxt.exe" || got.Header.Get("X-Zero") != "a\u200bb" {
		t.Errorf("sent headers %q", got.Header)
	}
}

// A header line the user left alone keeps its captured bytes even when
// another line was edited: the form shows escapes, not what is sent.
func TestEditKeepsUntouchedHeaderLinesWhenAnotherChanges(t *testing.T) {
	h := newHarness(t, 120, 30)
	withSender(h)
	tg := newTarget(t, 200)
	h.insert(req(1, "POST", "/h", hdrs("X-Bidi", "safe\u202etxt", "X-Plain", "one"), []byte(`{}`)))
	h.app.requests.target = tg.URL
	h.keys("e")
	h.contains("edit a copy of request #1")
	h.send(tea.KeyPressMsg{Code: tea.KeyEnd, Mod: tea.ModCtrl})
	for _, r := range "\nX-New: two" {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	h.send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	got, _ := tg.Last()
	if got.Header.Get("X-Bidi") != "safe\u202etxt" || got.Header.Get("X-New") != "two" || got.Header.Get("X-Plain") != "one" {
		t.Errorf("sent headers %q", got.Header)
	}
}
