package synctracking

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/mapping"
)

// voidedShipments reads the labels voided in the void window and voids the
// Quipt shipments made from them. Labels that are not voided are left to the
// create pass, whatever the list returned (a server that ignores
// voidDateStart lists every label, without items).
func (r *runner) voidedShipments(ctx context.Context) (bool, error) {
	return r.shipmentPass(ctx, CursorShipmentsVoided, true,
		func(w *jobs.Window) shipstation.ShipmentListOptions {
			return shipstation.ShipmentListOptions{VoidDateStart: w.Start, VoidDateEnd: w.End}
		},
		func(sh *shipstation.Shipment) time.Time { return sh.VoidDate.Time })
}

// createdShipments reads the labels created in the create window and makes a
// Quipt shipment of each live one. Labels voided meanwhile are handled as in
// the void pass.
func (r *runner) createdShipments(ctx context.Context) (bool, error) {
	return r.shipmentPass(ctx, CursorShipmentsCreated, false,
		func(w *jobs.Window) shipstation.ShipmentListOptions {
			return shipstation.ShipmentListOptions{CreateDateStart: w.Start, CreateDateEnd: w.End, IncludeShipmentItems: true}
		},
		func(sh *shipstation.Shipment) time.Time { return sh.CreateDate.Time })
}

// shipmentPass walks one window of /shipments and advances its cursor when
// every page was handled; with voidsOnly it handles only voided labels. It
// reports false when it stopped early for a shutdown.
func (r *runner) shipmentPass(ctx context.Context, cursor string, voidsOnly bool, opts func(*jobs.Window) shipstation.ShipmentListOptions, stamp func(*shipstation.Shipment) time.Time) (bool, error) {
	w, err := r.openWindow(ctx, cursor)
	if err != nil {
		return false, err
	}
	for page, err := range r.Env.ShipStation.Shipments.Pages(ctx, opts(w)) {
		if err != nil {
			return false, fmt.Errorf("list ShipStation shipments (%s): %w", cursor, err)
		}
		for i := range page.Items {
			w.See(stamp(&page.Items[i]))
		}
		if voidsOnly {
			page.Items = slices.DeleteFunc(page.Items, func(sh shipstation.Shipment) bool { return !sh.Voided })
		}
		if err := r.shipmentPage(ctx, page); err != nil {
			return false, err
		}
		if r.run.Stopping() {
			return false, nil
		}
	}
	return true, r.closeWindow(ctx, w)
}

// label is a shipment of an order shipsync pushed.
type label struct {
	sh *shipstation.Shipment
	pkg
}

// shipmentPage handles one page: one Redis round trip for the package
// records and dead letters (and one before it for the links of shipments
// without an orderKey, if any), the Quipt writes, and one fenced write of the
// page's records.
func (r *runner) shipmentPage(ctx context.Context, page *shipstation.Page[shipstation.Shipment]) error {
	if err := r.Env.DeadLetterInvalid(ctx, r.run, r.sum, jobs.InvalidShipStation(jobs.KindShipStationShipment, page.Page, page.Invalid)); err != nil {
		return err
	}
	labels, err := r.ownLabels(ctx, page.Items)
	if err != nil || len(labels) == 0 {
		return err
	}
	exts := make([]string, len(labels))
	for i, l := range labels {
		exts[i] = l.ext
	}
	applied, parked, err := r.lookup(ctx, jobs.NSPackages, exts, nil)
	if err != nil {
		return err
	}
	kv := map[string]string{}
	err = r.applyLabels(ctx, labels, applied, parked, kv)
	return r.record(ctx, jobs.NSPackages, kv, err)
}

