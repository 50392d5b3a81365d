package ui

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"gaff/send"
)

// ended waits for fn to return; the bound catches a goroutine that never
// ends, it does not measure speed.
func ended(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { fn(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s still running 20 s after quit", what)
	}
}

// Quitting ends the live-feed watcher and cancels commands still running:
// a replay to a handler that never answers does not outlive the UI.
func TestQuitEndsWatcherAndCommands(t *testing.T) {
	h := newHarness(t, 100, 30)
	hang := make(chan struct{})
	tg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer tg.Close()
	defer close(hang) // before Close, which waits for the handler
	h.app.common.deps.Sender = &send.Sender{DB: h.db, Client: send.NewClient(time.Hour)}
	h.insert(req(1, "POST", "/slow", hdrs("Content-Type", "application/json"), []byte(`{}`)))
	h.app.requests.target = tg.URL
	h.app.live = true
	watcher := h.app.waitDB()
	replay := h.app.requests.send(*h.app.requests.list.selected(), false)
	if watcher == nil || replay == nil {
		t.Fatal("no watcher or no replay command")
	}
	results := make(chan string, 2)
	go func() { watcher(); results <- "watcher" }()
	go func() { replay(); results <- "replay" }()
	time.Sleep(100 * time.Millisecond) // both are waiting now
	h.app.quit()
	ended(t, "the watcher and the replay", func() { <-results; <-results })
}
