package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shipsync/shipsync/connector/retry"
	"github.com/shipsync/shipsync/jobs/reconcile"
	"github.com/shipsync/shipsync/state"
)

// ErrUnknownJob is returned by Once for a name that is not a job's.
var ErrUnknownJob = errors.New("unknown job")

// ErrInterrupted is returned by Once when a signal stopped the run before it
// completed: what it did is checkpointed, and the next run resumes from there.
var ErrInterrupted = errors.New("interrupted: the run stopped after checkpointing its work; the next run resumes from the checkpoint")

// Once is `shipsync once JOB`: the preflight of what the job needs, then one
// run of it now. It returns nil when the run completed, even if it
// dead-lettered items, and logs why it did not otherwise. When ctx ends
// (SIGTERM, SIGINT) the run stops as the daemon's do: it finishes or
// checkpoints the page in hand within SHUTDOWN_GRACE, then is cancelled; Once
// then returns an error wrapping ErrInterrupted, since the run did not do all
// it would have.
func (a *App) Once(ctx context.Context, name string) error {
	if _, ok := a.job(name); !ok {
		a.Log.Error().Str("job", name).Msg("unknown job")
		return fmt.Errorf("%w %q", ErrUnknownJob, name)
	}
	// reconcile runs the other jobs to repair what they own, so it needs to
	// know which of them resolve: the whole preflight.
	whole := name == reconcile.Name
	only := name
	if whole {
		only = ""
	}
	report := a.Preflight(ctx, only)
	if reason, off := report.Disabled[name]; off {
		a.Log.Error().Str("job", name).Str("reason", reason).Msg("job cannot run: its configuration does not resolve")
		return fmt.Errorf("%s cannot run: %s", name, reason)
	}
	var disabled map[string]string // what a partial preflight says of the other jobs is not the whole of it
	if whole {
		disabled = report.Disabled
	}
	if err := a.enable(disabled); err != nil {
		a.Log.Error().Err(err).Msg("cannot register jobs")
		return err
	}

	// The run gets its own context: ctx ending asks it to stop through the
	// scheduler (Run.Stopping), and cancels it only after the grace period.
	runCtx, cancelRun := context.WithCancel(context.WithoutCancel(ctx))
	drained := make(chan struct{})
	defer func() {
		cancelRun()
		<-drained
	}()
	go func() {
		defer close(drained)
		select {
		case <-ctx.Done():
			a.Log.Info().Int64("grace_ms", a.Config.ShutdownGrace.Milliseconds()).Msg("stopping: finishing the page in hand")
			graceCtx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownGrace)
			defer cancel()
			_ = a.Scheduler.Stop(graceCtx)
		case <-runCtx.Done():
		}
	}()
	err := a.runOnceWaitingForLease(runCtx, name)
	if ctx.Err() != nil {
		a.Log.Warn().AnErr("run_error", err).Str("event", "run_interrupted").Str("job", name).
			Msg("interrupted: the run stopped early after checkpointing the page in hand; the next run resumes from the checkpoint")
		return fmt.Errorf("%s: %w", name, ErrInterrupted)
	}
	if err != nil {
		a.Log.Error().Err(err).Str("job", name).Msg("run did not complete")
		return err
	}
	return nil
}

// runOnceWaitingForLease runs job once. When another runner holds the job's
// lease, which is what a run killed without a chance to release it leaves
// behind, it waits for the lease to expire (LEASE_TTL, plus a margin) rather
// than fail at once.
func (a *App) runOnceWaitingForLease(ctx context.Context, job string) error {
	deadline := time.Now().Add(a.Config.LeaseTTL + 5*time.Second)
	for waited := false; ; waited = true {
		err := a.Scheduler.RunOnce(ctx, job)
		if !errors.Is(err, state.ErrLeaseHeld) || time.Now().After(deadline) {
			return err
		}
		if !waited {
			a.Log.Info().Str("job", job).Int64("lease_ttl_ms", a.Config.LeaseTTL.Milliseconds()).
				Msg("another runner holds the job's lease (or died holding it): waiting for it")
		}
		if err := retry.Sleep(ctx, 250*time.Millisecond); err != nil {
			return err
		}
	}
}
