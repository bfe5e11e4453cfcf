package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/scheduler"
	"github.com/shipsync/shipsync/state"
)

type runDone struct {
	job string
	d   time.Duration
	err error
}

func TestAddValidates(t *testing.T) {
	s := newScheduler(t, newStore(t), zerolog.Nop())
	noop := func(context.Context, *scheduler.Run) error { return nil }
	mustAdd(t, s, scheduler.Job{Name: "cron", Schedule: spec(t, "*/5 * * * *"), Run: noop})
	mustAdd(t, s, scheduler.Job{Name: "every", Schedule: spec(t, "@every 5m"), Run: noop})
	mustAdd(t, s, scheduler.Job{Name: "daily", Schedule: spec(t, "@daily"), Run: noop})
	mustAdd(t, s, scheduler.Job{Name: "manual", Run: noop})

	bad := []struct {
		job  scheduler.Job
		want string
	}{
		{scheduler.Job{Name: "cron", Schedule: spec(t, "@hourly"), Run: noop}, "job cron added twice"},
		{scheduler.Job{Name: "no-run", Schedule: spec(t, "@hourly")}, "job no-run: no Run"},
		{scheduler.Job{Name: "neg", Schedule: spec(t, "@hourly"), Timeout: -time.Second, Run: noop}, "job neg: negative timeout"},
		{scheduler.Job{Schedule: spec(t, "@hourly"), Run: noop}, "without a name"},
	}
	for _, b := range bad {
		err := s.Add(b.job)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Add(%+v) = %v, want an error containing %q", b.job.Name, err, b.want)
		}
	}
}

func TestRunOnce(t *testing.T) {
	store := newStore(t)
	ctx := testCtx(t)
	var done []runDone
	s := newScheduler(t, store, zerolog.New(io.Discard), scheduler.WithOwner("replica-1"),
		scheduler.WithHooks(scheduler.Hooks{OnRunDone: func(job string, started time.Time, d time.Duration, err error) {
			done = append(done, runDone{job, d, err})
		}}))
	var got *scheduler.Run
	var loggerOnCtx bool
	mustAdd(t, s, scheduler.Job{Name: "link-listings", Run: func(ctx context.Context, run *scheduler.Run) error {
		got = run
		loggerOnCtx = zerolog.Ctx(ctx).GetLevel() != zerolog.Disabled
		if run.Stopping() {
			t.Error("Stopping() = true before Stop")
		}
		return nil
	}})

	if err := s.RunOnce(ctx, "link-listings"); err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	if got == nil {
		t.Fatal("the job did not run")
	}
	if got.Job != "link-listings" || !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(got.ID) {
		t.Errorf("run = {Job: %q, ID: %q}", got.Job, got.ID)
	}
	if got.Lease == nil || got.Lease.Job != "link-listings" || got.Lease.Owner != "replica-1" || got.Lease.Token < 1 {
		t.Errorf("run lease = %+v", got.Lease)
	}
	if !loggerOnCtx {
		t.Error("the run's context carries no logger")
	}
	if len(done) != 1 || done[0].job != "link-listings" || done[0].err != nil {
		t.Errorf("OnRunDone calls = %+v, want one without error", done)
	}
	if _, ok, err := store.LastSuccess(ctx, "link-listings"); err != nil || !ok {
		t.Errorf("LastSuccess after a good run: ok=%v err=%v", ok, err)
	}
	// The lease was released: someone else can take it right away.
	if _, err := store.AcquireLease(ctx, "link-listings", "other", time.Minute); err != nil {
		t.Errorf("AcquireLease after the run: %v", err)
	}
	if err := s.RunOnce(ctx, "nope"); err == nil || !strings.Contains(err.Error(), `unknown job "nope"`) {
		t.Errorf("RunOnce(unknown) = %v", err)
	}
}

func TestRunOnceLeaseHeldElsewhere(t *testing.T) {
	store := newStore(t)
	ctx := testCtx(t)
	var ran, hooked atomic.Bool
	s := newScheduler(t, store, zerolog.Nop(), scheduler.WithHooks(scheduler.Hooks{
		OnRunDone: func(string, time.Time, time.Duration, error) { hooked.Store(true) },
	}))
	mustAdd(t, s, scheduler.Job{Name: "get-orders", Schedule: spec(t, "@every 5m"), Run: func(context.Context, *scheduler.Run) error {
		ran.Store(true)
		return nil
	}})
	if _, err := store.AcquireLease(ctx, "get-orders", "replica-2", time.Minute); err != nil {
		t.Fatal(err)
	}
	err := s.RunOnce(ctx, "get-orders")
	if !errors.Is(err, state.ErrLeaseHeld) || !strings.Contains(err.Error(), "another replica is running get-orders") {
		t.Fatalf("RunOnce while held elsewhere = %v", err)
	}
	if ran.Load() || hooked.Load() {
		t.Fatalf("ran=%v hooked=%v, want neither", ran.Load(), hooked.Load())
	}
}

