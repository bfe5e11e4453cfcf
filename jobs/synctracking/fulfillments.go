package synctracking

import (
	"context"
	"fmt"
	"strconv"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/mapping"
)

// fulfillments reads the fulfillments created in the window (orders marked
// shipped in ShipStation, or shipped by a fulfilment provider) and ships, in
// Quipt, every line of the order that no live shipment carries yet.
//
// /fulfillments has no void-date filter: a fulfillment voided after its
// creation left the window is not seen again, so its Quipt shipment stays.
func (r *runner) fulfillments(ctx context.Context) (bool, error) {
	w, err := r.openWindow(ctx, CursorFulfillmentsCreate)
	if err != nil {
		return false, err
	}
	opts := shipstation.FulfillmentListOptions{CreateDateStart: w.Start, CreateDateEnd: w.End}
	for page, err := range r.Env.ShipStation.Fulfillments.Pages(ctx, opts) {
		if err != nil {
			return false, fmt.Errorf("list ShipStation fulfillments: %w", err)
		}
		for i := range page.Items {
			w.See(page.Items[i].CreateDate.Time)
		}
		if err := r.fulfillmentPage(ctx, page); err != nil {
			return false, err
		}
		if r.run.Stopping() {
			return false, nil
		}
	}
	return true, r.closeWindow(ctx, w)
}

// fulfillment is a fulfillment of an order shipsync pushed.
type fulfillment struct {
	f *shipstation.Fulfillment
	pkg
}

// fulfillmentPage handles one page with two Redis round trips (the order
// links, then the package records and dead letters of the fulfillments of
// orders shipsync pushed) and one fenced write of its records.
func (r *runner) fulfillmentPage(ctx context.Context, page *shipstation.Page[shipstation.Fulfillment]) error {
	if err := r.Env.DeadLetterInvalid(ctx, r.run, r.sum, jobs.InvalidShipStation(jobs.KindShipStationFulfillment, page.Page, page.Invalid)); err != nil {
		return err
	}
	own, err := r.ownFulfillments(ctx, page.Items)
	if err != nil || len(own) == 0 {
		return err
	}
	exts := make([]string, len(own))
	for i, f := range own {
		exts[i] = f.ext
	}
	applied, parked, err := r.lookup(ctx, jobs.NSPackages, exts, nil)
	if err != nil {
		return err
	}
	kv := map[string]string{}
	err = r.applyFulfillments(ctx, own, applied, parked, kv)
	return r.record(ctx, jobs.NSPackages, kv, err)
}

// ownFulfillments keeps the fulfillments of orders push-orders sent, found
// through its link from ShipStation orderId to Quipt order Id. Fulfillments of
// other orders (get-orders' imports among them: their mark-as-shipped is this
// job's own doing) are skipped.
func (r *runner) ownFulfillments(ctx context.Context, items []shipstation.Fulfillment) ([]fulfillment, error) {
	ids := make([]string, 0, len(items))
	for i := range items {
		if items[i].OrderID != 0 {
			ids = append(ids, strconv.FormatInt(items[i].OrderID, 10))
		}
	}
	var links map[string]string
	if len(ids) > 0 {
		var err error
		if links, err = r.Env.Store.Records(ctx, jobs.NSShipStationOrder, ids); err != nil {
			return nil, fmt.Errorf("read order links: %w", err)
		}
	}
	var out []fulfillment
	for i := range items {
		f := &items[i]
		r.sum.Seen++
		qid := links[strconv.FormatInt(f.OrderID, 10)]
		if qid == "" {
			r.sum.Skipped++
			r.sum.Add("skipped_not_ours", 1)
			continue
		}
		ext := fulfillmentKeyPrefix + strconv.FormatInt(f.FulfillmentID, 10)
		out = append(out, fulfillment{f: f, pkg: r.newPkg(ext, qid, map[string]any{
			"fulfillment_id": f.FulfillmentID, "ss_order_id": f.OrderID,
		})})
	}
	return out, nil
}