// ownLabels keeps the outbound labels of orders shipsync pushed, with their
// Quipt order Id: from the orderKey quipt:<id>, or, for a label whose
// orderKey is missing, from push-orders' link of its orderId.
func (r *runner) ownLabels(ctx context.Context, items []shipstation.Shipment) ([]label, error) {
	var unkeyed []string
	for i := range items {
		if sh := &items[i]; sh.OrderKey == "" && sh.OrderID != 0 {
			unkeyed = append(unkeyed, strconv.FormatInt(sh.OrderID, 10))
		}
	}
	var links map[string]string
	if len(unkeyed) > 0 {
		var err error
		if links, err = r.Env.Store.Records(ctx, jobs.NSShipStationOrder, unkeyed); err != nil {
			return nil, fmt.Errorf("read order links: %w", err)
		}
	}
	var out []label
	for i := range items {
		sh := &items[i]
		r.sum.Seen++
		qid, own := strings.CutPrefix(sh.OrderKey, jobs.PushedKeyPrefix)
		if sh.OrderKey == "" {
			qid = links[strconv.FormatInt(sh.OrderID, 10)]
			own = qid != ""
		}
		switch {
		case sh.IsReturnLabel:
			r.sum.Skipped++
			r.sum.Add("skipped_return_label", 1)
		case !own || qid == "":
			r.sum.Skipped++
			r.sum.Add("skipped_not_ours", 1)
		default:
			ext := labelKeyPrefix + strconv.FormatInt(sh.ShipmentID, 10)
			out = append(out, label{sh: sh, pkg: r.newPkg(ext, qid, map[string]any{
				"shipment_id": sh.ShipmentID, "ss_order_id": sh.OrderID, "order_key": sh.OrderKey,
			})})
		}
	}
	return out, nil
}

