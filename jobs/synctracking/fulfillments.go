package synctracking

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/mapping"
)

// fulfillments is the pass over the fulfillments created in the window
// (orders marked shipped in ShipStation, or shipped by a fulfilment
// provider): it ships, in Quipt, every line of the order that no live
// shipment carries yet. Each page goes through packagePage with a
// fulfillmentPage handler.
//
// /fulfillments has no void-date filter: a fulfillment voided after its
// creation left the window is not seen again, so its Quipt shipment stays.
func (r *runner) fulfillments() jobs.CursorPass[shipstation.Fulfillment] {
	return jobs.CursorPass[shipstation.Fulfillment]{
		Cursor:   CursorFulfillmentsCreate,
		Lookback: r.lookback(),
		List:     "list ShipStation fulfillments",
		Pages: func(ctx context.Context, w *jobs.Window) iter.Seq2[*shipstation.Page[shipstation.Fulfillment], error] {
			return r.Env.ShipStation.Fulfillments.Pages(ctx, shipstation.FulfillmentListOptions{CreateDateStart: w.Start, CreateDateEnd: w.End})
		},
		Stamp: func(f *shipstation.Fulfillment) time.Time { return f.CreateDate.Time },
		Page: func(ctx context.Context, page *shipstation.Page[shipstation.Fulfillment]) error {
			invalid := jobs.InvalidShipStation(jobs.KindShipStationFulfillment, page.Page, page.Invalid)
			return packagePage(ctx, r, page.Items, invalid, fulfilledOrders(page.Items), r.fulfillmentPage,
				func(f fulfillment) string { return f.orderID })
		},
	}
}

// fulfilledOrders returns the ShipStation orderIds of the fulfillments: their
// push-orders links tell which are shipsync's.
func fulfilledOrders(items []shipstation.Fulfillment) []string {
	ids := make([]string, 0, len(items))
	for i := range items {
		if items[i].OrderID != 0 {
			ids = append(ids, strconv.FormatInt(items[i].OrderID, 10))
		}
	}
	return ids
}

// fulfillment is a fulfillment of an order shipsync pushed.
type fulfillment struct {
	f *shipstation.Fulfillment
	pkg
}

// fulfillmentPage is the jobs.PageHandler of one page of fulfillments: it
// keeps the fulfillments of orders push-orders sent, and ships, voids or
// records each from its jobs.NSPackages record and its Quipt order, read at
// most once per page.
type fulfillmentPage struct {
	*runner
	links  map[string]string
	orders *quiptOrders
}

// fulfillmentPage makes the handler of one page of fulfillments, whose
// orders have the push-orders links links.
func (r *runner) fulfillmentPage(links map[string]string) jobs.PageHandler[shipstation.Fulfillment, fulfillment] {
	return &fulfillmentPage{runner: r, links: links, orders: newQuiptOrders(r.Env.Quipt)}
}

// Pick keeps the fulfillments of orders push-orders sent, found through its
// link from ShipStation orderId to Quipt order Id. Fulfillments of other
// orders (get-orders' imports among them: their mark-as-shipped is this
// job's own doing) are skipped.
func (h *fulfillmentPage) Pick(f shipstation.Fulfillment) (fulfillment, jobs.Key, string) {
	qid := orderLink(h.links, f.OrderID)
	if qid == "" {
		return fulfillment{}, jobs.Key{}, "skipped_not_ours"
	}
	ext := FulfillmentKeyPrefix + strconv.FormatInt(f.FulfillmentID, 10)
	return fulfillment{f: &f, pkg: h.newPkg(ext, qid, f.Voided, f.VoidDate.Time, map[string]any{
		"fulfillment_id": f.FulfillmentID, "ss_order_id": f.OrderID,
	})}, jobs.Key{ID: ext, Related: qid}, ""
}

// Settled skips a fulfillment applied already (settledPackage).
func (h *fulfillmentPage) Settled(f fulfillment, known *jobs.Known) string {
	return settledPackage(f.pkg, known)
}

// Apply voids what a voided fulfillment applied, and applies a fulfillment
// without a record (newFulfillment).
func (h *fulfillmentPage) Apply(ctx context.Context, f fulfillment, known *jobs.Known, eff *jobs.Effects) error {
	f.pkg = withAcceptance(f.pkg, known)
	if done, err := h.applyVoid(ctx, f.pkg, known, h.orders, eff); done {
		return err
	}
	return h.newFulfillment(ctx, f, eff)
}

