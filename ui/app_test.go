package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/capture"
	"gaff/storage"
	"gaff/tunnel"
)

func TestEmptyListExplainsWhatToDo(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.contains("Waiting for the first webhook", "http://127.0.0.1:4747", "0 requests")
	h.checkSize()
}

func TestFollowsNewestWhileOnTop(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(3)...)
	if s := h.app.requests.list.selected(); s == nil || s.Target != "/n/3" {
		t.Fatalf("selected %+v, want the newest", s)
	}
	h.insert(many(5)[3:]...)
	if s := h.app.requests.list.selected(); s.Target != "/n/5" {
		t.Fatalf("cursor did not follow arrivals: on %s", s.Target)
	}
	h.contains("5 requests")
}

func TestDoesNotJumpWhenScrolledAway(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(10)...)
	h.keys("j", "j", "j")
	before := h.app.requests.list.selected().Target
	if before != "/n/7" {
		t.Fatalf("after 3×j on %s", before)
	}
	h.insert(req(100, "POST", "/late", nil, nil))
	if got := h.app.requests.list.selected().Target; got != before {
		t.Fatalf("selection jumped from %s to %s on arrival", before, got)
	}
	if h.app.requests.list.rows[0].Target != "/late" {
		t.Fatal("the arrival was not added above")
	}
	// The first visible row stays put too: nothing on screen moved.
	h.contains("/n/7")
	h.keys("g")
	if got := h.app.requests.list.selected().Target; got != "/late" {
		t.Fatalf("g went to %s", got)
	}
}

func TestPagesThroughMoreThanTheWindow(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(2500)...)
	if n := len(h.app.requests.list.rows); n > maxWindow {
		t.Fatalf("window holds %d rows", n)
	}
	h.keys("G")
	if got := h.app.requests.list.selected().Target; got != "/n/1" {
		t.Fatalf("G went to %s", got)
	}
	h.contains("/n/1 ", "/n/2 ")
	// Walk up from the oldest across several page boundaries.
	for i := 0; i < 700; i++ {
		h.keys("k")
	}
	if got := h.app.requests.list.selected().Target; got != "/n/701" {
		t.Fatalf("after 700×k from the oldest: %s", got)
	}
	for i := 0; i < 40; i++ {
		h.keys("pgdown")
	}
	if got := h.app.requests.list.selected().Target; got != "/n/1" {
		t.Fatalf("paging down did not reach the oldest: %s", got)
	}
	h.keys("g")
	if got := h.app.requests.list.selected().Target; got != "/n/2500" {
		t.Fatalf("g went to %s", got)
	}
	if n := len(h.app.requests.list.rows); n > maxWindow {
		t.Fatalf("window grew to %d rows", n)
	}
	// Arrivals while far away are noted, not shown by jumping.
	h.keys("G")
	h.insert(req(9999, "POST", "/new", nil, nil))
	if got := h.app.requests.list.selected().Target; got != "/n/1" {
		t.Fatalf("arrival moved the cursor to %s", got)
	}
	h.contains("▲ 1 new · g")
}

func TestDetailOpensOnBodyAndRemembersTab(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(fixtures()...)
	h.keys("G", "enter")
	h.contains("[body JSON]", `"full_name": "octo/hello-world"`)
	h.keys("tab")
	h.contains("[headers]", "X-GitHub-Event: push", "User-Agent: GitHub-Hookshot/8e03811")
	h.keys("esc", "k", "enter")
	h.contains("POST /stripe", "[headers]", "Stripe-Signature: t=1763812999,v1=deadbeef")
	h.keys("shift+tab", "shift+tab", "shift+tab")
	h.contains("[overview]", "http://127.0.0.1:4747/stripe", "application/json; charset=utf-8")
	h.keys("tab")
	h.contains("[deliveries]", "Not sent anywhere yet")
	h.keys("tab")
	h.contains("[body JSON]", `"type": "payment_intent.succeeded"`)
}

func TestBodyRenderings(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.insert(fixtures()...)
	h.keys("G", "k", "k", "enter") // the form
	h.contains("[body form]", "text", "hello world", "https://hooks.slack.com/x")
	h.keys("tab", "tab")
	h.contains("[query]", "team", "T1")
	h.keys("tab", "tab", "tab", "esc", "k", "enter") // binary upload
	h.contains("[body binary]", "00000000  00 07 0e 15 1c 23 2a 31  38 3f 46 4d 54 5b 62 69")
	h.keys("esc", "k", "enter") // gzip
	h.contains("decoded from gzip", `"compressed": true`)
	h.keys("v")
	h.contains("[body (raw)]", "00000000  1f 8b")
	h.keys("v")
	h.contains(`"compressed": true`)
}

