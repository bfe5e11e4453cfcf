package shipstation

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/shipsync/shipsync/connector/retry"
)

// Pacer decides when the next request may go out and learns from the server's rate-limit headers.
type Pacer interface {
	Wait(ctx context.Context) error                                                // blocks until one more request may be sent, and claims that slot
	Observe(ctx context.Context, remaining int, reset time.Duration, limited bool) // after every response carrying X-Rate-Limit-* (limited=true for a 429)
}

// defaultMinJitter is the least extra pause after a 429, so that workers
// woken by the same reset do not all fire at once.
const defaultMinJitter = 300 * time.Millisecond

// LocalPacer is a Pacer for one process. It keeps the send times of the last
// window, so that no interval of length window ever holds more than limit
// requests, and it pauses all sending when the server says the budget is spent.
type LocalPacer struct {
	limit     int
	window    time.Duration
	minJitter time.Duration

	mu          sync.Mutex
	sent        []time.Time // claimed send times younger than window, oldest first
	pausedUntil time.Time
}

// NewLocalPacer returns a LocalPacer allowing limit requests per window.
// A limit below 1 is treated as 1, a window of 0 or less as one minute.
func NewLocalPacer(limit int, window time.Duration) *LocalPacer {
	if limit < 1 {
		limit = 1
	}
	if window <= 0 {
		window = time.Minute
	}
	return &LocalPacer{limit: limit, window: window, minJitter: defaultMinJitter}
}

// Wait blocks until a request may be sent without exceeding the window or
// ending a pause early, then claims that slot. It returns ctx.Err() if ctx
// ends first; no slot is claimed then.
func (p *LocalPacer) Wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		d := p.claim(time.Now())
		if d == 0 {
			return nil
		}
		if err := retry.Sleep(ctx, d); err != nil {
			return err
		}
	}
}

// claim records a send at now and returns 0, or returns how long to wait
// before trying again.
func (p *LocalPacer) claim(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	expired := 0
	for expired < len(p.sent) && now.Sub(p.sent[expired]) >= p.window {
		expired++
	}
	p.sent = append(p.sent[:0], p.sent[expired:]...)

	wake := p.pausedUntil
	if len(p.sent) >= p.limit {
		if free := p.sent[len(p.sent)-p.limit].Add(p.window); free.After(wake) {
			wake = free
		}
	}
	if wake.After(now) {
		return wake.Sub(now)
	}
	p.sent = append(p.sent, now)
	return 0
}

// Observe pauses sending until the server's window resets when nothing
// remains in it, and until the reset plus a random jitter (up to 20 % of
// reset, at least a few hundred milliseconds) after a 429. A pause only ever
// grows.
func (p *LocalPacer) Observe(_ context.Context, remaining int, reset time.Duration, limited bool) {
	var pause time.Duration
	switch {
	case limited:
		pause = reset + p.jitter(reset)
	case remaining <= 0:
		pause = reset
	default:
		return
	}
	until := time.Now().Add(pause)
	p.mu.Lock()
	defer p.mu.Unlock()
	if until.After(p.pausedUntil) {
		p.pausedUntil = until
	}
}

// jitter returns a random extra pause for a 429 with the given reset.
func (p *LocalPacer) jitter(reset time.Duration) time.Duration {
	j := time.Duration(0)
	if reset > 0 {
		j = rand.N(reset/5 + 1)
	}
	return max(j, p.minJitter)
}
