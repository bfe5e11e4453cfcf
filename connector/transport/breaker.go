package transport

import (
	"errors"

	"github.com/sony/gobreaker/v2"
)

// newBreaker builds the circuit breaker. It counts HTTP requests (attempts),
// retries included, as DESIGN.md §6 asks ("opening after 10 consecutive failed
// requests"), classified by classify: failures count, successes reset the
// count, and everything else (rate limits, permanent 4xx, cancellations, a
// failed pacer) is excluded, so a busy key, caller mistakes and a run that
// ends never open it and do not break a run of failures either.
func (t *Transport) newBreaker() *gobreaker.CircuitBreaker[Answer] {
	threshold := t.cfg.BreakerThreshold
	return gobreaker.NewCircuitBreaker[Answer](gobreaker.Settings{
		Name:    t.cfg.Name,
		Timeout: t.cfg.BreakerOpenFor,
		ReadyToTrip: func(counts gobreaker.Counts) bool {
			return counts.ConsecutiveFailures >= threshold
		},
		IsExcluded: func(err error) bool {
			k := t.classify(err)
			return k == kindThrottled || k == kindFinal
		},
		IsSuccessful: func(err error) bool { return t.classify(err) == kindSuccess },
		OnStateChange: func(_ string, from, to gobreaker.State) {
			t.cfg.Logger.Warn().Str("upstream", t.cfg.Name).Str("from", from.String()).Str("to", to.String()).
				Msg("circuit breaker state changed")
			t.cfg.Observer.ObserveBreakerState(to.String())
		},
	})
}

// breakerRefused reports whether err is the breaker declining to run an attempt.
func breakerRefused(err error) bool {
	return errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests)
}
