package synctracking

import (
	"context"

	"github.com/shipsync/shipsync/connector/quipt"
)

// ship adds the package to its Quipt order and notes the record in kv. Quipt
// is idempotent on the ExternalShipmentId, so an attempt whose answer was lost
// is repeated safely and answered as a duplicate.
func (r *runner) ship(ctx context.Context, p pkg, req quipt.ShipRequest, orders *quiptOrders, kv map[string]string) error {
	ev := p.log.Info().Str("tracking_number", req.TrackingNumber).Str("carrier", req.CarrierCode).
		Str("service", req.CarrierMethod).Str("ship_date", req.ShipDate).Int("lines", len(req.Lines))
	if r.Env.DryRun {
		ev.Str("event", "would_ship").Msg("dry run: would add Quipt shipment")
		kv[p.ext] = packageShipped
		r.sum.Created++
		r.sum.Add("shipped", 1)
		return nil
	}
	dup, err := r.Env.Quipt.Ship(ctx, req)
	if ok, err := r.settle(ctx, p.ext, "quipt refused the shipment", err, p.fields); !ok {
		return err
	}
	orders.forget(p.orderID)
	kv[p.ext] = packageShipped
	r.sum.Created++
	r.sum.Add("shipped", 1)
	if dup {
		r.sum.Add("already_applied", 1)
	}
	ev.Str("event", "shipped").Bool("duplicate", dup).Msg("added Quipt shipment")
	return nil
}

// void voids the package's Quipt shipment and notes the record in kv.
func (r *runner) void(ctx context.Context, p pkg, orders *quiptOrders, kv map[string]string) error {
	if r.Env.DryRun {
		p.log.Info().Str("event", "would_void").Msg("dry run: would void Quipt shipment")
		kv[p.ext] = packageVoided
		r.sum.Updated++
		r.sum.Add("voided", 1)
		return nil
	}
	dup, err := r.Env.Quipt.VoidShipment(ctx, quipt.VoidRequest{OrderID: p.orderID, ExternalShipmentID: p.ext})
	if ok, err := r.settle(ctx, p.ext, "quipt refused the void", err, p.fields); !ok {
		return err
	}
	orders.forget(p.orderID)
	kv[p.ext] = packageVoided
	r.sum.Updated++
	r.sum.Add("voided", 1)
	if dup {
		r.sum.Add("already_applied", 1)
	}
	p.log.Info().Str("event", "voided").Bool("duplicate", dup).Msg("voided Quipt shipment")
	return nil
}

// order reads the package's Quipt order. ok is false when the item was
// dead-lettered because Quipt refused the read (unknown order, ...).
func (r *runner) order(ctx context.Context, p pkg, orders *quiptOrders) (*quipt.Order, bool, error) {
	o, err := orders.get(ctx, p.orderID)
	if ok, err := r.settle(ctx, p.ext, "read Quipt order", err, p.fields); !ok {
		return nil, false, err
	}
	return o, true, nil
}

// voidIfApplied handles a package voided in ShipStation that has no record.
// The Quipt order tells whether it was applied anyway (a run that stopped
// between the write and its record): then it is voided; else it is recorded
// as voided, so that it is never shipped later.
func (r *runner) voidIfApplied(ctx context.Context, p pkg, orders *quiptOrders, kv map[string]string) error {
	o, ok, err := r.order(ctx, p, orders)
	if !ok {
		return err
	}
	return r.voidState(ctx, p, stateOf(o, p.ext), orders, kv)
}

// voidState voids a package voided in ShipStation whose Quipt state is known.
func (r *runner) voidState(ctx context.Context, p pkg, st shipmentState, orders *quiptOrders, kv map[string]string) error {
	if st == shipmentLive {
		return r.void(ctx, p, orders, kv)
	}
	kv[p.ext] = packageVoided
	r.sum.Skipped++
	r.sum.Add("skipped_voided", 1)
	p.log.Info().Str("event", "void_not_applied").Bool("in_quipt", st == shipmentVoided).
		Msg("package voided in ShipStation before it was applied: nothing to void")
	return nil
}
