// Package scheduler runs shipsync's jobs on their cron schedules, at most one
// run of a job at a time across every replica (through the job's lease in
// state), each run with its own context, timeout and logger, and drains the
// runs in flight on shutdown: first it asks them to stop (Run.Stopping), then,
// after the grace period, it cancels their contexts.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/state"
)

// ErrRunsCancelled is wrapped by Stop's error when runs outlived the grace
// period, were cancelled and then returned: a shutdown that still ended in
// order (each run checkpoints what it did as it returns).
var ErrRunsCancelled = errors.New("runs cancelled at the end of the grace period")

// ErrSkipped is wrapped by the error of a RunFunc that decided not to run
// (an upstream it needs is known to be down) and counted the skip itself:
// the scheduler then records no run, logs no failure and calls no
// OnRunDone, since nothing ran; the error still reaches RunOnce's caller.
var ErrSkipped = errors.New("run skipped")

// errStopping refuses runs once Stop has begun.
var errStopping = errors.New("scheduler: stopping, no new runs")

// errGraceOver is the cause given to the contexts of runs still going when
// Stop's grace period ends.
var errGraceOver = errors.New("scheduler: shutting down, grace period over")

// Job is one kind of work the scheduler runs.
type Job struct {
	// Name identifies the job in logs, leases and state.
	Name string
	// Schedule says when the job runs (config.Schedule.Cron parses it once,
	// at load); nil registers the job for RunOnce only.
	Schedule cron.Schedule
	// Timeout bounds each run; 0 means none.
	Timeout time.Duration
	// Run does one pass of the job.
	Run RunFunc
}

// Hooks are told about runs, for metrics. Nil functions are skipped.
type Hooks struct {
	// OnRunDone is called after every run that got the job's lease, with the
	// run's error (nil on success).
	OnRunDone func(job string, started time.Time, d time.Duration, err error)
	// OnRunSkipped is called for a run that did not start because it could
	// not take the job's lease: another replica holds it (leaseHeld), or
	// Redis could not be asked.
	OnRunSkipped func(job string, leaseHeld bool)
}

// Scheduler runs jobs on their schedules. Build it with New, register jobs
// with Add, then Start it; Stop drains it. It cannot be started again after
// Stop.
type Scheduler struct {
	store      *state.Store
	log        zerolog.Logger
	owner      string
	leaseTTL   time.Duration
	hooks      Hooks
	cancelWait time.Duration

	cron     *cron.Cron
	ctx      context.Context // parent of every run's context
	cancel   context.CancelCauseFunc
	stopping chan struct{} // closed when Stop begins

	mu      sync.Mutex
	jobs    map[string]Job
	active  map[string]int // runs in flight, per job
	changed chan struct{}  // closed and replaced whenever a run ends
	stopped bool
}

