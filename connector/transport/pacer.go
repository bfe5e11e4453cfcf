package transport

import (
	"context"
	"time"
)

// Pacer decides when the next request may go out and learns from the
// server's rate-limit answers. state.RateBudget, shared through Redis by every
// replica using the same key pair, is the one production uses.
type Pacer interface {
	// Wait blocks until one more request may be sent, and claims that slot.
	Wait(ctx context.Context) error
	// Observe takes in what a response said about the budget: the requests
	// remaining, the time until the window resets, and whether it was a 429.
	Observe(ctx context.Context, remaining int, reset time.Duration, limited bool) error
}

// Learner is a Pacer that also takes in the server's own count of the
// requests in its current window (X-Rate-Limit-Limit minus -Remaining), to
// re-learn what it lost (state.RateBudget after Redis lost its data).
type Learner interface {
	Learn(ctx context.Context, used int, reset time.Duration) error
}

// Learn passes the server's count of used requests in its window, which
// resets in reset, to the Pacer when it is a Learner; a failure is logged
// like Observe's.
func (t *Transport) Learn(ctx context.Context, used int, reset time.Duration) {
	l, ok := t.cfg.Pacer.(Learner)
	if !ok {
		return
	}
	if err := l.Learn(ctx, used, reset); err != nil {
		t.log(ctx).Warn().Err(err).Str("upstream", t.cfg.Name).Msg("rate budget not re-learned")
	}
}

// Observe passes what a response said about the rate budget to the Pacer,
// if any. A failure to record it costs at most a 429 later, so it is logged
// (on ctx's logger) rather than returned.
func (t *Transport) Observe(ctx context.Context, remaining int, reset time.Duration, limited bool) {
	if t.cfg.Pacer == nil {
		return
	}
	if err := t.cfg.Pacer.Observe(ctx, remaining, reset, limited); err != nil {
		t.log(ctx).Warn().Err(err).Str("upstream", t.cfg.Name).Msg("rate budget not updated")
	}
}

// pacerError is an attempt that was never sent because waiting for a rate
// slot (or a Limiter's request slot) failed (the context ended, or the
// shared budget's Redis failed), or the caller's BeforeSend did: it says
// nothing about the upstream, so the breaker ignores it and it is not
// retried.
type pacerError struct{ err error }

func (e *pacerError) Error() string { return e.err.Error() }

func (e *pacerError) Unwrap() error { return e.err }