func TestHostileBytesNeverReachTheScreen(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.insert(fixtures()...)
	raw := h.app.View().Content
	for _, bad := range []string{"\x1b]0;", "\x1b]52", "\x1b[2J", "\x07"} {
		if strings.Contains(raw, bad) {
			t.Fatalf("list view carries %q", bad)
		}
	}
	h.keys("enter", "tab")
	raw = h.app.View().Content
	for _, bad := range []string{"\x1b]0;", "\x1b]52", "\x1b[2J", "\x07"} {
		if strings.Contains(raw, bad) {
			t.Fatalf("detail view carries %q", bad)
		}
	}
	h.contains(`X-Evil\e[2J: \e]52;c;aGk=\x07`)
}

func TestDetailScrollsLongBodies(t *testing.T) {
	h := newHarness(t, 80, 24)
	lines := make([]string, 200)
	for i := range lines {
		lines[i] = "line " + strings.Repeat("x", i%7)
	}
	h.insert(req(1, "POST", "/log", hdrs("Content-Type", "text/plain"), []byte(strings.Join(lines, "\n"))))
	h.keys("enter")
	if got := h.row(3); got != "line" {
		t.Fatalf("first body row %q", got)
	}
	h.keys("G")
	// 19 text rows fit: lines 181…199.
	if got, last := h.row(3), h.row(21); got != "line xxxxxx" || last != "line xxx" {
		t.Fatalf("after G rows %q … %q, want line 181 … line 199", got, last)
	}
	h.keys("k")
	if got := h.row(3); got != "line xxxxx" {
		t.Fatalf("after k first row %q", got)
	}
	h.keys("g")
	if got := h.row(3); got != "line" {
		t.Fatalf("after g first row %q", got)
	}
}

func TestResizeKeepsEverythingInside(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(fixtures()...)
	for _, sz := range [][2]int{{200, 50}, {80, 24}, {109, 30}, {110, 30}, {60, 15}, {80, 24}} {
		h.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		h.checkSize()
		h.keys("enter")
		h.checkSize()
		h.keys("esc")
	}
}

func TestHelpListsKeysAndCloses(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.keys("?")
	h.contains("help", "newest", "replay", "esc close")
	h.checkSize()
	// Taller than 24 rows: j scrolls to the rest instead of closing.
	for i := 0; i < 40; i++ {
		h.keys("j")
	}
	h.contains("generate secret", "any other key closes")
	h.checkSize()
	h.keys("x")
	h.lacks("any other key closes")
	h.send(tea.WindowSizeMsg{Width: 200, Height: 50})
	h.keys("?")
	h.contains("raw/pretty", "generate secret", "copy URL")
}

func TestQuit(t *testing.T) {
	h := newHarness(t, 80, 24)
	_, cmd := h.app.Update(keyPress("q"))
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
}

func TestHeaderShowsTunnelStates(t *testing.T) {
	h := newHarness(t, 80, 24)
	pub := &stubTunnel{st: tunnel.State{Status: tunnel.Connecting}}
	h.app.common.deps.Public = pub
	h.send(tunnelMsg{})
	h.contains("http://127.0.0.1:4747", "connecting to ngrok")
	h.checkSize()

	pub.url = "https://lucky-otter.ngrok.app"
	pub.st = tunnel.State{Status: tunnel.Online, URL: pub.url, Latency: 42 * time.Millisecond}
	h.send(tunnelMsg{})
	h.contains("https://lucky-otter.ngrok.app", "● online 42ms")
	h.checkSize()
	h.send(tea.WindowSizeMsg{Width: 160, Height: 30})
	h.contains("local http://127.0.0.1:4747", "0 requests")

	pub.st = tunnel.State{Status: tunnel.Reconnecting, URL: pub.url, Err: "the connection to ngrok was cut"}
	h.send(tunnelMsg{})
	h.contains("◐ reconnecting", "ngrok reconnecting: the connection to ngrok was cut")
	h.checkSize()

	pub.url = ""
	pub.st = tunnel.State{Status: tunnel.Failed, Err: "ngrok refused the authtoken (ERR_NGROK_105)", Hint: "copy a valid authtoken from https://dashboard.ngrok.com/get-started/your-authtoken"}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.send(tunnelMsg{})
	h.contains("✕ ngrok failed", "ngrok refused the authtoken", "http://127.0.0.1:4747")
	h.checkSize()
}

func TestCopyURLUsesOSC52(t *testing.T) {
	h := newHarness(t, 80, 24)
	_, cmd := h.app.Update(keyPress("c"))
	if cmd == nil {
		t.Fatal("c did nothing")
	}
	if got := h.clipboard(cmd); got != "http://127.0.0.1:4747" {
		t.Fatalf("clipboard gets %q", got)
	}
	h.contains("copied http://127.0.0.1:4747")
}

func TestStorageFailureIsShown(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.app.common.deps.Health = func() *capture.Failure {
		return &capture.Failure{Err: storage.ErrFull, Since: t0}
	}
	h.send(healthTickMsg{})
	h.contains("⚠ not storing", "not storing since 12:04:00: the disk is full")
	h.checkSize()
}

