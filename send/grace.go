package send

import (
	"sync"
	"time"
)

// waitOrCut waits for the work wg counts. Work still running after grace
// is told to stop with cut, and waited for: what finishes in time is
// recorded, and nothing outlives the call.
func waitOrCut(wg *sync.WaitGroup, grace time.Duration, cut func()) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		cut()
		<-done
	}
}
