package capture

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"gaff/internal/bytesize"
)

// A body may start slowly (a large upload over a slow link does too), but
// once BodyGrace has passed it must have averaged MinBodyRate, or it is cut:
// stored as far as it came and answered 408. Otherwise a sender trickling a
// byte every few seconds keeps a connection, a goroutine and its room in the
// budget until ReadTimeout.
const (
	DefaultMinBodyRate = 1 << 10 // bytes a second
	DefaultBodyGrace   = 10 * time.Second
)

// pace watches one body's average rate and cuts the body when it falls
// under the minimum.
type pace struct {
	w     http.ResponseWriter
	start time.Time
	rate  int64 // bytes a second; 0: not watched
	grace time.Duration
	got   atomic.Int64

	mu    sync.Mutex
	timer *time.Timer
	ended bool
	cut   bool
}

// watch starts watching, before the body's first read.
func (p *pace) watch() {
	if p.rate <= 0 {
		return
	}
	p.mu.Lock()
	p.timer = time.AfterFunc(p.grace-time.Since(p.start), p.check)
	p.mu.Unlock()
}

func (p *pace) check() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	elapsed := time.Since(p.start)
	got := p.got.Load()
	if float64(got) < float64(p.rate)*elapsed.Seconds() {
		// Wakes the read the body waits in; the handler then answers 408.
		// A connection without deadlines is left to the server's timeouts.
		p.cut = http.NewResponseController(p.w).SetReadDeadline(time.Now()) == nil
		return
	}
	// Look again when the average would fall under the rate if nothing
	// more came.
	next := time.Duration(float64(got)/float64(p.rate)*float64(time.Second)) - elapsed
	p.timer.Reset(max(next, min(p.grace, time.Second)))
}

// stop ends the watch and says whether the body was cut for its pace.
func (p *pace) stop() bool {
	if p.timer == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ended = true
	p.timer.Stop()
	return p.cut
}

// why explains a cut to the sender and in the stored request.
func (p *pace) why(got int64) string {
	took := time.Since(p.start).Round(time.Millisecond)
	return fmt.Sprintf("the body arrived too slowly: %s in %s, under the %s a second gaff requires once %s have passed", bytesize.Format(got), took, bytesize.Format(p.rate), p.grace)
}
