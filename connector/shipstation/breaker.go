package shipstation

import (
	"context"
	"errors"

	"github.com/sony/gobreaker/v2"
)

// newBreaker builds the client's circuit breaker. It counts calls, each with
// all its retries: a call that ends in a 2xx is a success, one that ends in a
// 5xx, 408 or transport failure is a failure, and one that ends in a
// permanent 4xx, a cancelled context or an exhausted rate limit is neither, so
// caller mistakes and a busy key never open it.
func (c *Client) newBreaker() *gobreaker.CircuitBreaker[[]byte] {
	threshold := c.breakerThreshold
	return gobreaker.NewCircuitBreaker[[]byte](gobreaker.Settings{
		Name:    "shipstation",
		Timeout: c.breakerOpenFor,
		ReadyToTrip: func(counts gobreaker.Counts) bool {
			return counts.ConsecutiveFailures >= threshold
		},
		IsExcluded: func(err error) bool {
			var rateErr *RateLimitError
			return IsPermanent(err) || errors.As(err, &rateErr) ||
				errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
		},
		OnStateChange: func(_ string, from, to gobreaker.State) {
			c.log.Warn().Str("upstream", "shipstation").Str("from", from.String()).Str("to", to.String()).
				Msg("circuit breaker state changed")
			c.observer.ObserveBreakerState(to.String())
		},
	})
}

// breakerRefused reports whether err is the breaker declining to run an attempt.
func breakerRefused(err error) bool {
	return errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests)
}
