package ops

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// ErrPreflightRunning is /readyz's answer until the preflight has ended.
var ErrPreflightRunning = errors.New("preflight running")

// Checker decides readiness: nil when ready, else why not.
type Checker interface {
	Check(ctx context.Context) error
}

// Gate is the readiness of a daemon that is still starting: until Open it
// answers ErrPreflightRunning, then it asks the Readiness it was given. Its
// answers are bounded (CheckTimeout: a hung Redis makes /readyz say so within
// a second, not hang) and cached for CacheFor, so a burst of probes costs one
// round of Redis calls. Its zero value is a closed gate.
type Gate struct {
	ready atomic.Pointer[Readiness]

	mu  sync.Mutex // one check at a time; the others take its answer
	at  time.Time  // when err was decided
	err error
}

// CheckTimeout bounds one readiness check.
const CheckTimeout = 800 * time.Millisecond

// CacheFor is how long an answer of the Gate is reused.
const CacheFor = time.Second

// Open makes the gate answer from r from now on.
func (g *Gate) Open(r *Readiness) {
	g.ready.Store(r)
	g.mu.Lock()
	g.at = time.Time{}
	g.mu.Unlock()
}

// Check answers ErrPreflightRunning until Open, then r's answer, bounded by
// CheckTimeout and reused for CacheFor.
func (g *Gate) Check(ctx context.Context) error {
	r := g.ready.Load()
	if r == nil {
		return ErrPreflightRunning
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.at.IsZero() && time.Since(g.at) < CacheFor {
		return g.err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), CheckTimeout)
	defer cancel()
	g.err, g.at = r.Check(ctx), time.Now()
	return g.err
}
