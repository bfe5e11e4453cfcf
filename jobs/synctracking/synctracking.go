// Package synctracking is the sync-tracking job (DESIGN.md §2), in both
// directions.
//
// ShipStation → Quipt, for the orders push-orders sent (orderKey quipt:<id>):
// every live label (/shipments by create date) becomes one Quipt shipment
// keyed by ExternalShipmentId shipstation:<shipmentId>, with its tracking
// number, carrier, service, ship date and lines; a voided label (/shipments by
// void date; that pass handles voided labels only, whatever the list holds)
// voids that shipment; return labels are ignored. A label's items name their
// lines by lineItemKey (the Quipt line Id push-orders sent; checked against
// the order whenever it is read, and after Quipt refuses one), else by SKU,
// spread over the lines of a SKU by what each has left. A label listed
// without items is looked up in its order's labels with their items; with
// none there either it ships what its order has left, unless several live
// labels of the order lack items. A mark-as-shipped or provider fulfilment
// (/fulfillments, which carry no items) ships every line not yet shipped,
// keyed shipstation-fulfillment:<fulfillmentId>; its carrier is free text
// (mapping.ParseCarrierText), else the carrier of the ShipStation order,
// else of the Quipt order.
//
// Quipt → ShipStation, for the purchase orders get-orders imported
// (PartnerReference shipstation:<orderId> and get-orders' jobs.NSImported
// record): the first live Quipt shipment of a shipped order marks the
// ShipStation order shipped (ship date as yyyy-mm-dd), with the configured
// customer and sales-channel notifications.
//
// Each package is applied exactly once: the NSPackages and NSMarkedShipped
// records say what was applied, Quipt's writes are idempotent on their keys
// (a replay Quipt refuses rather than answering "Duplicate" is checked
// against the order, and done when the order holds it), and markasshipped, which is not, is sent only after its intent was recorded
// (a pending NSMarkedShipped record); it is repeated only after reading the
// order showed that the earlier attempt did not take effect.
package synctracking

import (
	"context"
	"time"

	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/scheduler"
)

// DefaultInitialLookback is how far back the first run (no cursor yet) looks
// for labels, voids and fulfillments.
const DefaultInitialLookback = 30 * 24 * time.Hour

// SyncTracking carries tracking between ShipStation and Quipt (DESIGN.md §2,
// sync-tracking).
type SyncTracking struct {
	Env *jobs.Env
	// NotifyCustomer and NotifySalesChannel are sent with every
	// markasshipped (NOTIFY_CUSTOMER, NOTIFY_SALES_CHANNEL).
	NotifyCustomer     bool
	NotifySalesChannel bool
	// InitialLookback is the window of a pass that has no cursor yet; zero
	// means DefaultInitialLookback.
	InitialLookback time.Duration
}

// Run makes one pass over each source, in this order: voided labels, new
// labels, fulfillments, then Quipt's shipped purchase orders. Voids go first
// so that a re-label is never refused by Quipt for lines that the voided label
// still holds. A pass that fails stops the run with the error, after recording
// what it applied; its cursor stays where it was, so the next run repeats the
// window and skips what is recorded. A pass stopped by a shutdown (it logged
// the checkpoint) ends the run.
func (j *SyncTracking) Run(ctx context.Context, run *scheduler.Run) error {
	return j.Env.Execute(ctx, run, func(ctx context.Context, jr *jobs.Run) error {
		r := &runner{SyncTracking: j, run: jr}
		passes := []func(context.Context, *jobs.Run) (bool, error){
			r.voidedShipments().Run,
			r.createdShipments().Run,
			r.fulfillments().Run,
			r.markShipped,
		}
		for _, pass := range passes {
			complete, err := pass(ctx, jr)
			if err != nil || !complete {
				return err
			}
		}
		return nil
	})
}

// runner is one run of the job: the job's settings and the run (lease,
// logger, counters). The passes' page handlers are made from it per page.
type runner struct {
	*SyncTracking
	run *jobs.Run
}

func (r *runner) lookback() time.Duration {
	if r.InitialLookback > 0 {
		return r.InitialLookback
	}
	return DefaultInitialLookback
}
