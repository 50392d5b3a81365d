package send

import "time"

// Clock is the time a Dispatcher schedules by. Tests pass a fake one and
// move it forward, so a retry schedule of hours runs without sleeping.
type Clock interface {
	Now() time.Time
	// After delivers once, when d has passed on this clock.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
