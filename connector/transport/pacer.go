package transport

import (
	"context"
	"sync"
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
// (on ctx's logger) rather than returned. A 429 or nothing remaining drops
// the slots ctx holds ahead (WithRequestsAhead).
func (t *Transport) Observe(ctx context.Context, remaining int, reset time.Duration, limited bool) {
	if t.cfg.Pacer == nil {
		return
	}
	if limited || remaining == 0 {
		dropAhead(ctx)
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

// SlotPacer is a Pacer that can claim several slots in one step, for a
// caller that knows it is about to send several requests (see
// WithRequestsAhead). state.RateBudget is one.
type SlotPacer interface {
	Pacer
	// WaitN blocks until one more request may be sent and claims its slot,
	// with up to n-1 further slots free at the same moment; it returns until
	// when each further slot may be used. A slot not used by then is lost.
	WaitN(ctx context.Context, n int) ([]time.Time, error)
}

type aheadKey struct{}

// ahead is what WithRequestsAhead puts on a context: how many of its
// requests are still to go, and the further slots claimed for them.
type ahead struct {
	mu    sync.Mutex
	left  int
	slots []time.Time // use-by times, in order
}

// WithRequestsAhead returns a context whose next n requests share their
// rate-budget claims: when the Pacer is a SlotPacer, the first attempt that
// needs a slot claims slots for all the requests still to go in one step
// (WaitN), and the next attempts use those slots while they are still valid,
// without asking the Pacer; once they run out or expire (a slow answer, a
// retry) an attempt waits for the Pacer as usual. A throttled answer (a
// 429, or nothing remaining) drops the slots held, so the pause it starts
// holds for the rest. A job that sends a page's writes one after the other
// (push-orders' createorders calls) spends one Redis round trip on their
// slots instead of one each.
func WithRequestsAhead(ctx context.Context, n int) context.Context {
	if n <= 1 {
		return ctx
	}
	return context.WithValue(ctx, aheadKey{}, &ahead{left: n})
}

// wait grants the attempt about to be sent a rate slot: one claimed ahead
// when ctx holds a valid one, else one from the Pacer (several at once
// when ctx expects further requests and the Pacer is a SlotPacer).
func (t *Transport) wait(ctx context.Context) error {
	a, _ := ctx.Value(aheadKey{}).(*ahead)
	sp, ok := t.cfg.Pacer.(SlotPacer)
	if a == nil || !ok {
		return t.cfg.Pacer.Wait(ctx)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	n := a.left
	a.left = max(a.left-1, 0)
	now := time.Now()
	for len(a.slots) > 0 {
		by := a.slots[0]
		a.slots = a.slots[1:]
		if now.Before(by) {
			return nil
		}
	}
	if n <= 1 {
		return sp.Wait(ctx)
	}
	slots, err := sp.WaitN(ctx, n)
	a.slots = slots
	return err
}

// dropAhead forgets the slots ctx holds ahead (after a throttled answer).
func dropAhead(ctx context.Context) {
	if a, _ := ctx.Value(aheadKey{}).(*ahead); a != nil {
		a.mu.Lock()
		a.slots = nil
		a.mu.Unlock()
	}
}
