package reconcile

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/synctracking"
)

// compare reads both systems and returns every divergence, parked ones
// marked as such.
func (j *Reconcile) compare(ctx context.Context, run *jobs.Run, pace *pacer) (Items, error) {
	s, err := j.read(ctx, run, pace)
	if err != nil {
		return nil, err
	}
	x := newIndex(s)
	recs, err := j.records(ctx, x)
	if err != nil {
		return nil, err
	}
	var items Items
	items = append(items, j.missingImports(x)...)
	items = append(items, j.missingPushes(x)...)
	items = append(items, x.pushedDrift(recs[jobs.NSPushed])...)
	items = append(items, x.labelDrift(recs[jobs.NSPackages])...)
	items = append(items, x.fulfillmentDrift(recs[jobs.NSPackages], recs[jobs.NSShipStationOrder])...)
	items = append(items, x.missingCancels()...)
	items = append(items, x.missingShipped(recs[jobs.NSMarkedShipped])...)
	if err := j.markParked(ctx, items); err != nil {
		return nil, err
	}
	j.markIdle(items)
	for _, it := range items {
		ev := run.Log.Warn()
		if it.Parked != "" {
			ev = run.Log.Info()
		}
		ev.Str("event", "divergence").Str("kind", it.Kind).Str("owner", it.Job).Str("id", it.ID).
			Interface("refs", it.Refs).Str("parked", it.Parked).Msg("divergence found")
	}
	return items, nil
}

// records reads, one round trip per namespace, the records the comparison
// needs: push records of the Quipt orders ShipStation holds, package records
// of the labels and fulfillments, the Quipt order of each fulfillment's
// ShipStation order, and the mark-as-shipped records.
func (j *Reconcile) records(ctx context.Context, x *index) (map[string]map[string]string, error) {
	var pushed, packages, ssOrders, marked []string
	for qid := range x.qByID {
		if _, ok := x.ssByKey[jobs.PushedKeyPrefix+qid]; ok {
			pushed = append(pushed, qid)
		}
	}
	for _, sh := range x.s.shipments {
		packages = append(packages, labelExt(sh.ShipmentID))
	}
	for _, f := range x.s.fulfillments {
		packages = append(packages, fulfillmentExt(f.FulfillmentID))
		ssOrders = append(ssOrders, strconv.FormatInt(f.OrderID, 10))
	}
	for ref := range x.poByRef {
		marked = append(marked, ref)
	}
	out := map[string]map[string]string{}
	for ns, ids := range map[string][]string{jobs.NSPushed: pushed, jobs.NSPackages: packages, jobs.NSShipStationOrder: ssOrders, jobs.NSMarkedShipped: marked} {
		recs, err := j.Env.Store.Records(ctx, ns, ids)
		if err != nil {
			return nil, fmt.Errorf("read %s records: %w", ns, err)
		}
		out[ns] = recs
	}
	return out, nil
}

// markIdle marks the items not parked yet whose owner does not run on its
// own (Idle) with the reason.
func (j *Reconcile) markIdle(items Items) {
	if j.Idle == nil {
		return
	}
	for i := range items {
		if items[i].Parked == "" {
			items[i].Parked = j.Idle(items[i].Job)
		}
	}
}

// markParked marks the items their owner dead-lettered or an operator
// dropped: one look-up per owning job, and the dead-letter list to tell the
// two apart.
func (j *Reconcile) markParked(ctx context.Context, items Items) error {
	byJob := map[string][]string{}
	for _, it := range items {
		byJob[it.Job] = append(byJob[it.Job], it.parkID())
	}
	var dead map[string]bool
	for job, ids := range byJob {
		parked, err := j.Env.Store.Parked(ctx, job, ids)
		if err != nil {
			return fmt.Errorf("read parked items: %w", err)
		}
		if len(parked) == 0 {
			continue
		}
		if dead == nil {
			if dead, err = j.deadLetters(ctx); err != nil {
				return err
			}
		}
		for i := range items {
			if items[i].Job == job && parked[items[i].parkID()] {
				items[i].Parked = ParkedDropped
				if dead[job+"/"+items[i].parkID()] {
					items[i].Parked = ParkedDeadLettered
				}
			}
		}
	}
	return nil
}

// deadLetters returns job/id of every dead letter.
func (j *Reconcile) deadLetters(ctx context.Context) (map[string]bool, error) {
	list, err := j.Env.Store.DeadLetters(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("read dead letters: %w", err)
	}
	out := make(map[string]bool, len(list))
	for _, d := range list {
		out[d.Job+"/"+d.ID] = true
	}
	return out, nil
}

// parkID is the item's id in its owner's dead letters.
func (it Item) parkID() string {
	if it.Kind == KindMissingShipped {
		return synctracking.MarkKeyPrefix + it.ID
	}
	return it.ID
}

// labelExt is the ExternalShipmentId of the Quipt package of label id.
func labelExt(id int64) string { return synctracking.LabelKeyPrefix + strconv.FormatInt(id, 10) }

// fulfillmentExt is the ExternalShipmentId of the Quipt package of
// mark-as-shipped fulfillment id.
func fulfillmentExt(id int64) string {
	return synctracking.FulfillmentKeyPrefix + strconv.FormatInt(id, 10)
}

// quiptID returns the Quipt order id of a ShipStation orderKey push-orders set.
func quiptID(orderKey string) (string, bool) {
	return strings.CutPrefix(orderKey, jobs.PushedKeyPrefix)
}
