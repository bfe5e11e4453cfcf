package daemon

import (
	"fmt"
	"time"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/getorders"
	"github.com/shipsync/shipsync/jobs/linklistings"
	"github.com/shipsync/shipsync/jobs/pushorders"
	"github.com/shipsync/shipsync/jobs/reconcile"
	"github.com/shipsync/shipsync/jobs/synccancels"
	"github.com/shipsync/shipsync/jobs/synctracking"
	"github.com/shipsync/shipsync/ops"
	"github.com/shipsync/shipsync/preflight"
	"github.com/shipsync/shipsync/scheduler"
)

// runTimeout bounds one job run; a run still going then is cancelled and the
// next scheduled run starts over from its cursor.
const runTimeout = 30 * time.Minute

// Job is one of shipsync's jobs as the daemon knows it.
type Job struct {
	Name string
	// Schedule is the job's configured schedule (off: it runs only by hand).
	Schedule config.Schedule
	// Needs is what the preflight must resolve for the job to run.
	Needs preflight.Need
	// Run does one pass of the job.
	Run scheduler.RunFunc
}

// jobList builds every job from the validated configuration and the
// dependencies the jobs share. It is the one list of jobs: the scheduler's
// registrations, the names `once JOB` accepts and the usage line shows, the
// preflight's per-job needs, readiness and the demo all derive from it, so a
// new job is one entry here (and its schedule variable in config). runner
// runs a job once under its lease, for reconcile's repairs, and idle says
// which jobs reconcile must not run (reconcile.Reconcile.Idle).
func jobList(cfg *config.Config, env *jobs.Env, runner reconcile.Runner, idle func(string) string) []Job {
	warehouseCodes := make(map[int64]string, len(cfg.Warehouses))
	for code, id := range cfg.Warehouses {
		warehouseCodes[id] = code
	}
	return []Job{{
		Name:     jobs.NameGetOrders,
		Schedule: cfg.GetOrdersSchedule,
		Needs:    preflight.Carriers | preflight.Users | preflight.Tags,
		Run: (&getorders.GetOrders{
			Env:            env,
			Status:         cfg.GetOrdersStatus,
			TagID:          cfg.GetOrdersTagID,
			Days:           cfg.GetOrdersDays,
			Sweep:          cfg.GetOrdersSweep,
			AssignUserID:   cfg.AssignUserID,
			Selector:       cfg.Selector(),
			WarehouseCodes: warehouseCodes,
		}).Run,
	}, {
		Name:     jobs.NamePushOrders,
		Schedule: cfg.PushOrdersSchedule,
		Needs:    preflight.Carriers | preflight.Stores | preflight.Warehouses,
		Run: (&pushorders.PushOrders{
			Env:            env,
			IncludePending: cfg.PushPendingOrders,
			SingleStoreID:  cfg.SingleStoreID,
			ChannelStores:  cfg.ChannelStores,
			Warehouses:     cfg.Warehouses,
			Selector:       cfg.Selector(),
		}).Run,
	}, {
		Name:     jobs.NameSyncTracking,
		Schedule: cfg.SyncTrackingSchedule,
		Run: (&synctracking.SyncTracking{
			Env:                env,
			NotifyCustomer:     cfg.NotifyCustomer,
			NotifySalesChannel: cfg.NotifySalesChannel,
		}).Run,
	}, {
		Name:     jobs.NameSyncCancels,
		Schedule: cfg.SyncCancelsSchedule,
		Run:      (&synccancels.SyncCancels{Env: env, Mode: string(cfg.CancelMode)}).Run,
	}, {
		Name:     jobs.NameLinkListings,
		Schedule: cfg.LinkListingsSchedule,
		Run:      (&linklistings.LinkListings{Env: env}).Run,
	}, {
		Name:     reconcile.Name,
		Schedule: cfg.ReconcileSchedule,
		Run:      newReconcile(cfg, env, runner, idle).Run,
	}}
}

// newReconcile is the reconcile job of cfg: its window and budget share, and
// what get-orders and push-orders select.
func newReconcile(cfg *config.Config, env *jobs.Env, runner reconcile.Runner, idle func(string) string) *reconcile.Reconcile {
	return &reconcile.Reconcile{
		Env:             env,
		Runner:          runner,
		Idle:            idle,
		Days:            cfg.ReconcileDays,
		RateLimit:       cfg.ShipStationRateLimit,
		RateWindow:      env.RateWindow,
		Share:           cfg.ReconcileBudgetShare,
		GetOrdersStatus: cfg.GetOrdersStatus,
		GetOrdersTagID:  cfg.GetOrdersTagID,
		GetOrdersDays:   cfg.GetOrdersDays,
		IncludePending:  cfg.PushPendingOrders,
	}
}

// JobNames lists the names of the jobs, in order, for usage lines and help
// before any configuration is read. (Building the list contacts nothing.)
func JobNames() []string {
	list := jobList(&config.Config{}, &jobs.Env{}, nil, nil)
	names := make([]string, len(list))
	for i, j := range list {
		names[i] = j.Name
	}
	return names
}

// PreflightJobs is the list of jobs as the preflight sees it: their needs and
// whether they are scheduled.
func PreflightJobs(list []Job) []preflight.Job {
	out := make([]preflight.Job, len(list))
	for i, j := range list {
		out[i] = preflight.Job{Name: j.Name, Needs: j.Needs, Scheduled: !j.Schedule.Off}
	}
	return out
}

// job returns the job called name.
func (a *App) job(name string) (Job, bool) {
	for _, j := range a.Jobs {
		if j.Name == name {
			return j, true
		}
	}
	return Job{}, false
}

// enable registers the jobs with the scheduler, all but those named in
// disabled (a job whose configuration did not resolve in the preflight),
// which are registered off, to run by hand only.
func (a *App) enable(disabled map[string]string) error {
	a.disabled = disabled
	for _, j := range a.Jobs {
		schedule := j.Schedule.Cron()
		if reason, off := disabled[j.Name]; off {
			a.Log.Error().Str("job", j.Name).Str("reason", reason).Msg("job disabled: its configuration does not resolve")
			schedule = nil
		}
		if err := a.Scheduler.Add(scheduler.Job{Name: j.Name, Schedule: schedule, Timeout: runTimeout, Run: j.Run}); err != nil {
			return fmt.Errorf("schedule %s: %w", j.Name, err)
		}
	}
	return nil
}

// readyJobs are the jobs readiness watches: those scheduled and not disabled.
func (a *App) readyJobs(disabled map[string]string) []ops.ReadyJob {
	var out []ops.ReadyJob
	for _, j := range a.Jobs {
		if _, off := disabled[j.Name]; off || j.Schedule.Off {
			continue
		}
		out = append(out, ops.ReadyJob{Name: j.Name, Schedule: j.Schedule.Cron()})
	}
	return out
}

// idle says why the job called name does not run on its own, for
// reconcile's repairs: its schedule is off, or the preflight disabled it
// (enable); "" when it runs.
func (a *App) idle(name string) string {
	if _, off := a.disabled[name]; off {
		return reconcile.ParkedOwnerDisabled
	}
	if j, ok := a.job(name); ok && j.Schedule.Off {
		return reconcile.ParkedOwnerOff
	}
	return ""
}
