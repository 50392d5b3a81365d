package policy

import (
	"errors"
	"fmt"
)

// validateStatus checks the statuses a rule answers with, and that a rule
// that never answers (hang, reset) is given nothing to answer with.
func (r ResponseRule) validateStatus() error {
	switch {
	case r.Hang && r.Reset:
		return errors.New("hang and reset together: hang keeps the connection open, reset closes it; choose one")
	case r.Hang || r.Reset:
		what := map[bool]string{true: "hang", false: "reset"}[r.Hang]
		switch {
		case r.Status != 0 || len(r.Seq) > 0:
			return fmt.Errorf("%s sends no answer, so no status; drop the status or seq=", what)
		case r.Body != "" || len(r.Header) > 0 || r.RetryAfter != "":
			return fmt.Errorf("%s sends no answer, so body=, header= and retry-after= have nowhere to go", what)
		case r.Drip > 0:
			return fmt.Errorf("%s sends no body to drip; choose one", what)
		case r.Hang && r.Delay > 0:
			return errors.New("hang already waits for as long as it can; drop delay=")
		}
		return nil
	case len(r.Seq) > 0:
		if r.Status != 0 {
			return fmt.Errorf("both a status (%d) and seq=: seq= gives every status; drop the first", r.Status)
		}
		for _, s := range r.Seq {
			if s < 100 || s > 599 {
				return fmt.Errorf("seq= status %d is not an HTTP status (100–599)", s)
			}
		}
		return nil
	case r.Status < 100 || r.Status > 599:
		return fmt.Errorf("status %d is not an HTTP status (100–599)", r.Status)
	}
	return nil
}

// validateTiming checks the counts and durations.
func (r ResponseRule) validateTiming() error {
	switch {
	case r.Delay < 0 || r.Delay > MaxDelay:
		return fmt.Errorf("delay %s is outside 0–%s", r.Delay, MaxDelay)
	case r.Drip < 0 || r.Drip > MaxDelay:
		return fmt.Errorf("drip %s is outside 0–%s", r.Drip, MaxDelay)
	case r.Rate < 0 || r.Rate > 100:
		return fmt.Errorf("rate %s is outside 0–100%%", formatRate(r.Rate))
	case r.After < 0:
		return fmt.Errorf("after=%d: the count of requests answered as usual first cannot be negative", r.After)
	}
	for _, c := range r.RetryAfter {
		if c < '0' || c > '9' {
			return fmt.Errorf("retry-after %q is not a whole number of seconds", r.RetryAfter)
		}
	}
	return nil
}
