package transport

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/shipsync/shipsync/connector/retry"
)

// tally counts a call's repeated attempts.
type tally struct {
	failures int // attempts that failed (or, without RateLimitRetries, were rate limited)
	limited  int // rate-limited attempts, when they have their own budget
	// uncertain is set once an attempt of a write failed after it may have
	// reached the server (see Answer.Uncertain).
	uncertain bool
}

// Do sends r until it succeeds, fails for good, runs out of attempts or finds
// the breaker open, and returns the successful answer. A failed attempt is
// repeated under the retry policy when classify calls it a failure (and r is
// not AtMostOnce, or the failure proves nothing was sent), a rate-limited one
// after the wait the server asked for. Nothing is sent once ctx is done;
// nothing more once the breaker is open: an attempt whose failure opened it
// ends the call at once. A refused answer comes back as the connector's error.
func (t *Transport) Do(ctx context.Context, r Request) (Answer, error) {
	if err := ctx.Err(); err != nil {
		return Answer{}, t.wrap(r, err)
	}
	var n tally
	for {
		a, err := t.attempt(ctx, r, &n)
		if err == nil {
			a.Uncertain = n.uncertain
			return a, nil
		}
		wait, err := t.next(ctx, r, &n, err)
		if err != nil {
			return Answer{}, t.uncertainError(r, n, bare(err))
		}
		if err := retry.Sleep(ctx, wait); err != nil {
			return Answer{}, t.uncertainError(r, n, t.wrap(r, err))
		}
	}
}

// attempt sends r once through the circuit breaker. The breaker decides
// first, so an open breaker (or a half-open one whose probe is out) refuses
// the attempt before it waits for, and spends, a rate slot.
func (t *Transport) attempt(ctx context.Context, r Request, n *tally) (Answer, error) {
	req, err := t.newRequest(ctx, r)
	if err != nil {
		return Answer{}, err
	}
	a, err := t.limited(ctx, r, func() (Answer, error) {
		return t.breaker.Execute(func() (Answer, error) {
			a, err := t.send(ctx, r, req)
			n.uncertain = n.uncertain || mayBeApplied(r, err)
			return a, err
		})
	})
	if breakerRefused(err) {
		return Answer{}, fmt.Errorf("%w: %s %s not sent", t.cfg.ErrBreakerOpen, r.Method, r.Path)
	}
	return a, err
}

// limited runs one attempt, send, inside a slot of the Limiter, if any, and
// tells the Limiter how it ended.
func (t *Transport) limited(ctx context.Context, r Request, send func() (Answer, error)) (Answer, error) {
	l := t.cfg.Limiter
	if l == nil {
		return send()
	}
	if err := l.Acquire(ctx); err != nil {
		return Answer{}, &pacerError{t.wrap(r, fmt.Errorf("wait for a request slot: %w", err))}
	}
	a, err := send()
	k := t.classify(err)
	if breakerRefused(err) {
		k = kindFinal
	}
	l.release(k)
	return a, err
}

// next decides, after a failed attempt, how long to wait before the next
// one, or returns the call's error.
func (t *Transport) next(ctx context.Context, r Request, n *tally, err error) (time.Duration, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return 0, t.wrap(r, ctxErr)
	}
	switch k := t.classify(err); {
	case errors.Is(err, t.cfg.ErrBreakerOpen):
		return 0, err
	case k == kindThrottled:
		return t.throttle(ctx, r, n, err)
	case k != kindFailure:
		return 0, err
	case r.AtMostOnce && !notSent(err):
		return 0, fmt.Errorf("%w: %w", t.cfg.ErrUncertain, bare(err))
	}
	if err := t.spend(r, n, err); err != nil {
		return 0, err
	}
	delay := t.cfg.Retry.Delay(n.failures)
	t.log(ctx).Warn().Err(err).Str("upstream", t.cfg.Name).Str("endpoint", r.Endpoint).Int("attempt", n.failures).
		Int64("retry_in_ms", delay.Milliseconds()).Msg("request failed; retrying")
	return delay, nil
}

// throttle decides the wait after a rate-limited attempt. With a Pacer, the
// pacer has been told (Observe) and its next Wait holds until the reset;
// without one the call waits the server's wait plus a jitter.
func (t *Transport) throttle(ctx context.Context, r Request, n *tally, err error) (time.Duration, error) {
	attempt := n.failures + 1
	if t.cfg.RateLimitRetries > 0 {
		if n.limited++; n.limited > t.cfg.RateLimitRetries {
			return 0, err
		}
		attempt = n.limited
	} else if err := t.spend(r, n, err); err != nil {
		return 0, err
	}
	wait := t.serverWait(err)
	if t.cfg.MaxRateLimitWait > 0 && wait > t.cfg.MaxRateLimitWait {
		return 0, err
	}
	if t.cfg.Pacer != nil {
		wait = 0
	} else {
		wait += t.cfg.Retry.Delay(1)
	}
	t.log(ctx).Warn().Err(err).Str("event", "rate_limit_wait").Str("upstream", t.cfg.Name).Str("endpoint", r.Endpoint).
		Int("attempt", attempt).Int64("wait_ms", wait.Milliseconds()).Bool("paced", t.cfg.Pacer != nil).
		Msg("rate limited: waiting for the window to reset, then sending again")
	return wait, nil
}

// spend uses one of the retry policy's attempts on the failed attempt err,
// and returns the call's error when none is left or the breaker is open.
func (t *Transport) spend(r Request, n *tally, err error) error {
	n.failures++
	if n.failures >= t.cfg.Retry.Attempts {
		return fmt.Errorf("giving up after %d attempts: %w", n.failures, bare(err))
	}
	if t.breaker.State() == gobreaker.StateOpen {
		return fmt.Errorf("%w: %s %s not retried (last attempt: %v)", t.cfg.ErrBreakerOpen, r.Method, r.Path, err)
	}
	return nil
}

// bare returns the connector's own error for an answer it refused, so that
// callers see the connector's types at the top of the chain.
func bare(err error) error {
	if ae, ok := err.(*answerError); ok {
		return ae.err
	}
	return err
}