// newFulfillment handles a fulfillment without a record. The Quipt order,
// read first, says whether it was applied already (a run stopped between the
// write and its record) and which quantities are still unshipped.
func (h *fulfillmentPage) newFulfillment(ctx context.Context, f fulfillment, eff *jobs.Effects) error {
	o, ok, err := h.order(ctx, f.pkg, h.orders, eff)
	if !ok {
		return err
	}
	st := stateOf(o, f.ext)
	switch {
	case f.f.Voided:
		return h.voidRead(ctx, f.pkg, st, h.orders, eff)
	case st == shipmentLive:
		eff.Record(jobs.NSPackages, f.ext, packageShipped)
		eff.Skip("already_applied")
		f.log.Info().Str("event", "already_shipped").Msg("Quipt holds this fulfillment's shipment already")
		return nil
	case st == shipmentVoided:
		// Voided in Quipt by someone else: never ship it again.
		eff.Record(jobs.NSPackages, f.ext, packageVoided)
		eff.Skip("skipped_voided")
		return nil
	}

	lines := jobs.Unshipped(o)
	if len(lines) == 0 {
		eff.Record(jobs.NSPackages, f.ext, PackageNothingToShip)
		eff.Skip("nothing_to_ship")
		f.log.Info().Str("event", "nothing_to_ship").Msg("every line of the Quipt order is shipped already")
		return nil
	}
	carrier, reason, err := h.fulfillmentCarrier(ctx, f, o, eff)
	if err != nil {
		return err
	}
	if reason != "" {
		return eff.DeadLetter(ctx, f.ext, reason, f.fields)
	}
	return h.ship(ctx, f.pkg, quipt.ShipRequest{
		OrderID:            f.orderID,
		ExternalShipmentID: f.ext,
		TrackingNumber:     f.f.TrackingNumber,
		CarrierCode:        carrier.QuiptCode(),
		CarrierMethod:      f.f.FulfillmentServiceCode,
		ShipDate:           shipDate(f.f.ShipDate, f.f.CreateDate),
		Lines:              lines,
	}, h.orders, eff, nil)
}

// fulfillmentCarrier finds the carrier of a fulfillment. Its carrierCode is
// free text as entered (docs/shipstation-api.md §4.3: "USPS", "FedEx Ground",
// or nothing), read with mapping.ParseCarrierText. When that names no known
// carrier, the carrier of the order is taken: the ShipStation order's
// carrierCode (read only then), else the Quipt order's Shipping.CarrierCode.
// reason is set when none of them names a carrier; err when the ShipStation
// order could not be read for a reason other than a permanent refusal.
func (h *fulfillmentPage) fulfillmentCarrier(ctx context.Context, f fulfillment, o *quipt.Order, eff *jobs.Effects) (_ mapping.Carrier, reason string, _ error) {
	if c, ok := mapping.ParseCarrierText(f.f.CarrierCode); ok {
		return c, "", nil
	}
	ssCarrier := ""
	so, err := h.Env.ShipStation.Orders.Get(ctx, f.f.OrderID)
	switch {
	case err == nil:
		ssCarrier = jobs.Value(so.CarrierCode)
		if c, ok := mapping.ParseCarrierText(ssCarrier); ok {
			carrierFallback(f, c, "shipstation_order", ssCarrier, eff)
			return c, "", nil
		}
	case !shipstation.IsPermanent(err):
		return "", "", fmt.Errorf("read ShipStation order %d for the carrier of %s: %w", f.f.OrderID, f.ext, err)
	default:
		f.log.Warn().Err(err).Msg("could not read the ShipStation order for the fulfillment's carrier")
	}
	qCarrier := jobs.Value(o.Shipping.CarrierCode)
	if c, ok := mapping.ParseCarrierText(qCarrier); ok {
		carrierFallback(f, c, "quipt_order", qCarrier, eff)
		return c, "", nil
	}
	return "", fmt.Sprintf("unknown carrier %q, and neither the ShipStation order (carrier %q) nor the Quipt order (carrier %q) names one",
		f.f.CarrierCode, ssCarrier, qCarrier), nil
}

// carrierFallback logs the carrier taken from the order for a fulfillment
// whose own carrierCode names none.
func carrierFallback(f fulfillment, c mapping.Carrier, source, text string, eff *jobs.Effects) {
	eff.Add("carrier_from_order", 1)
	f.log.Info().Str("event", "carrier_from_order").Str("fulfillment_carrier", f.f.CarrierCode).
		Str("source", source).Str("order_carrier", text).Str("carrier", string(c)).
		Msg("fulfillment names no known carrier: the order's carrier is used")
}
