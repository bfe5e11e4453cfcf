package synctracking

import (
	"context"
	"fmt"
	"strconv"

	"github.com/shipsync/shipsync/jobs"
)

// Overlap is how far before its cursor each pass starts reading
// (jobs.CursorOverlap). It covers the hour that Pacific clocks repeat when
// they fall back (ShipStation's timestamps and filters are Pacific wall-clock
// times without an offset) and items that become visible in the API a little
// after their timestamp.
const Overlap = jobs.CursorOverlap

// Cursor names of the three ShipStation passes, under the job's cursors.
const (
	CursorShipmentsCreated   = "shipments-created"
	CursorShipmentsVoided    = "shipments-voided"
	CursorFulfillmentsCreate = "fulfillments-created"
)

// packagePage handles one page of packages (labels or fulfillments) of a
// ShipStation list: its malformed items are dead-lettered, push-orders'
// links of the ShipStation orders in linkIDs are read (one round trip, when
// there are any), and the page goes through a jobs.Pipeline over the
// packages' jobs.NSPackages records and whether their Quipt orders were
// accepted (jobs.NSAccepted, the keys' Related; one round trip) with the handler made
// for the page from the links, which records what it applied with one fenced
// write.
//
// The packages are applied QUIPT_CONCURRENCY at a time (Env.QuiptConcurrency),
// but those of one Quipt order (order returns its Id) one after the other,
// in page order: they share the order's copy the page read, and a void never
// overtakes the ship it undoes.
func packagePage[T, C any](ctx context.Context, r *runner, items []T, invalid []jobs.Invalid, linkIDs []string,
	handler func(links map[string]string) jobs.PageHandler[T, C], order func(C) string) error {
	if err := r.run.DeadLetterInvalid(ctx, invalid); err != nil {
		return err
	}
	var links map[string]string
	if len(linkIDs) > 0 {
		var err error
		if links, err = r.Env.Store.Records(ctx, jobs.NSShipStationOrder, linkIDs); err != nil {
			return fmt.Errorf("read order links: %w", err)
		}
	}
	pipe := jobs.Pipeline[T, C]{
		Handler: handler(links), Namespaces: []string{jobs.NSPackages}, Related: []string{jobs.NSAccepted},
		Concurrency: r.Env.QuiptConcurrency(), Serial: order,
	}
	_, err := pipe.Process(ctx, r.run, items, nil)
	return err
}

// orderLink returns push-orders' link of ShipStation order id: the Id of the
// Quipt order it was pushed from, or "".
func orderLink(links map[string]string, id int64) string {
	return links[strconv.FormatInt(id, 10)]
}

// settledPackage is the Settled of both package handlers: a package recorded
// as voided is final, and a package with any other record needs nothing
// while it is live in ShipStation.
func settledPackage(p pkg, known *jobs.Known) (skip string) {
	rec := known.Record(jobs.NSPackages, p.ext)
	if rec == packageVoided || (rec != "" && !p.voided) {
		return "skipped_applied"
	}
	return ""
}

// withAcceptance returns p with accepted set from known: whether its Quipt
// order was accepted (by push-orders, or by an earlier package of the page,
// whose record the pipeline noted).
func withAcceptance(p pkg, known *jobs.Known) pkg {
	p.accepted = known.Record(jobs.NSAccepted, p.orderID) == jobs.Accepted
	return p
}

// applyVoid handles a package voided in ShipStation after it was applied:
// recorded shipped, its Quipt shipment is voided; recorded as nothing to
// ship, it is recorded voided. done is false for a package without a record,
// which the handler applies. See settledPackage for the rest.
func (r *runner) applyVoid(ctx context.Context, p pkg, known *jobs.Known, orders *quiptOrders, eff *jobs.Effects) (done bool, _ error) {
	switch known.Record(jobs.NSPackages, p.ext) {
	case packageShipped:
		return true, r.void(ctx, p, orders, eff)
	case PackageNothingToShip:
		return true, r.voidState(ctx, p, shipmentAbsent, orders, eff)
	}
	return false, nil
}
