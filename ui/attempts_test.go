package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"gaff/storage"
)

func delivered(sec int, id string, status int) *storage.Request {
	r := req(sec, "POST", "/hooks/github", hdrs("X-GitHub-Event", "push"), []byte(githubPush))
	r.Provider, r.Event, r.DeliveryID, r.Status = "github", "push", id, status
	return r
}

// Repeats carry a mark in the list, and the overview lists every arrival
// of the delivery with its gap and answer, the open one marked; a retry
// that arrives while it is open joins the list.
func TestRepeatsAreMarkedAndTheirArrivalsListed(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(delivered(0, "github:72d3162e", 503), delivered(10, "github:other", 200),
		delivered(90, "github:72d3162e", 503), delivered(300, "github:72d3162e", 200))
	h.checkSize()
	h.contains("repeat")
	if r := h.row(3); !strings.Contains(r, "dup #1 (3rd)") { // newest first: #4 on the first row under the header
		t.Errorf("row of #4 = %q, want its mark", r)
	}
	if r := h.row(4); !strings.Contains(r, "dup #1 (2nd)") {
		t.Errorf("row of #3 = %q, want its mark", r)
	}
	if r := h.row(5); strings.Contains(r, "dup") {
		t.Errorf("row of #2 = %q, a first arrival has no mark", r)
	}

	h.keys("j", "enter", "shift+tab", "shift+tab") // #3, overview
	h.contains("[overview]", "Delivery  github:72d3162e", "Arrivals  3 (same delivery id)")
	h.contains("  #1      Nov 22 12:04:00.000  first    answered 503",
		"▸ #3      Nov 22 12:05:30.000  +1m30s   answered 503  ◂ this one",
		"  #4      Nov 22 12:09:00.000  +3m30s   answered 200")
	h.lacks("#2 ")
	h.checkSize()

	h.insert(delivered(400, "github:72d3162e", 200))
	h.contains("Arrivals  4 (same delivery id)", "  #5      Nov 22 12:10:40.000  +1m40s")

	h.send(deliveriesMsg{id: 3, arrivals: arrivals{err: errors.New("database is locked")}})
	h.contains("cannot read the other arrivals: database is locked")
}

// Identical bytes from a sender without ids say why they count as one
// delivery; the list is bounded and says how many it left out.
func TestArrivalLinesAreBounded(t *testing.T) {
	st := DefaultStyles()
	open := &storage.Request{Summary: storage.Summary{ID: 3, DeliveryID: storage.BodyKeyPrefix + "ab12", DuplicateOf: 1}}
	var a arrivals
	for i := range storage.AttemptsShown {
		a.list = append(a.list, storage.Summary{ID: int64(i + 1), Time: t0.Add(time.Duration(i) * time.Second), Status: 200})
	}
	a.more = 7
	got := strings.Join(stripAll(arrivalLines(open, a, &st)), "\n")
	for _, want := range []string{fmt.Sprintf("Arrivals  %d (same method, path and body within 10m)", storage.AttemptsShown+7), "▸ #3 ", "  and 7 more"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Delivery") || strings.Count(got, "answered") != storage.AttemptsShown {
		t.Errorf("want no body key shown and %d arrivals:\n%s", storage.AttemptsShown, got)
	}
	a.more = storage.MaxCounted
	if got := strings.Join(stripAll(arrivalLines(open, a, &st)), "\n"); !strings.Contains(got, "and 10000+ more") {
		t.Errorf("a capped count:\n%s", got)
	}
	// Arrived once: only the provider's id.
	one := &storage.Request{Summary: storage.Summary{ID: 9, DeliveryID: "stripe:evt_1"}}
	if got := stripAll(arrivalLines(one, arrivals{list: []storage.Summary{one.Summary}}, &st)); len(got) != 1 || !strings.Contains(got[0], "stripe:evt_1") {
		t.Errorf("arrived once: %q", got)
	}
}

func stripAll(lines staticLines) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = ansi.Strip(l)
	}
	return out
}

// A refresh of the overview or the deliveries, which comes with every
// commit while webhooks arrive, keeps the place the user scrolled to
// (seen by hand: j in a long overview did nothing while a webhook arrived
// every second, because each refresh put the view back at its top).
func TestRefreshKeepsTheScrollPosition(t *testing.T) {
	h := newHarness(t, 80, 24)
	var rs []*storage.Request
	for i := range 30 {
		rs = append(rs, delivered(i*10, "github:72d3162e", 200))
	}
	h.insert(rs...)
	h.keys("enter", "shift+tab", "shift+tab") // the newest, overview
	h.contains("[overview]", "Arrivals  30 (same delivery id)")
	h.keys("G")
	h.contains("#30 ")
	h.lacks("Request   #30")
	h.insert(delivered(400, "github:72d3162e", 200)) // a refresh arrives
	h.lacks("Request   #30")                         // still scrolled down
	h.contains("#30 ")
}

// The detail links to the other arrivals: A lists every arrival of the
// delivery on screen, to open any of them (issue: a user could read the
// arrivals in the overview but not go to one).
func TestArrivalsKeyListsEveryArrival(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(delivered(0, "github:72d3162e", 503), delivered(10, "github:other", 200),
		delivered(90, "github:72d3162e", 503), delivered(300, "github:72d3162e", 200))
	h.keys("j", "enter", "shift+tab", "shift+tab") // #3, overview
	h.contains("Arrivals  3 (same delivery id)")
	h.keys("G")
	h.contains("A lists them, to open one")
	h.keys("A")
	h.contains(`search: delivery:"github:72d3162e"`)
	for _, want := range []string{"dup #1 (3rd)", "dup #1 (2nd)"} {
		h.contains(want)
	}
	h.lacks("12:04:10") // #2, the other delivery
	h.keys("enter")     // the newest arrival opens
	h.contains("Request   #4")
}
