package synctracking

import (
	"context"
	"fmt"
	"slices"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/jobs"
)

// ship adds the package to its Quipt order and notes its record in eff. Quipt
// is idempotent on the ExternalShipmentId, so an attempt whose answer was lost
// is repeated safely and answered as a duplicate.
//
// A permanent refusal is checked against the order, read afresh: a Quipt
// that validates the order before the idempotency key refuses the replay of a
// ship it applied (a run killed before its records were written) instead of
// answering "Duplicate", so a shipment under this ExternalShipmentId means
// done. Else, when remap is set, it gives the lines again from the order read
// (lineItemKeys that are not the order's line Ids are matched by SKU), and a
// different set of lines is sent once more. Only then is the package
// dead-lettered with Quipt's message.
func (r *runner) ship(ctx context.Context, p pkg, req quipt.ShipRequest, orders *quiptOrders, eff *jobs.Effects, remap func(*quipt.Order) []quipt.LineQuantity) error {
	if r.Env.DryRun {
		dryShip(p, req, orders, eff)
		return nil
	}
	if !p.accepted {
		if err := r.accept(ctx, p, orders, eff); err != nil {
			return err
		}
	}
	dup, err := r.Env.Quipt.FulfillmentOrders.Ship(ctx, req)
	if err != nil && quipt.IsPermanent(err) {
		o, applied, rerr := r.refused(ctx, p, orders, shipmentLive, err)
		switch {
		case rerr != nil:
			return rerr
		case applied:
			dup, err = true, nil
		case o != nil && remap != nil:
			if lines := remap(o); len(lines) > 0 && !slices.Equal(lines, req.Lines) {
				p.log.Info().Str("event", "ship_remapped").AnErr("refusal", err).
					Msg("Quipt refused the shipment's lines: sending it again with the lines matched against the order")
				req.Lines = lines
				dup, err = r.Env.Quipt.FulfillmentOrders.Ship(ctx, req)
			}
		}
	}
	if ok, err := settle(ctx, eff, p.ext, "quipt refused the shipment", err, p.fields); !ok {
		return err
	}
	orders.noteShip(req)
	eff.Record(jobs.NSPackages, p.ext, packageShipped)
	if dup { // Quipt held the shipment already: recorded, not created again
		eff.Exist("already_applied")
	} else {
		eff.Created++
		eff.Add("shipped", 1)
	}
	shipEvent(p, req).Str("event", "shipped").Bool("duplicate", dup).Msg("added Quipt shipment")
	return nil
}

// dryShip is ship in a dry run: it logs what it would do and records it
// as done for the rest of the run.
func dryShip(p pkg, req quipt.ShipRequest, orders *quiptOrders, eff *jobs.Effects) {
	if !p.accepted {
		p.log.Info().Str("event", "would_accept").Bool("dry_run", true).Msg("dry run: would accept the Quipt order before its package")
	}
	shipEvent(p, req).Str("event", "would_ship").Msg("dry run: would add Quipt shipment")
	orders.noteShip(req)
	eff.Record(jobs.NSPackages, p.ext, packageShipped)
	eff.Created++
	eff.Add("shipped", 1)
}

// accept accepts the package's Quipt order before its package is added, when
// it is not recorded accepted (jobs.NSAccepted), and records it accepted: its createorders answer was
// lost, or its run stopped before the acknowledgement, and the order was
// labelled or marked shipped in ShipStation meanwhile. Once shipped, the
// order leaves the Open orders push-orders lists, so it would never be
// accepted otherwise. Quipt is idempotent on OrderId + Status: an order
// push-orders did accept (its record written later, or lost with Redis) is
// answered as a duplicate. A refusal (the order was cancelled, say) is
// logged and the ship goes on to meet its own answer; any other failure
// stops the page before the ship. The record keeps later packages of the
// order, in this page and later runs, from accepting it again.
func (r *runner) accept(ctx context.Context, p pkg, orders *quiptOrders, eff *jobs.Effects) error {
	o, err := orders.get(ctx, p.orderID)
	if err == nil {
		var dup bool
		dup, err = r.Env.Quipt.FulfillmentOrders.Acknowledge(ctx, jobs.Acceptance(o))
		if err == nil {
			eff.Record(jobs.NSAccepted, p.orderID, jobs.Accepted)
			eff.Add("accepted_before_ship", 1)
			p.log.Info().Str("event", "accepted_before_ship").Bool("duplicate", dup).
				Msg("accepted the Quipt order before its package: it was not recorded accepted")
			return nil
		}
	}
	if quipt.IsPermanent(err) {
		p.log.Warn().Str("event", "accept_refused").Err(err).Msg("Quipt refused to accept the order before its package: shipping it as it is")
		return nil
	}
	return fmt.Errorf("accept Quipt order %s before package %s: %w", p.orderID, p.ext, err)
}

// shipEvent starts the log line of a ship.
func shipEvent(p pkg, req quipt.ShipRequest) *zerolog.Event {
	return p.log.Info().Str("tracking_number", req.TrackingNumber).Str("carrier", req.CarrierCode).
		Str("service", req.CarrierMethod).Str("ship_date", req.ShipDate).Int("lines", len(req.Lines))
}