func TestRunOncePanicIsARunError(t *testing.T) {
	store := newStore(t)
	ctx := testCtx(t)
	var done []runDone
	s := newScheduler(t, store, zerolog.Nop(), scheduler.WithHooks(scheduler.Hooks{
		OnRunDone: func(job string, _ time.Time, d time.Duration, err error) { done = append(done, runDone{job, d, err}) },
	}))
	mustAdd(t, s, scheduler.Job{Name: "sync-cancels", Run: func(context.Context, *scheduler.Run) error {
		panic("boom")
	}})
	err := s.RunOnce(ctx, "sync-cancels")
	if err == nil || !strings.Contains(err.Error(), "panicked: boom") {
		t.Fatalf("RunOnce of a panicking job = %v", err)
	}
	if len(done) != 1 || done[0].err == nil {
		t.Fatalf("OnRunDone calls = %+v, want one with the panic", done)
	}
	if _, ok, _ := store.LastSuccess(ctx, "sync-cancels"); ok {
		t.Fatal("a panicked run counts as a success")
	}
	if _, err := store.AcquireLease(ctx, "sync-cancels", "other", time.Minute); err != nil {
		t.Fatalf("lease not released after a panic: %v", err)
	}
}

func TestRunOnceTimeout(t *testing.T) {
	store := newStore(t)
	s := newScheduler(t, store, zerolog.Nop())
	mustAdd(t, s, scheduler.Job{Name: "slow", Timeout: 50 * time.Millisecond,
		Run: func(ctx context.Context, _ *scheduler.Run) error {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(5 * time.Second):
				return errors.New("timeout not applied")
			}
		}})
	begin := time.Now()
	err := s.RunOnce(testCtx(t), "slow")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timeout of 50ms") {
		t.Fatalf("RunOnce past its timeout = %v", err)
	}
	if d := time.Since(begin); d > time.Second {
		t.Fatalf("timeout of 50ms ended the run after %v", d)
	}
}

func TestRedisUnreachableRunDoesNotStart(t *testing.T) {
	var logs logBuffer
	s := newScheduler(t, state.New(unreachableRedis(t), "p"), zerolog.New(&logs))
	var ran atomic.Bool
	mustAdd(t, s, scheduler.Job{Name: "push-orders", Run: func(context.Context, *scheduler.Run) error {
		ran.Store(true)
		return nil
	}})
	if err := s.RunOnce(testCtx(t), "push-orders"); err == nil {
		t.Fatal("RunOnce with Redis down: nil error")
	}
	if ran.Load() {
		t.Fatal("the job ran without Redis")
	}
	if !logs.contains(`"level":"error"`) || !logs.contains("cannot take the job's lease") {
		t.Fatalf("no error logged: %s", logs.buf.String())
	}
}

func TestStolenLeaseCancelsRun(t *testing.T) {
	store := newStore(t)
	ctx := testCtx(t)
	s := newScheduler(t, store, zerolog.Nop(), scheduler.WithLeaseTTL(90*time.Millisecond))
	var thief *state.Lease
	var writeErr error
	mustAdd(t, s, scheduler.Job{Name: "sync-tracking", Run: func(ctx context.Context, run *scheduler.Run) error {
		// Another replica takes the lease over (as after an expiry).
		if err := store.ReleaseLease(ctx, run.Lease); err != nil {
			return err
		}
		var err error
		if thief, err = store.AcquireLease(ctx, "sync-tracking", "thief", time.Minute); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
		case <-time.After(3 * time.Second):
			return errors.New("context not cancelled after the lease was lost")
		}
		writeErr = store.PutRecords(context.Background(), run.Lease, "applied", map[string]string{"pkg": "stale"})
		return writeErr
	}})
	err := s.RunOnce(ctx, "sync-tracking")
	if !errors.Is(err, state.ErrFenced) || !strings.Contains(err.Error(), "lease lost") {
		t.Fatalf("RunOnce after losing the lease = %v, want ErrFenced and the cause", err)
	}
	if !errors.Is(writeErr, state.ErrFenced) {
		t.Fatalf("write with the lost lease: %v, want ErrFenced", writeErr)
	}
	if recs, err := store.Records(ctx, "applied", []string{"pkg"}); err != nil || len(recs) != 0 {
		t.Fatalf("records = %v, %v; want none", recs, err)
	}
	// The old run's clean-up did not release the thief's lease.
	if err := store.RenewLease(ctx, thief, time.Minute); err != nil {
		t.Fatalf("thief's lease after the old run ended: %v", err)
	}
}

