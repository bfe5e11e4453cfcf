package ops

import (
	"context"
	"errors"
	"fmt"
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

// CheckTimeout bounds the wait for one readiness answer.
const CheckTimeout = 800 * time.Millisecond

// CacheFor is how long an answer of the Gate is reused.
const CacheFor = time.Second

// Gate is the readiness of a daemon that is still starting: until Open it
// answers ErrPreflightRunning, then it asks the Readiness it was given. A
// probe never waits more than CheckTimeout, whatever the clients underneath
// do with deadlines (a Redis that accepts connections and never answers makes
// /readyz say so within a second, not hang): the check runs in the
// background, one at a time, and its answer is reused for CacheFor, so a
// burst of probes costs one round of Redis calls. The zero value is a
// closed gate.
type Gate struct {
	ready atomic.Pointer[Readiness]
	// held is what the gate answers until Open instead of
	// ErrPreflightRunning (Hold); nil when nothing was said.
	held atomic.Pointer[error]

	mu      sync.Mutex
	at      time.Time     // when err was decided; zero when there is no answer
	err     error         // the last answer
	running chan struct{} // closed when the check in flight ends; nil when none is
}

// Open makes the gate answer from r from now on.
func (g *Gate) Open(r *Readiness) {
	g.ready.Store(r)
	g.mu.Lock()
	g.at = time.Time{}
	g.mu.Unlock()
}

// Hold makes the gate answer err until Open, instead of
// ErrPreflightRunning: why the start waits (Redis unreachable, say). Hold(nil)
// takes that back: the start goes on.
func (g *Gate) Hold(err error) {
	if err == nil {
		g.held.Store(nil)
		return
	}
	g.held.Store(&err)
}

// Check answers ErrPreflightRunning (or what Hold said) until Open, then r's answer: a fresh
// cached one, or that of a check it starts (or joins), waiting at most
// CheckTimeout for it.
func (g *Gate) Check(ctx context.Context) error {
	r := g.ready.Load()
	if r == nil {
		if held := g.held.Load(); held != nil {
			return *held
		}
		return ErrPreflightRunning
	}
	g.mu.Lock()
	if !g.at.IsZero() && time.Since(g.at) < CacheFor {
		defer g.mu.Unlock()
		return g.err
	}
	done := g.running
	if done == nil {
		done = make(chan struct{})
		g.running = done
		go g.refresh(r, done)
	}
	g.mu.Unlock()

	timer := time.NewTimer(CheckTimeout)
	defer timer.Stop()
	select {
	case <-done:
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.err
	case <-timer.C:
		return fmt.Errorf("readiness check got no answer within %s (redis not answering?)", CheckTimeout)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// refresh runs one check of r and records its answer, then closes done. The
// check's own deadline is shorter than the probe's bound, so that a client
// honouring it gives its own reason (redis unreachable: deadline exceeded)
// in time.
func (g *Gate) refresh(r *Readiness, done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), CheckTimeout*3/4)
	defer cancel()
	err := r.Check(ctx)
	g.mu.Lock()
	g.err, g.at, g.running = err, time.Now(), nil
	g.mu.Unlock()
	close(done)
}
