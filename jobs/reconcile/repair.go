package reconcile

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/state"
)

// owners are the jobs that repair divergences, in the order they run: an
// import or push first, so the packages, cancels and marks that follow see
// its records.
var owners = []string{jobs.NameGetOrders, jobs.NamePushOrders, jobs.NameSyncTracking, jobs.NameSyncCancels}

// leaseTTL bounds how long reconcile holds an owner's lease to make its
// items eligible again (a few Redis writes).
const leaseTTL = 30 * time.Second

// repair hands each divergence back to its owner: under the owner's lease it
// clears the owner's record of the item and rewinds the owner's cursor to the
// item, then runs the owner once through the scheduler. An owner that cannot
// be run now (another replica holds its lease, its run failed) is reported
// and its items are left for the next reconcile; only Redis errors and the
// run's own cancellation stop the repair.
func (j *Reconcile) repair(ctx context.Context, run *jobs.Run, drift Items) ([]string, error) {
	byJob := map[string]Items{}
	for _, it := range drift {
		byJob[it.Job] = append(byJob[it.Job], it)
	}
	var problems []string
	for _, owner := range owners {
		items := byJob[owner]
		if len(items) == 0 {
			continue
		}
		err := j.makeEligible(ctx, run, owner, items)
		if err == nil {
			run.Log.Info().Str("event", "repair_run").Str("owner", owner).Int("items", len(items)).Msg("running the owning job")
			err = j.Runner.RunOnce(ctx, owner)
		}
		switch {
		case ctx.Err() != nil:
			return problems, ctx.Err()
		case err != nil:
			run.Log.Warn().Str("event", "repair_failed").Str("owner", owner).Err(err).Msg("owning job did not repair; its items are left")
			problems = append(problems, fmt.Sprintf("%s: %v", owner, err))
		}
	}
	return problems, nil
}

// makeEligible clears the owner's records of items and rewinds its cursors,
// each cursor to its earliest item, with fenced writes under the owner's
// lease.
func (j *Reconcile) makeEligible(ctx context.Context, run *jobs.Run, owner string, items Items) error {
	byNS, rewind := eligibility(items)
	marks := marked(items, j.Env.Clock())
	if len(byNS) == 0 && len(rewind) == 0 && len(marks) == 0 {
		return nil
	}
	store := j.Env.Store
	lease, err := store.AcquireLease(ctx, owner, "reconcile:"+run.ID, leaseTTL)
	if err != nil {
		return fmt.Errorf("take the lease of %s: %w", owner, err)
	}
	defer func() {
		if err := store.ReleaseLease(context.WithoutCancel(ctx), lease); err != nil && !errors.Is(err, state.ErrFenced) {
			run.Log.Warn().Err(err).Str("owner", owner).Msg("could not release the owner's lease; it expires by itself")
		}
	}()
	for ns, ids := range byNS {
		if err := store.DeleteRecords(ctx, lease, ns, ids); err != nil {
			return fmt.Errorf("clear %s records of %s: %w", ns, owner, err)
		}
		run.Log.Info().Str("event", "records_cleared").Str("owner", owner).Str("namespace", ns).Strs("ids", ids).Msg("made items eligible again")
	}
	for ns, kv := range marks {
		if err := store.PutRecords(ctx, lease, ns, kv); err != nil {
			return fmt.Errorf("mark %s records of %s: %w", ns, owner, err)
		}
		run.Log.Info().Str("event", "records_marked").Str("owner", owner).Str("namespace", ns).Int("items", len(kv)).Msg("owner will read these items back")
	}
	for name, at := range rewind {
		if err := store.RewindCursor(ctx, lease, name, at); err != nil {
			return fmt.Errorf("rewind cursor %s of %s: %w", name, owner, err)
		}
		run.Log.Info().Str("event", "cursor_rewound").Str("owner", owner).Str("cursor", name).Time("to", at).Msg("owner will list these items again")
	}
	return nil
}

// marked returns the records to set, by namespace, to now (Unix ms).
func marked(items Items, now time.Time) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, it := range items {
		if ns := it.mark[0]; ns != "" {
			if out[ns] == nil {
				out[ns] = map[string]string{}
			}
			out[ns][it.mark[1]] = strconv.FormatInt(now.UnixMilli(), 10)
		}
	}
	return out
}

// eligibility is what makes items eligible again: the records to clear by
// namespace, and each cursor's earliest item.
func eligibility(items Items) (byNS map[string][]string, rewind map[string]time.Time) {
	byNS, rewind = map[string][]string{}, map[string]time.Time{}
	for _, it := range items {
		if ns := it.record[0]; ns != "" {
			byNS[ns] = append(byNS[ns], it.record[1])
		}
		if it.cursor == "" || it.at.IsZero() {
			continue
		}
		if t, ok := rewind[it.cursor]; !ok || it.at.Before(t) {
			rewind[it.cursor] = it.at
		}
	}
	return byNS, rewind
}
