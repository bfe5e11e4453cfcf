package state_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shipsync/shipsync/internal/redistest"
	"github.com/shipsync/shipsync/state"
)

// replicas returns n budgets on the same key pair, each with its own client,
// as separate processes would have.
func replicas(t *testing.T, r *redistest.Redis, n, limit int, window time.Duration) []*state.RateBudget {
	t.Helper()
	opts, err := redis.ParseURL(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*state.RateBudget, n)
	for i := range out {
		c := redis.NewClient(opts)
		t.Cleanup(func() { c.Close() })
		out[i] = state.NewRateBudget(c, r.Prefix, "key-abc123", limit, window)
	}
	return out
}

func TestRateBudgetObservePausesEveryReplica(t *testing.T) {
	r := redistest.New(t)
	budgets := replicas(t, r, 3, 100, time.Second)
	ctx := testCtx(t)

	// Plenty remaining: no pause.
	budgets[0].Observe(ctx, 10, 400*time.Millisecond, false)
	budgets[0].Observe(ctx, -1, 0, false)
	begin := time.Now()
	if err := budgets[1].Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d > 100*time.Millisecond {
		t.Fatalf("Wait with budget remaining took %v", d)
	}

	const reset = 400 * time.Millisecond
	budgets[0].Observe(ctx, 0, reset, false)
	// A shorter reset seen later does not shorten the pause.
	budgets[2].Observe(ctx, 0, 50*time.Millisecond, false)
	begin = time.Now()
	var wg sync.WaitGroup
	for _, b := range budgets {
		wg.Go(func() {
			if err := b.Wait(ctx); err != nil {
				t.Errorf("Wait: %v", err)
				return
			}
			if d := time.Since(begin); d < reset-30*time.Millisecond || d > reset+250*time.Millisecond {
				t.Errorf("Wait after remaining=0 returned after %v, want about %v", d, reset)
			}
		})
	}
	wg.Wait()
}

func TestRateBudgetObserveLimitedPausesWithJitter(t *testing.T) {
	r := redistest.New(t)
	budgets := replicas(t, r, 2, 100, time.Second)
	ctx := testCtx(t)
	const reset = 300 * time.Millisecond
	budgets[0].Observe(ctx, 0, reset, true)
	begin := time.Now()
	if err := budgets[1].Wait(ctx); err != nil {
		t.Fatal(err)
	}
	// Reset plus jitter of up to max(reset/5, 250 ms).
	if d := time.Since(begin); d < reset-30*time.Millisecond || d > reset+250*time.Millisecond+150*time.Millisecond {
		t.Fatalf("Wait after a 429 returned after %v, want between %v and %v", d, reset, reset+250*time.Millisecond)
	}
}

func TestRateBudgetWaitHonoursContext(t *testing.T) {
	r := redistest.New(t)
	b := replicas(t, r, 1, 1, time.Minute)[0]
	ctx := testCtx(t)
	if err := b.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	// The window is used up for a minute: Wait must give up with the context.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	begin := time.Now()
	err := b.Wait(short)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait with an expiring context: err = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(begin); d > 300*time.Millisecond {
		t.Fatalf("Wait returned %v after the context expired", d-50*time.Millisecond)
	}

	// Same while paused, and with a context cancelled before the call.
	b.Observe(ctx, 0, time.Minute, false)
	cancelled, cancelNow := context.WithCancel(ctx)
	go func() {
		time.Sleep(30 * time.Millisecond)
		cancelNow()
	}()
	if err := b.Wait(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait while paused, cancelled: err = %v, want Canceled", err)
	}
	if err := b.Wait(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with a cancelled context: err = %v, want Canceled", err)
	}
}

func TestRateBudgetKeyPairsAreSeparate(t *testing.T) {
	r := redistest.New(t)
	ctx := testCtx(t)
	a := state.NewRateBudget(r.Client, r.Prefix, "key-a", 1, time.Minute)
	b := state.NewRateBudget(r.Client, r.Prefix, "key-b", 1, time.Minute)
	a.Observe(ctx, 0, time.Minute, false)
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := b.Wait(short); err != nil {
		t.Fatalf("Wait on another key pair: %v", err)
	}
}

func TestRateBudgetRedisDown(t *testing.T) {
	b := state.NewRateBudget(unreachableRedis(t), "p", "k", 5, time.Second)
	ctx := testCtx(t)
	if err := b.Wait(ctx); err == nil {
		t.Fatal("Wait with Redis down: nil error")
	}
	if err := b.Observe(ctx, 0, time.Second, false); err == nil {
		t.Fatal("Observe with Redis down: nil error")
	}
	if err := b.Observe(ctx, 5, time.Second, false); err != nil {
		t.Fatalf("Observe with budget left (no Redis call): %v", err)
	}
}

// RateBudget must satisfy transport.Pacer, which this package does not import.
var _ interface {
	Wait(ctx context.Context) error
	Observe(ctx context.Context, remaining int, reset time.Duration, limited bool) error
} = (*state.RateBudget)(nil)

// TestRateBudgetWipeWaitsOneWindow: when Redis loses the budget's keys under
// a process that claimed from it, the requests of the last window are
// unknown, so the next claim waits one window.
func TestRateBudgetWipeWaitsOneWindow(t *testing.T) {
	const window = 400 * time.Millisecond
	r := redistest.New(t)
	b := replicas(t, r, 1, 3, window)[0]
	ctx := testCtx(t)
	if err := b.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	r.Wipe()
	begin := time.Now()
	if err := b.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d < window {
		t.Errorf("the claim after the wipe came after %v, want at least the window %v", d, window)
	}
}

// TestRateBudgetLearnsTheServersCount: after Redis lost the log (no
// marker), a server count above what the log holds is added to the log, so
// the next claim waits until those requests leave the window.
func TestRateBudgetLearnsTheServersCount(t *testing.T) {
	const window, reset = 600 * time.Millisecond, 300 * time.Millisecond
	r := redistest.New(t)
	budgets := replicas(t, r, 2, 5, window)
	ctx := testCtx(t)
	if err := budgets[0].Learn(ctx, 5, reset); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	if err := budgets[1].Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d < window {
		t.Errorf("the claim after the server counted the whole limit came after %v, want at least the window %v", d, window)
	}
}