// New returns a Scheduler keeping its leases and run records in store and
// logging to log.
func New(store *state.Store, log zerolog.Logger, opts ...Option) *Scheduler {
	s := &Scheduler{
		store:      store,
		log:        log,
		owner:      defaultOwner(),
		leaseTTL:   defaultLeaseTTL,
		cancelWait: defaultCancelWait,
		stopping:   make(chan struct{}),
		jobs:       make(map[string]Job),
		active:     make(map[string]int),
		changed:    make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	s.ctx, s.cancel = context.WithCancelCause(context.Background())
	cl := cronLogger{log: log}
	s.cron = cron.New(
		// Schedules are read in UTC; a spec may name another zone (CRON_TZ=).
		cron.WithLocation(time.UTC),
		cron.WithLogger(cl),
		// Recover inside SkipIfStillRunning: the other way round, a job that
		// panicked once would be skipped for good.
		cron.WithChain(cron.SkipIfStillRunning(cl), cron.Recover(cl)),
	)
	return s
}

// Add registers job; the error names the job. Jobs may be added before or
// after Start.
func (s *Scheduler) Add(job Job) error {
	if job.Name == "" {
		return errors.New("scheduler: job without a name")
	}
	if job.Run == nil {
		return fmt.Errorf("scheduler: job %s: no Run function", job.Name)
	}
	if job.Timeout < 0 {
		return fmt.Errorf("scheduler: job %s: negative timeout %v", job.Name, job.Timeout)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.jobs[job.Name]; dup {
		return fmt.Errorf("scheduler: job %s added twice", job.Name)
	}
	s.jobs[job.Name] = job
	if job.Schedule != nil {
		s.cron.Schedule(job.Schedule, cron.FuncJob(func() { _ = s.track(job.Name, func() error { return s.execute(s.ctx, job) }) }))
	}
	return nil
}

// Start begins running the scheduled jobs. It does not block. After Stop it
// does nothing.
func (s *Scheduler) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stopped {
		s.cron.Start()
	}
}

// Stop shuts the scheduler down: no new runs start, the runs in flight are
// told to stop (Run.Stopping) and waited for until ctx is done. Then the
// contexts of those still going are cancelled and they get a little longer
// (WithCancelWait) to return. Stop returns an error naming the jobs whose
// runs outlived ctx. Runs started by RunOnce are drained the same way.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	if !s.stopped {
		s.stopped = true
		close(s.stopping)
	}
	s.mu.Unlock()
	defer s.cancel(errStopping)
	cronDone := s.cron.Stop().Done()
	if s.waitIdle(ctx, cronDone) {
		return nil
	}

	late := s.running()
	s.log.Warn().Strs("jobs", late).Msg("grace period over, cancelling the runs still going")
	s.cancel(errGraceOver)
	wait, cancel := context.WithTimeout(context.Background(), s.cancelWait)
	defer cancel()
	if s.waitIdle(wait, cronDone) {
		return fmt.Errorf("scheduler: runs of %s did not finish within the grace period: %w", strings.Join(late, ", "), ErrRunsCancelled)
	}
	return fmt.Errorf("scheduler: runs of %s still going after cancellation", strings.Join(s.running(), ", "))
}

// RunOnce runs the job called name now, in this process, under its lease, and
// returns the run's error. When another replica holds the lease the error says
// so and wraps state.ErrLeaseHeld. Stop waits for RunOnce to return.
func (s *Scheduler) RunOnce(ctx context.Context, name string) error {
	s.mu.Lock()
	job, ok := s.jobs[name]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("scheduler: unknown job %q", name)
	}
	return s.track(name, func() error {
		err := s.execute(ctx, job)
		switch {
		case errors.Is(err, state.ErrLeaseHeld):
			return fmt.Errorf("scheduler: another replica is running %s: %w", name, err)
		case err != nil:
			return fmt.Errorf("scheduler: run %s: %w", name, err)
		}
		return nil
	})
}

// track calls run, counted as a run of job in flight from before it starts
// until after it has returned, so that Stop waits for all of it: the run
// itself, its record, its lease's release, the hook and what its caller
// (RunOnce, cron) does with its error. Once Stop has begun, it does not call
// run and returns an error wrapping errStopping.
func (s *Scheduler) track(job string, run func() error) error {
	if !s.begin(job) {
		s.log.Debug().Str("job", job).Msg("scheduler stopping, run not started")
		return fmt.Errorf("scheduler: run %s: %w", job, errStopping)
	}
	defer s.end(job)
	return run()
}

// begin counts a run of job in, unless Stop has begun.
func (s *Scheduler) begin(job string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return false
	}
	s.active[job]++
	return true
}

// end counts a run of job out and wakes waitIdle.
func (s *Scheduler) end(job string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active[job]--; s.active[job] == 0 {
		delete(s.active, job)
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// running lists the jobs with runs in flight, sorted.
func (s *Scheduler) running() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	jobs := make([]string, 0, len(s.active))
	for j := range s.active {
		jobs = append(jobs, j)
	}
	slices.Sort(jobs)
	return jobs
}

// waitIdle waits until no run is in flight and cron's goroutines are done,
// and reports false if ctx ended first.
func (s *Scheduler) waitIdle(ctx context.Context, cronDone <-chan struct{}) bool {
	for {
		s.mu.Lock()
		n, changed := len(s.active), s.changed
		s.mu.Unlock()
		if n == 0 {
			select {
			case <-cronDone:
				return true
			case <-ctx.Done():
				return false
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return false
		}
	}
}