func (h *harness) index() {
	h.t.Helper()
	for {
		n, err := h.db.IndexSome(context.Background())
		if err != nil {
			h.t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	h.send(dbChangedMsg{})
}

func TestSearchFiltersTheListAsYouType(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.insert(fixtures()...)
	h.insert(req(30, "POST", "/late", hdrs("Content-Type", "text/plain"), []byte("not yet indexed")))
	h.index()
	h.insert(req(40, "POST", "/later", hdrs("Content-Type", "text/plain"), []byte("pending")))
	h.keys("/")
	h.contains("search:", "method:POST")
	// Not indexed yet, and found: a search first indexes a short gap.
	typeText(h, "pending")
	h.contains("search: pending", "/later")
	typeText(h, strings.Repeat("\b", len("pending")))
	typeText(h, "provider:stripe")
	h.contains("search: provider:stripe", "/stripe")
	h.lacks("/hooks/github")
	// A malformed query explains itself and leaves the list as it was.
	typeText(h, " status:abc")
	h.contains("status:abc: write a code like status:404", "/stripe")
	typeText(h, "\b\b\b5xx")
	h.contains("Nothing matches")
	typeText(h, "\b\b\b2xx")
	h.contains("/stripe")
	h.keys("enter")
	h.contains("search: provider:stripe status:2xx")
	// esc on the list clears the search.
	h.keys("esc")
	h.contains("requests", "/hooks/github", "/late")
	// esc in the prompt restores what was there before.
	h.keys("/")
	typeText(h, "zzzz")
	h.keys("esc")
	h.contains("/hooks/github")
	h.lacks("search:")
}

func TestDeleteAsksFirst(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(3)...)
	h.keys("d")
	h.contains("delete request #3 POST /n/3 (y/n)")
	h.keys("n")
	if n, _ := h.db.CountRequests(context.Background()); n != 3 {
		t.Fatal("n deleted")
	}
	h.keys("d", "y")
	h.send(dbChangedMsg{}) // the deletion's commit, as the feed announces it
	h.contains("deleted request #3 POST /n/3", "2 requests")
	if s := h.app.requests.list.rows; len(s) != 2 || s[0].ID == 3 {
		t.Fatalf("rows after delete: %v", s)
	}
	if got := h.app.requests.list.selected().Target; got != "/n/2" {
		t.Fatalf("selected %s after delete", got)
	}
}

func TestLargeJSONBodyReachesItsEnd(t *testing.T) {
	h := newHarness(t, 80, 24)
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := 0; sb.Len() < largeJSON*2; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":%d}`, i)
	}
	sb.WriteString(`],"last":"the end"}`)
	h.insert(req(1, "POST", "/big", hdrs("Content-Type", "application/json"), []byte(sb.String())))
	h.keys("enter")
	h.contains(`"items": [`)
	// Before the background index arrives, G waits for it…
	h.app.requests.detail.set(h.app.requests.detail.req, h.app.requests.detail.doc, nil)
	h.keys("G")
	h.lacks(`"the end"`)
	// …and lands at the end when it comes.
	h.run(h.app.requests.detail.indexCmd())
	h.contains(`"last": "the end"`)
}

// A row deleted behind the UI's back (retention) is reported once and
// dropped; the harness would never return if the load were retried in a
// loop.
func TestDeletedRowIsReportedNotReloadedForever(t *testing.T) {
	h := newHarness(t, 160, 30) // wide enough for the detail beside the list
	h.insert(many(3)...)
	if err := h.db.DeleteRequest(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	h.keys("j")
	h.lacks("/n/2 ")
	if got := h.app.requests.list.selected().Target; got != "/n/1" && got != "/n/3" {
		t.Fatalf("selected %s", got)
	}
}

// A commit that lands while the newest page is being read is fetched when
// that page arrives, not left out until the next commit.
func TestArrivalDuringALoadIsNotMissed(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(many(1)...)
	ctx := context.Background()
	h.db.InsertRequest(ctx, req(2, "POST", "/second", nil, nil))
	load := h.app.requests.list.arrived(h.db.LastRequestID())
	page := load() // read now: it sees /second only
	h.db.InsertRequest(ctx, req(3, "POST", "/third", nil, nil))
	h.send(dbChangedMsg{}) // arrives while the page is in flight
	h.send(page)
	h.contains("/third", "/second")
	if got := h.app.requests.list.selected().Target; got != "/third" {
		t.Fatalf("following the newest, yet on %s", got)
	}
}

func TestOverloadIsShownForAWhile(t *testing.T) {
	h := newHarness(t, 120, 24)
	var n int64
	h.app.common.deps.Overloaded = func() int64 { return n }
	now := time.Now()
	h.app.noteOverload(now)
	h.lacks("busy")
	n = 7
	h.app.noteOverload(now.Add(time.Second))
	h.contains("⚠ busy: 7 turned away (503)")
	h.app.noteOverload(now.Add(time.Second + busyShown + time.Second))
	h.lacks("busy")
}
