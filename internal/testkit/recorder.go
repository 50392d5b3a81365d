package testkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Recorder is a loopback HTTP server standing for a user's handler: it
// keeps every request it receives, body read, and answers each with its
// status (200 until Status changes it), header and body.
type Recorder struct {
	*httptest.Server
	mu     sync.Mutex
	got    []arrival
	read   int // how many Next has handed out
	status int
	more   chan struct{}
}

type arrival struct {
	r    *http.Request
	body []byte
}

// NewRecorder starts a Recorder answering body, with header given as name,
// value pairs; it stops when the test ends.
func NewRecorder(t testing.TB, body string, header ...string) *Recorder {
	rec := &Recorder{status: http.StatusOK, more: make(chan struct{}, 1)}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.got = append(rec.got, arrival{r, b})
		status := rec.status
		rec.mu.Unlock()
		select {
		case rec.more <- struct{}{}:
		default:
		}
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(rec.Close)
	return rec
}

// Status sets the status of the answers from now on.
func (rec *Recorder) Status(code int) {
	rec.mu.Lock()
	rec.status = code
	rec.mu.Unlock()
}

// Next is the first request Next has not returned yet, waiting for it to
// arrive. The wait is a hang guard, not a measure of speed.
func (rec *Recorder) Next(t testing.TB) (*http.Request, []byte) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		rec.mu.Lock()
		if rec.read < len(rec.got) {
			a := rec.got[rec.read]
			rec.read++
			rec.mu.Unlock()
			return a.r, a.body
		}
		rec.mu.Unlock()
		select {
		case <-rec.more:
		case <-deadline:
			t.Fatal("the recorder received nothing")
		}
	}
}

// Last is the newest request received; there must be one.
func (rec *Recorder) Last() (*http.Request, []byte) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	a := rec.got[len(rec.got)-1]
	return a.r, a.body
}

// Count is how many requests arrived.
func (rec *Recorder) Count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.got)
}