// void voids the package's Quipt shipment and notes its record in eff. A
// permanent refusal is checked against the order, as for ship: a shipment
// voided already under this ExternalShipmentId means done.
func (r *runner) void(ctx context.Context, p pkg, orders *quiptOrders, eff *jobs.Effects) error {
	if r.Env.DryRun {
		p.log.Info().Str("event", "would_void").Msg("dry run: would void Quipt shipment")
		orders.noteVoid(p.orderID, p.ext)
		eff.Record(jobs.NSPackages, p.ext, packageVoided)
		eff.Updated++
		eff.Add("voided", 1)
		return nil
	}
	dup, err := r.Env.Quipt.FulfillmentOrders.VoidShipment(ctx, quipt.VoidRequest{OrderID: p.orderID, ExternalShipmentID: p.ext})
	if err != nil && quipt.IsPermanent(err) {
		_, applied, rerr := r.refused(ctx, p, orders, shipmentVoided, err)
		if rerr != nil {
			return rerr
		}
		if applied {
			dup, err = true, nil
		}
	}
	if ok, err := settle(ctx, eff, p.ext, "quipt refused the void", err, p.fields); !ok {
		return err
	}
	orders.noteVoid(p.orderID, p.ext)
	eff.Record(jobs.NSPackages, p.ext, packageVoided)
	eff.Updated++
	eff.Add("voided", 1)
	if dup {
		eff.Add("already_applied", 1)
	}
	p.log.Info().Str("event", "voided").Bool("duplicate", dup).Msg("voided Quipt shipment")
	return nil
}

// refused reads the package's Quipt order afresh after Quipt refused a write
// with refusal, a permanent error, and reports whether the order holds the
// package in state want already (the write was applied before). o is the
// order read, nil when Quipt refused the read for good (the refusal then
// stands); err is set only when the read failed otherwise, which stops the
// run.
func (r *runner) refused(ctx context.Context, p pkg, orders *quiptOrders, want shipmentState, refusal error) (o *quipt.Order, applied bool, err error) {
	orders.forget(p.orderID)
	o, err = orders.get(ctx, p.orderID)
	switch {
	case err != nil && quipt.IsPermanent(err):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("quipt refused a write for %s (%v); read the order to check it: %w", p.ext, refusal, err)
	}
	if stateOf(o, p.ext) != want {
		return o, false, nil
	}
	p.log.Info().Str("event", "refused_but_applied").AnErr("refusal", refusal).
		Msg("Quipt refused a write it had applied already (a replay): recorded as done")
	return o, true, nil
}

// order reads the package's Quipt order. ok is false when the item was
// dead-lettered because Quipt refused the read (unknown order, ...).
func (r *runner) order(ctx context.Context, p pkg, orders *quiptOrders, eff *jobs.Effects) (*quipt.Order, bool, error) {
	o, err := orders.get(ctx, p.orderID)
	if ok, err := settle(ctx, eff, p.ext, "read Quipt order", err, p.fields); !ok {
		return nil, false, err
	}
	return o, true, nil
}

// voidIfApplied handles a package voided in ShipStation that has no record.
// The Quipt order tells whether it was applied anyway (a run that stopped
// between the write and its record): then it is voided; else it is recorded
// as voided, so that it is never shipped later.
func (r *runner) voidIfApplied(ctx context.Context, p pkg, orders *quiptOrders, eff *jobs.Effects) error {
	o, ok, err := r.order(ctx, p, orders, eff)
	if !ok {
		return err
	}
	return r.voidRead(ctx, p, stateOf(o, p.ext), orders, eff)
}

// voidRead voids a package voided in ShipStation and without a record, in
// the Quipt state a fresh read found. Absent from Quipt is final only once
// WRITE_SETTLE has passed since the void: a ship sent before the void
// (by this run's label pass, or a replica that lost its lease) may still be
// held on the wire and land after the read, and a package recorded voided
// would then stay live in Quipt for good. Until then the package is left
// without a record; the void window, which re-reads CursorOverlap (longer
// than WRITE_SETTLE's default), lists it again.
func (r *runner) voidRead(ctx context.Context, p pkg, st shipmentState, orders *quiptOrders, eff *jobs.Effects) error {
	if st == shipmentAbsent && r.Env.Clock().Sub(p.voidedAt) < r.Env.Settle() {
		eff.Skip("skipped_settling")
		p.log.Info().Str("event", "void_settling").Time("voided_at", p.voidedAt).
			Msg("voided in ShipStation, not in Quipt: a ship sent before the void may still land; decided once WRITE_SETTLE has passed")
		return nil
	}
	return r.voidState(ctx, p, st, orders, eff)
}

// voidState voids a package voided in ShipStation whose Quipt state is known.
func (r *runner) voidState(ctx context.Context, p pkg, st shipmentState, orders *quiptOrders, eff *jobs.Effects) error {
	if st == shipmentLive {
		return r.void(ctx, p, orders, eff)
	}
	eff.Record(jobs.NSPackages, p.ext, packageVoided)
	eff.Skip("skipped_voided")
	p.log.Info().Str("event", "void_not_applied").Bool("in_quipt", st == shipmentVoided).
		Msg("package voided in ShipStation before it was applied: nothing to void")
	return nil
}
