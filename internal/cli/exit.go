package cli

import "errors"

// Exit statuses: 1 is for failures of the machine (I/O, the database),
// 2 for input the user can fix (an unknown id, a bad flag value).
const (
	exitFailure  = 1
	exitBadInput = 2
)

// exitError gives an error its exit status.
type exitError struct {
	code int
	err  error
}

// Error is "" for a status that is itself the answer (gaff diff's "they
// differ"): main prints nothing then.
func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// badInput marks err as the user's to fix: gaff exits 2.
func badInput(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: exitBadInput, err: err}
}

// ExitCode is the status gaff exits with after err: 2 for bad input, 1
// for anything else.
func ExitCode(err error) int {
	if e := (*exitError)(nil); errors.As(err, &e) {
		return e.code
	}
	return exitFailure
}
