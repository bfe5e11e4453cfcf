package shipstation

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sony/gobreaker/v2"

	"github.com/shipsync/shipsync/connector/calls"
	"github.com/shipsync/shipsync/connector/retry"
)

func TestBreakerOpensAndFailsFast(t *testing.T) {
	obs := &recordingObserver{}
	c, mux, pacer := setup(t, WithBreaker(10, time.Hour), WithObserver(obs)) // 3 attempts per call
	var hits atomic.Int32
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(t, w, 500, map[string]string{"message": "down"})
	})
	// The breaker counts calls, each with its 3 attempts: calls 1-10 fail
	// with a 500 after retrying, the 10th opens the breaker, and the 11th
	// fails fast without sending.
	for i := range 11 {
		_, err := c.Users.List(t.Context())
		if i < 10 && errors.Is(err, ErrBreakerOpen) {
			t.Fatalf("call %d: breaker open too early", i+1)
		}
		if i == 10 && !errors.Is(err, ErrBreakerOpen) {
			t.Fatalf("call 11: err = %v, want ErrBreakerOpen", err)
		}
	}
	if hits.Load() != 30 || c.BreakerState() != "open" {
		t.Fatalf("hits %d, state %s; want 30, open", hits.Load(), c.BreakerState())
	}
	counter := &calls.Counter{}
	waits := pacer.waits.Load()
	_, err := c.Users.List(calls.WithCounter(t.Context(), counter))
	if !errors.Is(err, ErrBreakerOpen) || !errors.Is(err, gobreaker.ErrOpenState) {
		t.Errorf("err = %v, want ErrBreakerOpen and gobreaker.ErrOpenState", err)
	}
	if hits.Load() != 30 || counter.ShipStation() != 0 {
		t.Errorf("an open breaker sent a request: hits %d, counted %d", hits.Load(), counter.ShipStation())
	}
	if pacer.waits.Load() != waits {
		t.Error("an open breaker still waited for (and spent) a rate slot")
	}
	if _, _, states := obs.snapshot(); !cmp.Equal(states, []string{"closed", "open"}) {
		t.Errorf("breaker states reported %v", states)
	}
}

func TestBreakerHalfOpensAndCloses(t *testing.T) {
	c, mux, _ := setup(t, WithBreaker(2, 50*time.Millisecond), WithRetryPolicy(retry.Policy{Attempts: 1}))
	var healthy atomic.Bool
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		if healthy.Load() {
			writeJSON(t, w, 200, []User{})
			return
		}
		writeJSON(t, w, 500, map[string]string{"message": "down"})
	})
	for range 2 {
		_, _ = c.Users.List(t.Context()) // fails on purpose
	}
	if c.BreakerState() != "open" {
		t.Fatalf("state %s, want open", c.BreakerState())
	}
	time.Sleep(60 * time.Millisecond)
	if c.BreakerState() != "half-open" {
		t.Fatalf("state %s, want half-open", c.BreakerState())
	}
	healthy.Store(true)
	if _, err := c.Users.List(t.Context()); err != nil {
		t.Fatal(err)
	}
	if c.BreakerState() != "closed" {
		t.Errorf("state %s, want closed", c.BreakerState())
	}
}

func TestClientErrorsDoNotOpenBreaker(t *testing.T) {
	c, mux, _ := setup(t, WithBreaker(3, time.Hour))
	var hits atomic.Int32
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(t, w, 404, map[string]string{"message": "not found"})
	})
	for range 10 {
		if _, err := c.Orders.Get(t.Context(), 1); errors.Is(err, ErrBreakerOpen) {
			t.Fatal("404s opened the breaker")
		}
	}
	if c.BreakerState() != "closed" || hits.Load() != 10 {
		t.Errorf("state %s after %d hits", c.BreakerState(), hits.Load())
	}
	// Cancelled calls do not count either.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for range 5 {
		_, _ = c.Orders.Get(ctx, 1) // cancelled on purpose
	}
	if c.BreakerState() != "closed" {
		t.Errorf("cancelled calls opened the breaker")
	}
}

// TestRateLimitsDoNotOpenBreaker: a busy key is not an outage, so calls that
// end in an exhausted rate limit leave the breaker closed.
func TestRateLimitsDoNotOpenBreaker(t *testing.T) {
	c, mux, _ := setup(t, WithBreaker(2, time.Hour))
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		w.Header().Set("X-Rate-Limit-Reset", "0")
		writeJSON(t, w, http.StatusTooManyRequests, map[string]string{"message": "Too Many Requests"})
	})
	for range 3 {
		var rateErr *RateLimitError
		if _, err := c.Users.List(t.Context()); !errors.As(err, &rateErr) {
			t.Fatalf("err = %v, want a RateLimitError", err)
		}
	}
	if c.BreakerState() != "closed" {
		t.Errorf("breaker %s after rate-limited calls, want closed", c.BreakerState())
	}
}
