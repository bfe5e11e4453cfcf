package daemon

import (
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/shipsync/shipsync/ops"
	"github.com/shipsync/shipsync/preflight"
)

// reachability remembers the upstreams the preflight could not reach: the
// daemon is not ready until a run has succeeded since (a run needs both).
type reachability struct {
	mu          sync.Mutex
	unreachable []string
}

// preflightDone notes the upstreams report found unreachable.
func (r *reachability) preflightDone(report *preflight.Report) {
	var names []string
	for _, it := range report.Items {
		if it.Section == "connection" && it.Status == preflight.Invalid && strings.HasPrefix(it.Reason, "unreachable") {
			names = append(names, it.Name)
		}
	}
	r.mu.Lock()
	r.unreachable = names
	r.mu.Unlock()
}

// runSucceeded notes that a run reached both upstreams.
func (r *reachability) runSucceeded() {
	r.mu.Lock()
	r.unreachable = nil
	r.mu.Unlock()
}

// err says which upstream is unreachable, or nil.
func (r *reachability) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.unreachable) == 0 {
		return nil
	}
	return errors.New(strings.Join(r.unreachable, ", ") + " unreachable at the preflight, and no run has succeeded since")
}

// upstreamsReady is the upstream part of readiness: an upstream the
// preflight could not reach, or one whose circuit breaker is open, makes the
// daemon not ready.
func (a *App) upstreamsReady() error {
	var problems []error
	if err := a.reach.err(); err != nil {
		problems = append(problems, err)
	}
	for name, state := range map[string]string{"shipstation": a.ShipStation.BreakerState(), "quipt": a.Quipt.BreakerState()} {
		if state == "open" {
			problems = append(problems, errors.New(name+" circuit breaker open"))
		}
	}
	return errors.Join(problems...)
}

// readiness is what /readyz asks once the preflight has ended.
func (a *App) readiness(report *preflight.Report, started time.Time) *ops.Readiness {
	a.reach.preflightDone(report)
	return &ops.Readiness{Ping: a.Store.Ping, LastSuccess: a.Store.LastSuccess, Jobs: a.readyJobs(report.Disabled),
		Started: started, Upstreams: a.upstreamsReady}
}
