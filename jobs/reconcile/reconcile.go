// Package reconcile is the reconcile job (DESIGN.md §2): over a window it
// reads both systems with list calls only, reports every divergence by kind
// with its ids, and hands each one back to the job that owns it: it makes the
// item eligible again (clears the owner's record of it, rewinds the owner's
// cursor, both under the owner's lease), runs the owner once through the
// scheduler and reads again, so the report says what was repaired and what
// is left. It has no write path of its own to ShipStation or Quipt.
package reconcile

import (
	"context"
	"time"

	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/scheduler"
)

// Name is the job's name.
const Name = "reconcile"

// Runner runs another job once under its lease (scheduler.Scheduler.RunOnce).
type Runner interface {
	RunOnce(ctx context.Context, name string) error
}

// Reconcile compares both systems and repairs what diverges through the
// owning jobs.
type Reconcile struct {
	Env *jobs.Env
	// Runner runs the owning jobs after their items were made eligible again.
	Runner Runner
	// Idle, when set, says why a job does not run on its own:
	// ParkedOwnerOff when its schedule is off, ParkedOwnerDisabled when its
	// configuration did not resolve, "" when it runs. The divergences an
	// idle job owns are reported as parked with that reason, and the job is
	// not run to repair them: reconcile does not do what the operator
	// switched off, or what cannot work.
	Idle func(job string) string
	// Days is the window compared (RECONCILE_DAYS).
	Days int
	// ReportOnly reports and repairs nothing (also in a dry run).
	ReportOnly bool
	// RateLimit is SHIPSTATION_RATE_LIMIT, requests per RateWindow (a
	// minute when zero); Share of it is what reconcile's own ShipStation
	// reads may use (RECONCILE_BUDGET_SHARE).
	RateLimit  int
	RateWindow time.Duration
	Share      float64
	// PageSize is the page size of ShipStation lists; 0 is the largest.
	PageSize int
	// What get-orders and push-orders select, to know what they should have
	// handled.
	GetOrdersStatus string
	GetOrdersTagID  int64
	GetOrdersDays   int
	IncludePending  bool
	// OnReport, when set, receives the report of every completed run.
	OnReport func(*Report)
}

// Run does one reconcile: read, compare, repair (unless ReportOnly or a dry
// run), read again, report.
func (j *Reconcile) Run(ctx context.Context, run *scheduler.Run) error {
	return j.Env.Execute(ctx, run, j.run)
}

func (j *Reconcile) run(ctx context.Context, run *jobs.Run) error {
	pace := newPacer(j.RateLimit, j.RateWindow, j.Share)
	found, err := j.compare(ctx, run, pace)
	if err != nil {
		return err
	}
	rep := &Report{Days: j.Days, Found: found, Left: found}
	if j.ReportOnly || j.Env.DryRun || len(found.Drift()) == 0 {
		rep.ReportOnly = j.ReportOnly || j.Env.DryRun
		return j.finish(run, rep)
	}
	if rep.RepairErrors, err = j.repair(ctx, run, found.Drift()); err != nil {
		return err
	}
	if rep.Left, err = j.compare(ctx, run, pace); err != nil {
		return err
	}
	return j.finish(run, rep)
}

// finish counts the report in the run's summary and the drift metric and
// hands it to OnReport.
func (j *Reconcile) finish(run *jobs.Run, rep *Report) error {
	rep.complete()
	for _, kind := range Kinds { // the zeros are in the reconcile_done line
		if n := rep.FoundByKind[kind]; n > 0 {
			run.Sum.Add("found_"+kind, n)
		}
		if n := rep.LeftByKind[kind]; n > 0 {
			run.Sum.Add("left_"+kind, n)
		}
	}
	run.Sum.Add("repaired", len(rep.Repaired))
	if m := j.Env.Metrics; m != nil {
		m.Drift(rep.LeftByKind)
	}
	run.Log.Info().Str("event", "reconcile_done").Interface("drift_by_kind", rep.LeftByKind).
		Int("found", len(rep.Found.Drift())).Int("repaired", len(rep.Repaired)).Int("left", len(rep.Left)).
		Int("parked", len(rep.Parked)).Bool("report_only", rep.ReportOnly).Msg("reconcile finished")
	if j.OnReport != nil {
		j.OnReport(rep)
	}
	return nil
}
