package shipstation

import (
	"context"
	"errors"

	"github.com/sony/gobreaker/v2"
)

// newBreaker builds the client's circuit breaker. It counts HTTP requests
// (attempts), retries included, as DESIGN.md §6 asks ("opening after 10
// consecutive failed requests"): an attempt answered with a 2xx is a success;
// one answered with a 5xx or 408, or lost to a transport failure (refused,
// reset or dropped connection, timeout), is a failure; and one answered with a
// 429, answered with a permanent 4xx, cancelled with its context or never sent
// because the pacer failed is neither, so a busy key, caller mistakes and a
// run that ends never open it and do not break a run of failures either.
func (c *Client) newBreaker() *gobreaker.CircuitBreaker[[]byte] {
	threshold := c.breakerThreshold
	return gobreaker.NewCircuitBreaker[[]byte](gobreaker.Settings{
		Name:    "shipstation",
		Timeout: c.breakerOpenFor,
		ReadyToTrip: func(counts gobreaker.Counts) bool {
			return counts.ConsecutiveFailures >= threshold
		},
		IsExcluded: func(err error) bool {
			var (
				rateErr  *RateLimitError
				pacerErr *pacerError
			)
			return IsPermanent(err) || errors.As(err, &rateErr) || errors.As(err, &pacerErr) ||
				errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
		},
		OnStateChange: func(_ string, from, to gobreaker.State) {
			c.log.Warn().Str("upstream", "shipstation").Str("from", from.String()).Str("to", to.String()).
				Msg("circuit breaker state changed")
			c.observer.ObserveBreakerState(to.String())
		},
	})
}

// pacerError is an attempt that was never sent because waiting for a rate
// slot failed (the context ended, or the shared budget's Redis failed): it
// says nothing about ShipStation, so the breaker ignores it.
type pacerError struct{ err error }

func (e *pacerError) Error() string { return e.err.Error() }

func (e *pacerError) Unwrap() error { return e.err }

// breakerRefused reports whether err is the breaker declining to run an attempt.
func breakerRefused(err error) bool {
	return errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests)
}
