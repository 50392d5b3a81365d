package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The request the user opened is the one r replays, even when another
// arrived after it was opened.
func TestTUIReplaysTheOpenedRequestAfterAnArrival(t *testing.T) {
	got := make(chan string, 4)
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r.URL.Path + " " + string(b)
	}))
	defer handler.Close()
	s := startTUI(t, 80, 24)
	curlPost(t, "http://"+s.addr+"/opened", "-d", "the opened one")
	s.waitFor("/opened")
	s.keys("Enter")
	s.waitFor("the opened one")
	curlPost(t, "http://"+s.addr+"/arrived", "-d", "the one that arrived")
	s.waitFor("2 requests")
	s.waitFor("the opened one") // still open
	s.keys("r")
	s.waitFor("your handler's base URL")
	s.tmux("send-keys", "-l", handler.URL)
	s.keys("Enter")
	if g := <-got; g != "/opened the opened one" {
		t.Fatalf("r replayed %q, want the opened request", g)
	}
	s.waitFor("replayed #1 POST /opened")
	s.keys("Escape")
	s.waitFor("▲ 1 new · g")
}
