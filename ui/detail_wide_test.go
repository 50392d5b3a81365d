package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/storage"
)

// From 160 columns the body tab shows the request's headers and body and,
// on the same rows, the newest response of its target; narrower, the body
// alone.
func TestWideDetailShowsRequestBesideLatestResponse(t *testing.T) {
	h := newHarness(t, 160, 48)
	h.insert(fixtures()...)
	for i, d := range []*storage.Delivery{
		{Status: 500, RespBody: []byte("older-attempt")},
		{Status: 201, RespHeaders: storage.Headers{{Name: "X-Handler", Value: "local"}}, RespBody: []byte(`{"handled":true}`)},
	} {
		d.Time, d.Kind, d.RequestID, d.Method, d.URL = t0.Add(time.Duration(i)*time.Minute), storage.KindForward, 1, "POST", "http://127.0.0.1:3000/hooks/github"
		if err := h.db.InsertDelivery(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	h.send(dbChangedMsg{})
	h.keys("G", "enter")
	var beside bool
	for line := range strings.Lines(h.screen()) {
		if strings.Contains(line, "[201]") && strings.Contains(line, "Content-Type: application/json") {
			beside = true
		}
	}
	if !beside {
		t.Fatalf("the request's headers and the response's status are not side by side:\n%s", h.screen())
	}
	h.contains("latest response", "X-Handler: local", `"ref": "refs/heads/main"`)
	h.lacks("older-attempt")

	h.send(tea.WindowSizeMsg{Width: 159, Height: 48})
	h.lacks("latest response")
	h.contains(`"ref": "refs/heads/main"`)
}

// A hex dump row is never broken across two lines side by side: the
// request column is as wide as a row whenever the body is bytes, and the
// response column keeps the rest (seen at 200×50: each row's text column
// wrapped onto a line of its own).
func TestWideDetailKeepsHexRowsWhole(t *testing.T) {
	h := newHarness(t, 200, 50)
	h.insert(req(1, "POST", "/png", hdrs("Content-Type", "image/png"), []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x01\x02\x03")))
	h.keys("enter")
	h.contains("latest response")
	var whole bool
	for line := range strings.Lines(h.screen()) {
		if strings.Contains(line, "00000000  89 50 4e 47") && strings.Contains(line, "│.PNG........IHDR│") {
			whole = true
		}
	}
	if !whole {
		t.Fatalf("the first hex row is broken across lines:\n%s", h.screen())
	}
}