// applyFulfillments decides and applies each fulfillment, noting records in kv.
func (r *runner) applyFulfillments(ctx context.Context, own []fulfillment, applied map[string]string, parked map[string]bool, kv map[string]string) error {
	orders := newQuiptOrders(r.Env.Quipt)
	for _, f := range own {
		rec := applied[f.ext]
		var err error
		switch {
		case rec == packageVoided || (rec != "" && !f.f.Voided):
			r.sum.Skipped++
			r.sum.Add("skipped_applied", 1)
		case parked[f.ext]:
			r.sum.Skipped++
			r.sum.Add("skipped_parked", 1)
		case rec == packageShipped:
			err = r.void(ctx, f.pkg, orders, kv)
		case rec == packageNothingToShip:
			err = r.voidState(ctx, f.pkg, shipmentAbsent, orders, kv)
		default:
			err = r.newFulfillment(ctx, f, orders, kv)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// newFulfillment handles a fulfillment without a record. The Quipt order,
// read first, says whether it was applied already (a run stopped between the
// write and its record) and which quantities are still unshipped.
func (r *runner) newFulfillment(ctx context.Context, f fulfillment, orders *quiptOrders, kv map[string]string) error {
	o, ok, err := r.order(ctx, f.pkg, orders)
	if !ok {
		return err
	}
	st := stateOf(o, f.ext)
	switch {
	case f.f.Voided:
		return r.voidState(ctx, f.pkg, st, orders, kv)
	case st == shipmentLive:
		kv[f.ext] = packageShipped
		r.sum.Skipped++
		r.sum.Add("already_applied", 1)
		f.log.Info().Str("event", "already_shipped").Msg("Quipt holds this fulfillment's shipment already")
		return nil
	case st == shipmentVoided:
		// Voided in Quipt by someone else: never ship it again.
		kv[f.ext] = packageVoided
		r.sum.Skipped++
		r.sum.Add("skipped_voided", 1)
		return nil
	}

	lines := jobs.Unshipped(o)
	if len(lines) == 0 {
		kv[f.ext] = packageNothingToShip
		r.sum.Skipped++
		r.sum.Add("nothing_to_ship", 1)
		f.log.Info().Str("event", "nothing_to_ship").Msg("every line of the Quipt order is shipped already")
		return nil
	}
	carrier, reason, err := r.fulfillmentCarrier(ctx, f, o)
	if err != nil {
		return err
	}
	if reason != "" {
		return r.Env.DeadLetter(ctx, r.run, r.sum, f.ext, reason, f.fields)
	}
	return r.ship(ctx, f.pkg, quipt.ShipRequest{
		OrderID:            f.orderID,
		ExternalShipmentID: f.ext,
		TrackingNumber:     f.f.TrackingNumber,
		CarrierCode:        carrier.QuiptCode(),
		CarrierMethod:      f.f.FulfillmentServiceCode,
		ShipDate:           shipDate(f.f.ShipDate, f.f.CreateDate),
		Lines:              lines,
	}, orders, kv, nil)
}

// fulfillmentCarrier finds the carrier of a fulfillment. Its carrierCode is
// free text as entered (docs/shipstation-api.md §4.3: "USPS", "FedEx Ground",
// or nothing), read with mapping.ParseCarrierText. When that names no known
// carrier, the carrier of the order is taken: the ShipStation order's
// carrierCode (read only then), else the Quipt order's Shipping.CarrierCode.
// reason is set when none of them names a carrier; err when the ShipStation
// order could not be read for a reason other than a permanent refusal.
func (r *runner) fulfillmentCarrier(ctx context.Context, f fulfillment, o *quipt.Order) (_ mapping.Carrier, reason string, _ error) {
	if c, ok := mapping.ParseCarrierText(f.f.CarrierCode); ok {
		return c, "", nil
	}
	ssCarrier := ""
	so, err := r.Env.ShipStation.Orders.Get(ctx, f.f.OrderID)
	switch {
	case err == nil:
		ssCarrier = jobs.Value(so.CarrierCode)
		if c, ok := mapping.ParseCarrierText(ssCarrier); ok {
			r.carrierFallback(f, c, "shipstation_order", ssCarrier)
			return c, "", nil
		}
	case !shipstation.IsPermanent(err):
		return "", "", fmt.Errorf("read ShipStation order %d for the carrier of %s: %w", f.f.OrderID, f.ext, err)
	default:
		f.log.Warn().Err(err).Msg("could not read the ShipStation order for the fulfillment's carrier")
	}
	qCarrier := jobs.Value(o.Shipping.CarrierCode)
	if c, ok := mapping.ParseCarrierText(qCarrier); ok {
		r.carrierFallback(f, c, "quipt_order", qCarrier)
		return c, "", nil
	}
	return "", fmt.Sprintf("unknown carrier %q, and neither the ShipStation order (carrier %q) nor the Quipt order (carrier %q) names one",
		f.f.CarrierCode, ssCarrier, qCarrier), nil
}

// carrierFallback logs the carrier taken from the order for a fulfillment
// whose own carrierCode names none.
func (r *runner) carrierFallback(f fulfillment, c mapping.Carrier, source, text string) {
	r.sum.Add("carrier_from_order", 1)
	f.log.Info().Str("event", "carrier_from_order").Str("fulfillment_carrier", f.f.CarrierCode).
		Str("source", source).Str("order_carrier", text).Str("carrier", string(c)).
		Msg("fulfillment names no known carrier: the order's carrier is used")
}
