// Package retry holds the backoff policy both connectors use for requests that
// failed in a way worth repeating (5xx, timeouts, dropped connections).
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy says how many attempts a request gets and how long to wait between them.
// The wait before attempt n+1 is a random duration in [0, min(Max, Base*2^(n-1))]
// ("full jitter"), so many workers failing together do not retry together.
type Policy struct {
	// Attempts is the total number of attempts, the first one included.
	Attempts int
	// Base is the cap of the first wait; it doubles with every attempt.
	Base time.Duration
	// Max caps every wait.
	Max time.Duration
}

// Default is the policy of DESIGN.md §6: 6 attempts, 0.5 s doubling to a 30 s cap.
func Default() Policy {
	return Policy{Attempts: 6, Base: 500 * time.Millisecond, Max: 30 * time.Second}
}

// Ceiling returns the upper bound of the wait after failed attempt n (1-based).
func (p Policy) Ceiling(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	d := p.Base
	for i := 1; i < n; i++ {
		d *= 2
		if d >= p.Max || d <= 0 {
			return p.Max
		}
	}
	if d > p.Max {
		return p.Max
	}
	return d
}

// Delay returns the jittered wait after failed attempt n (1-based).
func (p Policy) Delay(n int) time.Duration {
	c := p.Ceiling(n)
	if c <= 0 {
		return 0
	}
	return rand.N(c + 1)
}

// Sleep waits for d or until ctx is done, whichever comes first, and returns
// ctx.Err() in the latter case.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
