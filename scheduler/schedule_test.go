package scheduler_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/internal/redistest"
	"github.com/shipsync/shipsync/scheduler"
	"github.com/shipsync/shipsync/state"
)

func TestPanickingJobRunsAgain(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	var failures atomic.Int32
	s := newScheduler(t, newStore(t), zerolog.Nop(), scheduler.WithHooks(scheduler.Hooks{
		OnRunDone: func(_ string, _ time.Time, _ time.Duration, err error) {
			if err != nil {
				failures.Add(1)
			}
		},
	}))
	mustAdd(t, s, scheduler.Job{Name: "flaky", Schedule: spec(t, "@every 1s"), Run: func(context.Context, *scheduler.Run) error {
		if runs.Add(1) == 1 {
			panic("first run fails")
		}
		return nil
	}})
	s.Start()
	eventually(t, 3500*time.Millisecond, "the job did not run again after panicking", func() bool { return runs.Load() >= 2 })
	if f := failures.Load(); f != 1 {
		t.Fatalf("failed runs = %d, want 1 (the panic)", f)
	}
}

func TestSlowJobIsNotStartedTwice(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	var inFlight, maxInFlight, runs atomic.Int32
	s := newScheduler(t, newStore(t), zerolog.New(&logs).Level(zerolog.DebugLevel))
	mustAdd(t, s, scheduler.Job{Name: "slow", Schedule: spec(t, "@every 1s"), Run: func(context.Context, *scheduler.Run) error {
		runs.Add(1)
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := maxInFlight.Load(); n > m && !maxInFlight.CompareAndSwap(m, n); m = maxInFlight.Load() {
		}
		time.Sleep(1500 * time.Millisecond)
		return nil
	}})
	s.Start()
	eventually(t, 4*time.Second, "the next tick after the slow run was not skipped by cron", func() bool {
		return logs.contains("cron: skip")
	})
	if m := maxInFlight.Load(); m != 1 {
		t.Fatalf("at most %d runs at once, want 1", m)
	}
	// The overlap was stopped by cron, before it tried to take the lease.
	if logs.contains("another replica holds") {
		t.Fatal("an overlapping run reached the lease")
	}
}

func TestReplicasNeverRunTheSameJobTogether(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	var inFlight, overlaps, runs atomic.Int32
	job := scheduler.Job{Name: "push-orders", Schedule: spec(t, "@every 1s"), Run: func(ctx context.Context, _ *scheduler.Run) error {
		runs.Add(1)
		if inFlight.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer inFlight.Add(-1)
		time.Sleep(300 * time.Millisecond)
		return nil
	}}
	for _, owner := range []string{"replica-a", "replica-b"} {
		s := newScheduler(t, store, zerolog.Nop(), scheduler.WithOwner(owner))
		mustAdd(t, s, job)
		s.Start()
	}
	start := time.Now()
	eventually(t, 4*time.Second, "two runs did not happen", func() bool { return runs.Load() >= 2 })
	time.Sleep(400 * time.Millisecond) // let the last tick's runs finish
	if o := overlaps.Load(); o != 0 {
		t.Fatalf("%d overlapping runs across replicas", o)
	}
	// Both replicas tick every second; only one run per tick may happen.
	if ticks := int32(time.Since(start)/time.Second) + 1; runs.Load() > ticks {
		t.Fatalf("%d runs in %d ticks: both replicas ran", runs.Load(), ticks)
	}
}