// TestRunOnceTakesOverTheLeaseOfADeadLocalProcess: a run killed without
// releasing its lease leaves it behind; a process of the same host that is
// gone is recognised, and its lease broken instead of waited out. A holder
// that is alive, or of another host, is respected.
func TestRunOnceTakesOverTheLeaseOfADeadLocalProcess(t *testing.T) {
	store := newStore(t)
	ctx := testCtx(t)
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	deadOwner := fmt.Sprintf("%s-%d-abcdef", host, gone.Process.Pid)
	if _, err := store.AcquireLease(ctx, "job", deadOwner, time.Hour); err != nil {
		t.Fatal(err)
	}
	ran := false
	s := newScheduler(t, store, zerolog.Nop())
	if err := s.Add(scheduler.Job{Name: "job", Run: func(context.Context, *scheduler.Run) error {
		ran = true
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	if err := s.RunOnce(ctx, "job"); err != nil || !ran {
		t.Fatalf("RunOnce with a dead process's lease = %v (ran %v), want the run", err, ran)
	}

	for _, alive := range []string{
		fmt.Sprintf("%s-%d-abcdef", host, os.Getppid()), // a live process of this host
		fmt.Sprintf("other-host-%d-abcdef", gone.Process.Pid),
	} {
		if _, err := store.AcquireLease(ctx, "job2-"+alive, alive, time.Hour); err != nil {
			t.Fatal(err)
		}
		job := "job2-" + alive
		if err := s.Add(scheduler.Job{Name: job, Run: func(context.Context, *scheduler.Run) error { return nil }}); err != nil {
			t.Fatal(err)
		}
		if err := s.RunOnce(ctx, job); !errors.Is(err, state.ErrLeaseHeld) {
			t.Errorf("RunOnce against the lease of %s = %v, want ErrLeaseHeld", alive, err)
		}
	}
}

// TestOwnLeftoverLeaseIsTakenBack: a lease this scheduler failed to release
// (Redis went away at the end of a run) does not block its next run of the job
// until the lease expires.
func TestOwnLeftoverLeaseIsTakenBack(t *testing.T) {
	store := newStore(t)
	ctx := testCtx(t)
	if _, err := store.AcquireLease(ctx, "job", "me", time.Hour); err != nil {
		t.Fatal(err)
	}
	ran := false
	s := newScheduler(t, store, zerolog.Nop(), scheduler.WithOwner("me"))
	mustAdd(t, s, scheduler.Job{Name: "job", Run: func(context.Context, *scheduler.Run) error {
		ran = true
		return nil
	}})
	if err := s.RunOnce(ctx, "job"); err != nil || !ran {
		t.Fatalf("RunOnce over its own leftover lease = %v (ran %v), want the run", err, ran)
	}
}

// TestSkippedRunIsNotARun: a run that returns an error wrapping ErrSkipped
// (it decided not to run, and counted that itself) is neither a success nor
// a failure: no OnRunDone, no "run failed" line; its lease is given back and
// RunOnce's caller still gets the error.
func TestSkippedRunIsNotARun(t *testing.T) {
	store := newStore(t)
	ctx := testCtx(t)
	var done []runDone
	var logs strings.Builder
	s := newScheduler(t, store, zerolog.New(&logs), scheduler.WithHooks(scheduler.Hooks{
		OnRunDone: func(job string, _ time.Time, d time.Duration, err error) { done = append(done, runDone{job, d, err}) },
	}))
	mustAdd(t, s, scheduler.Job{Name: "link-listings", Run: func(context.Context, *scheduler.Run) error {
		return fmt.Errorf("link-listings %w, shipstation unavailable", scheduler.ErrSkipped)
	}})

	if err := s.RunOnce(ctx, "link-listings"); !errors.Is(err, scheduler.ErrSkipped) {
		t.Fatalf("RunOnce = %v, want the skip", err)
	}
	if len(done) != 0 {
		t.Errorf("OnRunDone calls = %+v, want none for a skipped run", done)
	}
	if strings.Contains(logs.String(), "run failed") {
		t.Errorf("a skipped run was logged as failed:\n%s", logs.String())
	}
	if _, err := store.AcquireLease(ctx, "link-listings", "other", time.Minute); err != nil {
		t.Errorf("AcquireLease after the skipped run: %v", err)
	}
}
