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
	// The breaker counts attempts (DESIGN.md §6: 10 consecutive failed
	// requests): calls 1-3 fail with a 500 after 3 attempts each, the first
	// attempt of call 4 is the 10th failure and opens the breaker, and call
	// 4 ends there with ErrBreakerOpen instead of retrying.
	for i := range 4 {
		_, err := c.Users.List(t.Context())
		if i < 3 && errors.Is(err, ErrBreakerOpen) {
			t.Fatalf("call %d: breaker open too early", i+1)
		}
		if i == 3 && !errors.Is(err, ErrBreakerOpen) {
			t.Fatalf("call 4: err = %v, want ErrBreakerOpen", err)
		}
	}
	if hits.Load() != 10 || pacer.waits.Load() != 10 || c.BreakerState() != "open" {
		t.Fatalf("hits %d, pacer waits %d, state %s; want 10, 10, open", hits.Load(), pacer.waits.Load(), c.BreakerState())
	}
	counter := &calls.Counter{}
	_, err := c.Users.List(calls.WithCounter(t.Context(), counter))
	if !errors.Is(err, ErrBreakerOpen) || !errors.Is(err, gobreaker.ErrOpenState) {
		t.Errorf("err = %v, want ErrBreakerOpen and gobreaker.ErrOpenState", err)
	}
	if hits.Load() != 10 || counter.ShipStation() != 0 {
		t.Errorf("an open breaker sent a request: hits %d, counted %d", hits.Load(), counter.ShipStation())
	}
	if pacer.waits.Load() != 10 {
		t.Error("an open breaker still waited for (and spent) a rate slot")
	}
	if _, _, states := obs.snapshot(); !cmp.Equal(states, []string{"closed", "open"}) {
		t.Errorf("breaker states reported %v", states)
	}
}

// One call's retries count one by one: a call with more attempts than the
// threshold opens the breaker itself and stops there, without sending,
// sleeping or waiting for a rate slot again.
func TestBreakerCountsAttemptsOfOneCall(t *testing.T) {
	c, mux, pacer := setup(t, WithBreaker(3, time.Hour),
		WithRetryPolicy(retry.Policy{Attempts: 6, Base: time.Millisecond, Max: time.Millisecond}))
	var hits atomic.Int32
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(t, w, 503, map[string]string{"message": "down"})
	})
	_, err := c.Users.List(t.Context())
	if !errors.Is(err, ErrBreakerOpen) || c.BreakerState() != "open" {
		t.Fatalf("err = %v, state %s; want ErrBreakerOpen from the call whose attempts opened it", err, c.BreakerState())
	}
	if hits.Load() != 3 || pacer.waits.Load() != 3 {
		t.Errorf("hits %d, pacer waits %d; want 3 each", hits.Load(), pacer.waits.Load())
	}
}

// Failures must be consecutive: a successful attempt, even a retry within a
// call, resets the count. Transport failures and 408s are failures.
func TestBreakerNeedsConsecutiveFailedAttempts(t *testing.T) {
	c, mux, _ := setup(t, WithBreaker(3, time.Hour),
		WithRetryPolicy(retry.Policy{Attempts: 6, Base: time.Millisecond, Max: time.Millisecond}))
	var hits atomic.Int32
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		switch hits.Add(1) % 3 {
		case 1:
			writeJSON(t, w, 502, map[string]string{"message": "bad gateway"})
		case 2:
			writeJSON(t, w, http.StatusRequestTimeout, map[string]string{"message": "timeout"})
		default:
			writeJSON(t, w, 200, []User{})
		}
	})
	for range 4 {
		if _, err := c.Users.List(t.Context()); err != nil {
			t.Fatalf("List: %v", err)
		}
	}
	if hits.Load() != 12 || c.BreakerState() != "closed" {
		t.Fatalf("hits %d, state %s; want 12 and closed (never 3 failures in a row)", hits.Load(), c.BreakerState())
	}

	// A dropped connection is a failure: 502, 408, drop opens it.
	var drops atomic.Int32
	mux.HandleFunc("GET /carriers", func(w http.ResponseWriter, r *http.Request) {
		n := drops.Add(1)
		switch n {
		case 1:
			writeJSON(t, w, 502, map[string]string{"message": "bad gateway"})
		case 2:
			writeJSON(t, w, http.StatusRequestTimeout, map[string]string{"message": "timeout"})
		default:
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			conn.Close()
		}
	})
	if _, err := c.Carriers.List(t.Context()); !errors.Is(err, ErrBreakerOpen) || drops.Load() != 3 {
		t.Errorf("err = %v after %d attempts; want ErrBreakerOpen after 502, 408 and a dropped connection", err, drops.Load())
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

// TestRateLimitsDoNotOpenBreaker: a busy key is not an outage, so a storm of
// 429s, each one an attempt, leaves the breaker closed; and a 429 between two
// failures neither breaks nor extends their run.
func TestRateLimitsDoNotOpenBreaker(t *testing.T) {
	c, mux, _ := setup(t, WithBreaker(2, time.Hour))
	var limited atomic.Int32
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		limited.Add(1)
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
	if want := int32(3 * (maxRateLimitRetries + 1)); limited.Load() != want || c.BreakerState() != "closed" {
		t.Errorf("breaker %s after %d rate-limited attempts, want closed after %d", c.BreakerState(), limited.Load(), want)
	}

	var hits atomic.Int32
	mux.HandleFunc("GET /carriers", func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 2 {
			w.Header().Set("X-Rate-Limit-Remaining", "0")
			w.Header().Set("X-Rate-Limit-Reset", "0")
			writeJSON(t, w, http.StatusTooManyRequests, map[string]string{"message": "Too Many Requests"})
			return
		}
		writeJSON(t, w, 503, map[string]string{"message": "down"})
	})
	if _, err := c.Carriers.List(t.Context()); !errors.Is(err, ErrBreakerOpen) || hits.Load() != 3 {
		t.Errorf("err = %v after %d attempts; want ErrBreakerOpen after 503, 429, 503", err, hits.Load())
	}
}
