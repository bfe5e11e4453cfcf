package synctracking

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/mapping"
)

// voidedShipments reads the labels voided in the void window and voids the
// Quipt shipments made from them.
func (r *runner) voidedShipments(ctx context.Context) (bool, error) {
	return r.shipmentPass(ctx, CursorShipmentsVoided,
		func(w *jobs.Window) shipstation.ShipmentListOptions {
			return shipstation.ShipmentListOptions{VoidDateStart: w.Start, VoidDateEnd: w.End}
		},
		func(sh *shipstation.Shipment) time.Time { return sh.VoidDate.Time })
}

// createdShipments reads the labels created in the create window and makes a
// Quipt shipment of each live one. Labels voided meanwhile are handled as in
// the void pass.
func (r *runner) createdShipments(ctx context.Context) (bool, error) {
	return r.shipmentPass(ctx, CursorShipmentsCreated,
		func(w *jobs.Window) shipstation.ShipmentListOptions {
			return shipstation.ShipmentListOptions{CreateDateStart: w.Start, CreateDateEnd: w.End, IncludeShipmentItems: true}
		},
		func(sh *shipstation.Shipment) time.Time { return sh.CreateDate.Time })
}

// shipmentPass walks one window of /shipments and advances its cursor when
// every page was handled. It reports false when it stopped early for a
// shutdown.
func (r *runner) shipmentPass(ctx context.Context, cursor string, opts func(*jobs.Window) shipstation.ShipmentListOptions, stamp func(*shipstation.Shipment) time.Time) (bool, error) {
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
	orders := newQuiptOrders(r.Env.Quipt)
	for _, l := range labels {
		rec := applied[l.ext]
		var err error
		switch {
		case rec == packageVoided || (rec == packageShipped && !l.sh.Voided):
			r.sum.Skipped++
			r.sum.Add("skipped_applied", 1)
		case parked[l.ext]:
			r.sum.Skipped++
			r.sum.Add("skipped_parked", 1)
		case rec == packageShipped:
			err = r.void(ctx, l.pkg, orders, kv)
		case l.sh.Voided:
			err = r.voidIfApplied(ctx, l.pkg, orders, kv)
		default:
			err = r.shipLabel(ctx, l, orders, kv)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// shipLabel makes the Quipt shipment of a live label, or dead-letters the
// label when it cannot be expressed in Quipt's terms.
func (r *runner) shipLabel(ctx context.Context, l label, orders *quiptOrders, kv map[string]string) error {
	carrier, ok := mapping.ParseCarrier(l.sh.CarrierCode)
	if !ok {
		return r.Env.DeadLetter(ctx, r.run, r.sum, l.ext, fmt.Sprintf("unknown carrier %q", l.sh.CarrierCode), l.fields)
	}
	lines, reason, err := r.labelLines(ctx, l, orders)
	if err != nil {
		return err
	}
	if reason != "" {
		return r.Env.DeadLetter(ctx, r.run, r.sum, l.ext, reason, l.fields)
	}
	return r.ship(ctx, l.pkg, quipt.ShipRequest{
		OrderID:            l.orderID,
		ExternalShipmentID: l.ext,
		TrackingNumber:     l.sh.TrackingNumber,
		CarrierCode:        carrier.QuiptCode(),
		CarrierMethod:      l.sh.ServiceCode,
		ShipDate:           shipDate(l.sh.ShipDate, l.sh.CreateDate),
		Lines:              lines,
	}, orders, kv)
}

// labelLines maps the label's items to Quipt order lines: by lineItemKey,
// which push-orders sets to the Quipt line Id, else by SKU against the Quipt
// order's lines (read only when needed). Adjustment items are not goods. A
// non-empty reason says why the label cannot be mapped.
func (r *runner) labelLines(ctx context.Context, l label, orders *quiptOrders) (_ []quipt.LineQuantity, reason string, _ error) {
	var lines []quipt.LineQuantity
	var o *quipt.Order
	for _, it := range l.sh.ShipmentItems {
		if it.Adjustment || it.Quantity <= 0 {
			continue
		}
		if it.LineItemKey != "" {
			lines = addLine(lines, it.LineItemKey, it.Quantity)
			continue
		}
		if o == nil {
			var err error
			if o, err = orders.get(ctx, l.orderID); err != nil {
				if quipt.IsPermanent(err) {
					return nil, "match items by SKU: " + err.Error(), nil
				}
				return nil, "", err
			}
		}
		id := lineBySKU(o, it.SKU)
		if id == "" {
			return nil, fmt.Sprintf("item %q (SKU %q) matches no line of Quipt order %s", it.Name, it.SKU, l.orderID), nil
		}
		lines = addLine(lines, id, it.Quantity)
	}
	if len(lines) == 0 {
		return nil, "label carries no shippable items", nil
	}
	return lines, "", nil
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
