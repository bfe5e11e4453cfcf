package transport

import (
	"errors"
	"net/http"
)

// mayBeApplied reports whether the failed attempt err of r leaves open
// whether the server applied it: r is a write, and it failed after it may
// have reached the server (no answer, the run's context ended on the wire,
// a 5xx or a 408). A read, a success, a refusal and a connection never made
// leave nothing open.
func mayBeApplied(r Request, err error) bool {
	if err == nil || r.Method == http.MethodGet {
		return false
	}
	var (
		sendErr *sendError
		ansErr  *answerError
	)
	switch {
	case errors.As(err, &ansErr):
		return statusKind(ansErr.status) == kindFailure
	case errors.As(err, &sendErr):
		return !notSent(err)
	}
	// The run's context ended during the exchange; a pacer that failed
	// sent nothing.
	var pe *pacerError
	return !errors.As(err, &pe)
}

// uncertainError is the error of a write that failed after one of its
// attempts may have been applied. Its text is its cause's; errors.Is matches
// the connector's ErrUncertain, so that a caller can tell, even for a write
// that is repeated safely (an upsert), that an attempt may still land.
type uncertainError struct {
	err      error
	sentinel error
}

func (e *uncertainError) Error() string { return e.err.Error() }

func (e *uncertainError) Unwrap() error { return e.err }

// Is matches the connector's ErrUncertain.
func (e *uncertainError) Is(target error) bool { return target == e.sentinel }

// uncertainError returns err, marked as uncertain when an attempt of r (not
// AtMostOnce: those say so themselves) may have been applied.
func (t *Transport) uncertainError(r Request, n tally, err error) error {
	if !n.uncertain || r.AtMostOnce || errors.Is(err, t.cfg.ErrUncertain) {
		return err
	}
	return &uncertainError{err: err, sentinel: t.cfg.ErrUncertain}
}