func TestStopDrainsThenCancels(t *testing.T) {
	t.Parallel()
	results := make(chan runDone, 2)
	s := scheduler.New(newStore(t), zerolog.Nop(), scheduler.WithCancelWait(2*time.Second),
		scheduler.WithHooks(scheduler.Hooks{OnRunDone: func(job string, _ time.Time, d time.Duration, err error) {
			results <- runDone{job, d, err}
		}}))
	var started atomic.Int32
	var politeCtxErr atomic.Value
	mustAdd(t, s, scheduler.Job{Name: "polite", Schedule: spec(t, "@every 1s"), Run: func(ctx context.Context, run *scheduler.Run) error {
		started.Add(1)
		for !run.Stopping() {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // checkpoint the page in hand
		politeCtxErr.Store(context.Cause(ctx) == nil)
		return nil
	}})
	mustAdd(t, s, scheduler.Job{Name: "stubborn", Schedule: spec(t, "@every 1s"), Run: func(ctx context.Context, _ *scheduler.Run) error {
		started.Add(1)
		<-ctx.Done()
		return context.Cause(ctx)
	}})
	s.Start()
	eventually(t, 2500*time.Millisecond, "both jobs started", func() bool { return started.Load() == 2 })

	grace, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := s.Stop(grace)
	if err == nil || !strings.Contains(err.Error(), "stubborn") || strings.Contains(err.Error(), "polite") {
		t.Fatalf("Stop = %v, want an error naming only stubborn", err)
	}
	got := map[string]error{}
	for range 2 {
		r := <-results
		got[r.job] = r.err
	}
	if got["polite"] != nil {
		t.Errorf("polite run = %v, want nil", got["polite"])
	}
	if ok, _ := politeCtxErr.Load().(bool); !ok {
		t.Error("polite run's context was cancelled while it was finishing")
	}
	if err := got["stubborn"]; err == nil || !strings.Contains(err.Error(), "grace period over") {
		t.Errorf("stubborn run = %v, want cancelled at the end of the grace period", err)
	}
	// Stopped for good: no new runs.
	s.Start()
	if err := s.RunOnce(context.Background(), "polite"); err == nil {
		t.Error("RunOnce after Stop: nil error")
	}
	if n := started.Load(); n != 2 {
		t.Errorf("%d runs started, want 2", n)
	}
}

// TestStopWaitsForRunOnce: Stop returns only once a RunOnce run in flight is
// over: the run returned after Stop began, and its record, lease release and
// hook were done before Stop returned. (Whether the caller's goroutine has
// already handed RunOnce's result on when Stop returns is up to the Go
// scheduler: Stop can wait for RunOnce, not for what its caller does next.)
func TestStopWaitsForRunOnce(t *testing.T) {
	store := newStore(t)
	ctx := testCtx(t)
	var stopReturned, hooked atomic.Bool
	s := scheduler.New(store, zerolog.Nop(), scheduler.WithHooks(scheduler.Hooks{
		OnRunDone: func(string, time.Time, time.Duration, error) { hooked.Store(true) },
	}))
	started := make(chan struct{})
	mustAdd(t, s, scheduler.Job{Name: "manual", Run: func(ctx context.Context, run *scheduler.Run) error {
		close(started)
		for !run.Stopping() {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // finishing the page in hand
		if stopReturned.Load() {
			return errors.New("Stop returned while the run was finishing its page")
		}
		return nil
	}})
	errc := make(chan error, 1)
	go func() { errc <- s.RunOnce(context.Background(), "manual") }()
	<-started
	if err := s.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	stopReturned.Store(true)
	if !hooked.Load() {
		t.Fatal("Stop returned before the RunOnce run ended")
	}
	if _, err := store.AcquireLease(ctx, "manual", "other", time.Minute); err != nil {
		t.Errorf("Stop returned before the run released its lease: %v", err)
	}
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("RunOnce = %v, want nil", err)
		}
	case <-ctx.Done():
		t.Fatal("RunOnce did not return")
	}
}

// TestRunsStopWhileRedisIsAwayAndResumeWhenItReturns: DESIGN.md §5 — with
// Redis unreachable no job runs (nothing may be written remotely without a
// place to record it), and the worker recovers by itself when Redis returns.
// Redis (the real one in CI) is taken away by cutting a proxy in front of it.
func TestRunsStopWhileRedisIsAwayAndResumeWhenItReturns(t *testing.T) {
	r := redistest.New(t)
	opts, err := redis.ParseURL(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := redistest.NewProxy(t, opts.Addr)
	opts.Addr = proxy.Addr()
	opts.DialTimeout, opts.MaxRetries = 200*time.Millisecond, -1
	client := redis.NewClient(opts)
	t.Cleanup(func() { _ = client.Close() })

	var runs atomic.Int32
	s := newScheduler(t, state.New(client, r.Prefix), zerolog.Nop())
	mustAdd(t, s, scheduler.Job{Name: "job", Schedule: spec(t, "@every 1s"), Run: func(context.Context, *scheduler.Run) error {
		runs.Add(1)
		return nil
	}})
	s.Start()
	eventually(t, 5*time.Second, "a first run", func() bool { return runs.Load() >= 1 })

	proxy.Cut()
	time.Sleep(200 * time.Millisecond)
	before := runs.Load()
	time.Sleep(2500 * time.Millisecond) // two ticks with Redis away
	if n := runs.Load(); n != before {
		t.Fatalf("%d runs happened while Redis was unreachable", n-before)
	}

	proxy.Restore()
	eventually(t, 5*time.Second, "a run after Redis returned", func() bool { return runs.Load() > before })
}
