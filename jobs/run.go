package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/shipsync/shipsync/connector/calls"
	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/metrics"
	"github.com/shipsync/shipsync/scheduler"
)

// Run is one run of a job as its code sees it: the scheduler's run (job
// name, lease, logger, shutdown signal), the job's Env and the run's
// Summary. Execute makes it; the page pass (EachPage, CursorPass, Pipeline,
// Apply) works on it.
type Run struct {
	*scheduler.Run
	Env *Env
	Sum *Summary
	// decided holds, in a dry run, the records the run would have written,
	// by namespace and id; Lookup lays them over what Redis holds, so a dry
	// run reports each effect once, as the real run would make it.
	decided Records
	// start is when Execute began the run.
	start time.Time
}

// Checkpoint logs that the run stops after the page in hand because
// shutdown was requested.
func (r *Run) Checkpoint() {
	r.Log.Info().Str("event", "checkpoint").Msg("shutdown requested: stopping after this page")
}

// DeadLetter is Env.DeadLetter for this run, counted in its summary.
func (r *Run) DeadLetter(ctx context.Context, id, reason string, fields map[string]any) error {
	return r.Env.DeadLetter(ctx, r.Run, r.Sum, id, reason, fields)
}

// DeadLetterInvalid is Env.DeadLetterInvalid for this run.
func (r *Run) DeadLetterInvalid(ctx context.Context, items []Invalid) error {
	return r.Env.DeadLetterInvalid(ctx, r.Run, r.Sum, items)
}

// Execute runs body as one run of the job, r, with a per-run request counter on the context, then logs
// the run's single summary line and feeds the item metrics.
//
// While the circuit breaker of ShipStation or Quipt is open (DESIGN.md §6),
// body does not run: every job needs both upstreams, so the run is skipped
// with one run_skipped warning, counted in the skipped runs, and an error
// wrapping scheduler.ErrSkipped and that connector's ErrBreakerOpen: the
// scheduler counts no run, neither a success nor a failure.
func (e *Env) Execute(ctx context.Context, run *scheduler.Run, body func(ctx context.Context, r *Run) error) error {
	if err := e.upstreamDown(run); err != nil {
		return err
	}
	var counter calls.Counter
	ctx = calls.WithCounter(ctx, &counter)
	start := time.Now()
	r := &Run{Run: run, Env: e, Sum: &Summary{}, start: start}
	err := body(ctx, r)
	sum := r.Sum

	ev := run.Log.Info()
	if err != nil {
		ev = run.Log.Error().Err(err)
	}
	ev = ev.Str("event", "run_summary").
		Bool("dry_run", e.DryRun).
		Int("seen", sum.Seen).
		Int("created", sum.Created).
		Int("updated", sum.Updated).
		Int("already_existed", sum.Existing).
		Int("skipped", sum.Skipped).
		Int("dead_lettered", sum.DeadLettered).
		Int64("shipstation_calls", counter.ShipStation()).
		Int64("quipt_calls", counter.Quipt()).
		Int64("duration_ms", time.Since(start).Milliseconds())
	for k, v := range sum.Extra {
		ev = ev.Int(k, v)
	}
	for k, l := range sum.Lists {
		ev = ev.Strs(k, l.Names)
		if l.More > 0 {
			ev = ev.Int(k+"_more", l.More)
		}
	}
	ev.Msg("run finished")

	if m := e.Metrics; m != nil {
		m.Seen(run.Job, sum.Seen)
		m.Items(run.Job, "created", sum.Created)
		m.Items(run.Job, "updated", sum.Updated)
		m.Items(run.Job, "already_existed", sum.Existing)
		m.Items(run.Job, "skipped", sum.Skipped)
		m.Items(run.Job, "dead_lettered", sum.DeadLettered)
		for k, v := range sum.Extra {
			m.Detail(run.Job, k, v)
		}
	}
	return err
}

// breakerOpen is the state name BreakerState reports for an open breaker.
const breakerOpen = "open"

// upstreamDown returns, after logging it, why the run must be skipped: the
// circuit breaker of an upstream is open. It returns nil when both are
// closed or half-open (a half-open breaker lets a probe through).
func (e *Env) upstreamDown(run *scheduler.Run) error {
	var upstream string
	var cause error
	switch {
	case e.ShipStation != nil && e.ShipStation.BreakerState() == breakerOpen:
		upstream, cause = "shipstation", shipstation.ErrBreakerOpen
	case e.Quipt != nil && e.Quipt.BreakerState() == breakerOpen:
		upstream, cause = "quipt", quipt.ErrBreakerOpen
	default:
		return nil
	}
	run.Log.Warn().Str("event", "run_skipped").Str("upstream", upstream).Str("breaker", breakerOpen).
		Msg("circuit breaker open: run skipped")
	if e.Metrics != nil {
		e.Metrics.RunSkipped(run.Job, metrics.SkipBreakerOpen)
	}
	return fmt.Errorf("%s %w, %s unavailable: %w", run.Job, scheduler.ErrSkipped, upstream, cause)
}
