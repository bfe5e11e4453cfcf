package transport

import (
	"context"
	"sync"
)

// Limiter bounds the requests of a transport in flight at once, adaptively
// (AIMD): the limit starts at the maximum, halves (never below 1) on every
// attempt the server rate limits (429, Retry-After) or fails (5xx, 408, a
// timeout or dropped connection), and grows by one (never above the maximum)
// after as many successes in a row as the current limit. It never lets more
// than the current limit, and so never more than the maximum, be in flight.
// It is safe for concurrent use.
type Limiter struct {
	mu        sync.Mutex
	max       int
	limit     int
	inFlight  int
	successes int
	// freed is closed, and replaced, whenever a slot may have become free
	// while waiting > 0 callers of Acquire wait for it (without waiters
	// nothing needs waking: a release then costs no new channel).
	freed   chan struct{}
	waiting int
}

// NewLimiter returns a Limiter of at most n requests in flight (below 1
// counts as 1).
func NewLimiter(n int) *Limiter {
	n = max(n, 1)
	return &Limiter{max: n, limit: n, freed: make(chan struct{})}
}

// Max returns the most requests ever in flight at once: the setting.
func (l *Limiter) Max() int { return l.max }

// Limit returns the current limit.
func (l *Limiter) Limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}

// Acquire blocks until a request may go out under the current limit, and
// takes its slot; it returns ctx's error when ctx ends first.
func (l *Limiter) Acquire(ctx context.Context) error {
	for {
		l.mu.Lock()
		if l.inFlight < l.limit {
			l.inFlight++
			l.mu.Unlock()
			return nil
		}
		freed := l.freed
		l.waiting++
		l.mu.Unlock()
		var err error
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-freed:
		}
		l.mu.Lock()
		l.waiting--
		l.mu.Unlock()
		if err != nil {
			return err
		}
	}
}

// release gives back the slot of an attempt that ended as k, and adapts
// the limit to it.
func (l *Limiter) release(k kind) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	switch k {
	case kindThrottled, kindFailure:
		l.limit = max(l.limit/2, 1)
		l.successes = 0
	case kindSuccess:
		if l.successes++; l.successes >= l.limit && l.limit < l.max {
			l.limit++
			l.successes = 0
		}
	}
	if l.waiting > 0 {
		close(l.freed)
		l.freed = make(chan struct{})
	}
}