// applyLabels decides and applies each label of a page, noting records in kv.
func (r *runner) applyLabels(ctx context.Context, labels []label, applied map[string]string, parked map[string]bool, kv map[string]string) error {
	reads := &pageReads{orders: newQuiptOrders(r.Env.Quipt), labels: map[int64][]shipstation.Shipment{}}
	for _, l := range labels {
		rec := applied[l.ext]
		var err error
		switch {
		case rec == packageVoided || (rec != "" && !l.sh.Voided):
			r.sum.Skipped++
			r.sum.Add("skipped_applied", 1)
		case parked[l.ext]:
			r.sum.Skipped++
			r.sum.Add("skipped_parked", 1)
		case rec == packageShipped:
			err = r.void(ctx, l.pkg, reads.orders, kv)
		case rec == packageNothingToShip:
			err = r.voidState(ctx, l.pkg, shipmentAbsent, reads.orders, kv)
		case l.sh.Voided:
			err = r.voidIfApplied(ctx, l.pkg, reads.orders, kv)
		default:
			err = r.shipLabel(ctx, l, reads, kv)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// pageReads holds what one page of labels read besides the list: Quipt
// orders, and the labels of ShipStation orders listed again with their items.
type pageReads struct {
	orders *quiptOrders
	labels map[int64][]shipstation.Shipment
}

// orderLabels lists the labels of ShipStation order id with their items, at
// most once per page. A label listed without items (a server that does not
// honour includeShipmentItems on the window's list) is looked up there.
func (r *runner) orderLabels(ctx context.Context, reads *pageReads, id int64) ([]shipstation.Shipment, error) {
	if ls, ok := reads.labels[id]; ok {
		return ls, nil
	}
	var out []shipstation.Shipment
	for page, err := range r.Env.ShipStation.Shipments.Pages(ctx, shipstation.ShipmentListOptions{OrderID: id, IncludeShipmentItems: true}) {
		if err != nil {
			return nil, fmt.Errorf("list the labels of ShipStation order %d: %w", id, err)
		}
		for _, sh := range page.Items {
			if sh.OrderID == id { // whatever the server does with the filter
				out = append(out, sh)
			}
		}
	}
	reads.labels[id] = out
	return out, nil
}

// labelPlan is what to do with a live label without a record.
type labelPlan struct {
	lines []quipt.LineQuantity
	// reason, when set, says why the label cannot be applied: dead letter.
	reason string
	// held is the state of the label's shipment in Quipt when the order was
	// read and holds it (a run stopped between the write and its record).
	held shipmentState
	// trusted is true when lines are the lineItemKeys of items as listed,
	// not checked against the Quipt order (it was not read).
	trusted bool
	items   []shipstation.OrderItem
}

// shipLabel makes the Quipt shipment of a live label, or dead-letters the
// label when it cannot be expressed in Quipt's terms.
func (r *runner) shipLabel(ctx context.Context, l label, reads *pageReads, kv map[string]string) error {
	carrier, ok := mapping.ParseCarrierText(l.sh.CarrierCode)
	if !ok {
		return r.Env.DeadLetter(ctx, r.run, r.sum, l.ext, fmt.Sprintf("unknown carrier %q", l.sh.CarrierCode), l.fields)
	}
	plan, err := r.planLabel(ctx, l, reads)
	if err != nil {
		return err
	}
	switch {
	case plan.reason != "":
		return r.Env.DeadLetter(ctx, r.run, r.sum, l.ext, plan.reason, l.fields)
	case plan.held == shipmentLive:
		kv[l.ext] = packageShipped
		r.sum.Skipped++
		r.sum.Add("already_applied", 1)
		l.log.Info().Str("event", "already_shipped").Msg("Quipt holds this label's shipment already")
		return nil
	case plan.held == shipmentVoided:
		// Voided in Quipt by someone else: never ship it again.
		kv[l.ext] = packageVoided
		r.sum.Skipped++
		r.sum.Add("skipped_voided", 1)
		return nil
	case len(plan.lines) == 0:
		kv[l.ext] = packageNothingToShip
		r.sum.Skipped++
		r.sum.Add("nothing_to_ship", 1)
		l.log.Info().Str("event", "nothing_to_ship").Msg("label without items: every line of the Quipt order is shipped already")
		return nil
	}
	var remap func(*quipt.Order) []quipt.LineQuantity
	if plan.trusted {
		remap = func(o *quipt.Order) []quipt.LineQuantity {
			lines, reason := allocate(o, plan.items)
			if reason != "" {
				return nil
			}
			return lines
		}
	}
	return r.ship(ctx, l.pkg, quipt.ShipRequest{
		OrderID:            l.orderID,
		ExternalShipmentID: l.ext,
		TrackingNumber:     l.sh.TrackingNumber,
		CarrierCode:        carrier.QuiptCode(),
		CarrierMethod:      l.sh.ServiceCode,
		ShipDate:           shipDate(l.sh.ShipDate, l.sh.CreateDate),
		Lines:              plan.lines,
	}, reads.orders, kv, remap)
}

// planLabel maps the label's items to Quipt order lines.
//
// An item's lineItemKey is the Quipt line Id push-orders sent, unless
// ShipStation or a person changed it: when every item has one and the Quipt
// order was not read in this page, the keys are sent as they are (no read
// for the ordinary label), and ship checks them against the order only if
// Quipt refuses them. Otherwise the order is read once and each key is
// checked against its line Ids; an item whose key is not one of them is
// matched by SKU, over the lines of that SKU by what each has left to ship.
//
// A label listed without items is looked up again in its order's labels,
// listed with their items. When it has none there either, it ships what the
// Quipt order has left to ship, as a fulfillment does, provided that is
// unambiguous: the order's other live labels that Quipt does not hold yet all
// carry items (their lines are left to them). Several live labels without
// items cannot be told apart: the label is dead-lettered.
func (r *runner) planLabel(ctx context.Context, l label, reads *pageReads) (labelPlan, error) {
	items := goods(l.sh.ShipmentItems)
	var others []shipstation.Shipment // the order's other live labels, when listed again
	itemless := len(items) == 0
	if itemless && l.sh.OrderID == 0 {
		return labelPlan{reason: "label carries no items and names no ShipStation order whose labels could say which lines it ships"}, nil
	}
	if itemless {
		all, err := r.orderLabels(ctx, reads, l.sh.OrderID)
		if err != nil {
			if shipstation.IsPermanent(err) {
				return labelPlan{reason: "label listed without items: " + err.Error()}, nil
			}
			return labelPlan{}, err
		}
		for _, sh := range all {
			switch {
			case sh.ShipmentID == l.sh.ShipmentID:
				items = goods(sh.ShipmentItems)
			case !sh.Voided && !sh.IsReturnLabel:
				others = append(others, sh)
			}
		}
		itemless = len(items) == 0
	}
	if !itemless && allKeyed(items) && !reads.orders.has(l.orderID) {
		var lines []quipt.LineQuantity
		for _, it := range items {
			lines = addLine(lines, it.LineItemKey, it.Quantity)
		}
		return labelPlan{lines: lines, trusted: true, items: items}, nil
	}

	o, err := reads.orders.get(ctx, l.orderID)
	if err != nil {
		if quipt.IsPermanent(err) {
			return labelPlan{reason: "read Quipt order: " + err.Error()}, nil
		}
		return labelPlan{}, err
	}
	if st := stateOf(o, l.ext); st != shipmentAbsent {
		return labelPlan{held: st}, nil
	}
	if !itemless {
		lines, reason := allocate(o, items)
		return labelPlan{lines: lines, reason: reason}, nil
	}

	// No items anywhere: what is left to ship, less what the order's other
	// live labels not in Quipt yet carry.
	a := newAllocation(o)
	var blind []string
	for _, sh := range others {
		if stateOf(o, labelKeyPrefix+strconv.FormatInt(sh.ShipmentID, 10)) != shipmentAbsent {
			continue // in Quipt: its lines are shipped already
		}
		g := goods(sh.ShipmentItems)
		if len(g) == 0 {
			blind = append(blind, strconv.FormatInt(sh.ShipmentID, 10))
			continue
		}
		for _, it := range g {
			if reason := a.item(it); reason != "" {
				return labelPlan{reason: fmt.Sprintf("label carries no items, and the items of label %d of the same order cannot be placed: %s", sh.ShipmentID, reason)}, nil
			}
		}
	}
	if len(blind) > 0 {
		return labelPlan{reason: fmt.Sprintf("label carries no items, nor do the order's other live labels %s: cannot tell which lines each ships",
			strings.Join(blind, ", "))}, nil
	}
	return labelPlan{lines: a.rest()}, nil
}

// allocate maps items to the lines of o (see allocation.item); reason says
// why they cannot be.
func allocate(o *quipt.Order, items []shipstation.OrderItem) (_ []quipt.LineQuantity, reason string) {
	a := newAllocation(o)
	// Items whose key names a line first, so that SKU matching spreads the
	// others over what those leave.
	for _, it := range items {
		if a.isLine(it.LineItemKey) {
			a.take(it.LineItemKey, it.Quantity)
		}
	}
	for _, it := range items {
		if a.isLine(it.LineItemKey) {
			continue
		}
		if reason := a.item(it); reason != "" {
			return nil, reason
		}
	}
	if len(a.lines) == 0 {
		return nil, "label carries no shippable items"
	}
	return a.lines, ""
}

// goods returns the items that are goods: not adjustments, with a quantity.
func goods(items []shipstation.OrderItem) []shipstation.OrderItem {
	var out []shipstation.OrderItem
	for _, it := range items {
		if !it.Adjustment && it.Quantity > 0 {
			out = append(out, it)
		}
	}
	return out
}

// allKeyed reports whether every item names its line with a lineItemKey.
func allKeyed(items []shipstation.OrderItem) bool {
	for _, it := range items {
		if it.LineItemKey == "" {
			return false
		}
	}
	return true
}

// shipDate is the package's ship date as Quipt wants it (yyyy-mm-dd, the
// Pacific calendar day), falling back to the day it was created.
func shipDate(d shipstation.Date, created shipstation.Time) string {
	t := d.Time
	if t.IsZero() {
		t = created.Time
	}
	if t.IsZero() {
		return ""
	}
	return t.In(shipstation.Pacific()).Format(time.DateOnly)
}
