package scheduler

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/state"
)

// finishTimeout bounds the state writes after a run (run record, lease
// release), which happen even when the run's context was cancelled.
const finishTimeout = 5 * time.Second

// RunFunc does one pass of a job. ctx carries run.Log (zerolog.Ctx) and is
// cancelled on timeout, when the run's lease is lost, and when Stop's grace
// period ends.
type RunFunc func(ctx context.Context, run *Run) error

// Run describes one run of a job, for the job's code.
type Run struct {
	Job string
	// ID is a short random hex string naming this run in logs.
	ID string
	// Lease is the job's lease; every state write of the run passes it.
	Lease *state.Lease
	// Log is the run's logger, with job and run_id fields.
	Log zerolog.Logger

	stop <-chan struct{}
}

// Stopping reports whether shutdown has begun: the job should finish or
// checkpoint the page in hand and return.
func (r *Run) Stopping() bool {
	select {
	case <-r.stop:
		return true
	default:
		return false
	}
}

// execute runs job once under its lease: the shared path of scheduled runs
// and RunOnce, called through track. It logs why a run did not start and
// returns that reason too.
func (s *Scheduler) execute(ctx context.Context, job Job) error {
	run := &Run{Job: job.Name, ID: newRunID(), stop: s.stopping}
	run.Log = s.log.With().Str("job", job.Name).Str("run_id", run.ID).Logger()
	lease, err := s.acquire(ctx, run)
	switch {
	case errors.Is(err, state.ErrLeaseHeld):
		run.Log.Debug().Msg("another replica holds the job's lease, run skipped")
		s.skipped(job.Name, true)
		return err
	case err != nil:
		run.Log.Error().Err(err).Msg("cannot take the job's lease, run skipped")
		s.skipped(job.Name, false)
		return err
	}
	run.Lease = lease

	started := time.Now()
	err = s.invoke(ctx, job, run)
	s.finish(run, started, time.Since(started), err)
	return err
}

// skipped tells the OnRunSkipped hook, if any, of a run that did not start.
func (s *Scheduler) skipped(job string, leaseHeld bool) {
	if s.hooks.OnRunSkipped != nil {
		s.hooks.OnRunSkipped(job, leaseHeld)
	}
}

// acquire takes the run's lease. A lease held by a process of this host that
// no longer exists (a run killed without a chance to release it), or by this
// scheduler itself while it runs nothing else of the job (a release that
// failed, say while Redis was away), is broken rather than waited out: the
// job resumes at once instead of after the lease's TTL.
func (s *Scheduler) acquire(ctx context.Context, run *Run) (*state.Lease, error) {
	lease, err := s.store.AcquireLease(ctx, run.Job, s.owner, s.leaseTTL)
	if !errors.Is(err, state.ErrLeaseHeld) {
		return lease, err
	}
	holder, held, oerr := s.store.LeaseOwner(ctx, run.Job)
	if oerr != nil || !held || !(deadHere(holder) || s.ownLeftover(run.Job, holder)) {
		return nil, err
	}
	if broken, berr := s.store.BreakLease(ctx, run.Job, holder); berr != nil || !broken {
		return nil, err
	}
	run.Log.Warn().Str("dead_owner", holder).Msg("took over the lease of a run whose process is gone")
	return s.store.AcquireLease(ctx, run.Job, s.owner, s.leaseTTL)
}

// ownLeftover reports whether holder is this scheduler and the run asking is
// its only run of job: then the lease is one an earlier run failed to release.
func (s *Scheduler) ownLeftover(job, holder string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return holder == s.owner && s.active[job] == 1
}

// invoke calls job.Run with the run's context, keeping the lease alive
// meanwhile and turning a panic into the run's error.
func (s *Scheduler) invoke(parent context.Context, job Job, run *Run) (err error) {
	ctx, lose := context.WithCancelCause(parent)
	defer lose(nil)
	// RunOnce runs descend from the caller's context: Stop's cancellation
	// must reach them too.
	defer context.AfterFunc(s.ctx, func() { lose(context.Cause(s.ctx)) })()
	if job.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, job.Timeout,
			fmt.Errorf("run exceeded its timeout of %v: %w", job.Timeout, context.DeadlineExceeded))
		defer cancel()
	}
	defer s.keepLease(ctx, lose, run)()
	ctx = run.Log.WithContext(ctx)

	defer func() {
		if p := recover(); p != nil {
			run.Log.Error().Str("stack", string(debug.Stack())).Msgf("run panicked: %v", p)
			err = fmt.Errorf("run panicked: %v", p)
		}
	}()
	err = job.Run(ctx, run)
	if err != nil && ctx.Err() != nil {
		if cause := context.Cause(ctx); !errors.Is(err, cause) {
			err = fmt.Errorf("%w (run context ended: %w)", err, cause)
		}
	}
	return err
}

// keepLease renews run's lease every third of its TTL until the returned
// function is called (which waits for the renewer to end). When the lease is
// lost (fenced), or renewals failed for so long that it may have expired, it
// cancels the run through lose, so a replica without the lease stops working.
func (s *Scheduler) keepLease(ctx context.Context, lose context.CancelCauseFunc, run *Run) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	every := s.leaseTTL / 3
	go func() {
		defer close(done)
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		lastRenewed := time.Now()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
			renewCtx, cancelRenew := context.WithTimeout(ctx, every)
			err := s.store.RenewLease(renewCtx, run.Lease, s.leaseTTL)
			cancelRenew()
			switch {
			case err == nil:
				lastRenewed = time.Now()
			case ctx.Err() != nil:
				return
			case errors.Is(err, state.ErrFenced) || time.Since(lastRenewed) >= s.leaseTTL-every:
				run.Log.Error().Err(err).Msg("lost the job's lease, cancelling the run")
				lose(fmt.Errorf("lease lost: %w", err))
				return
			default:
				run.Log.Warn().Err(err).Msg("could not renew the job's lease, will retry")
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// finish records the run, gives the lease back and reports the run to the
// hook and the log; a skipped run (ErrSkipped) only gives the lease back.
func (s *Scheduler) finish(run *Run, started time.Time, d time.Duration, runErr error) {
	ctx, cancel := context.WithTimeout(context.Background(), finishTimeout)
	defer cancel()
	skipped := errors.Is(runErr, ErrSkipped)
	if !skipped {
		if err := s.store.RecordRun(ctx, run.Job, runErr == nil, started.Add(d)); err != nil {
			run.Log.Warn().Err(err).Msg("cannot record the run")
		}
	}
	if err := s.store.ReleaseLease(ctx, run.Lease); err != nil {
		run.Log.Warn().Err(err).Msg("cannot release the job's lease")
	}
	if skipped {
		return
	}
	if runErr != nil {
		run.Log.Error().Err(runErr).Int64("duration_ms", d.Milliseconds()).Msg("run failed")
	} else {
		run.Log.Debug().Int64("duration_ms", d.Milliseconds()).Msg("run finished")
	}
	if s.hooks.OnRunDone != nil {
		s.hooks.OnRunDone(run.Job, started, d, runErr)
	}
}

// newRunID returns a short random hex id for one run.
func newRunID() string {
	return fmt.Sprintf("%012x", rand.Uint64()>>16)
}
