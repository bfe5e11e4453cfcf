package daemon

import (
	"context"

	"github.com/shipsync/shipsync/jobs/reconcile"
)

// ReconcileOptions are the flags of `shipsync reconcile`.
type ReconcileOptions struct {
	// Days overrides RECONCILE_DAYS when above zero.
	Days int
	// ReportOnly reports the divergences and repairs nothing.
	ReportOnly bool
}

// Reconcile is `shipsync reconcile`: one run of the reconcile job with the
// command's flags, as `once reconcile` runs it (under its lease, the owning
// jobs registered for the repairs), returning its report. The report is nil
// when the run did not complete.
func (a *App) Reconcile(ctx context.Context, o ReconcileOptions) (*reconcile.Report, error) {
	rc := newReconcile(a.Config, a.env, a.Scheduler, a.idle)
	if o.Days > 0 {
		rc.Days = o.Days
	}
	rc.ReportOnly = o.ReportOnly
	var rep *reconcile.Report
	rc.OnReport = func(r *reconcile.Report) { rep = r }
	for i := range a.Jobs {
		if a.Jobs[i].Name == reconcile.Name {
			a.Jobs[i].Run = rc.Run
		}
	}
	if err := a.Once(ctx, reconcile.Name); err != nil {
		return nil, err
	}
	return rep, nil
}
