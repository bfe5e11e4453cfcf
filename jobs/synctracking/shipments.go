package synctracking

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/mapping"
)

// voidedShipments is the pass over the labels voided in the void window: it
// voids the Quipt shipments made from them. Labels that are not voided are
// left to the create pass, whatever the list returned (a server that ignores
// voidDateStart lists every label, without items).
func (r *runner) voidedShipments() jobs.CursorPass[shipstation.Shipment] {
	return r.shipmentPass(CursorShipmentsVoided, true,
		func(w *jobs.Window) shipstation.ShipmentListOptions {
			return shipstation.ShipmentListOptions{VoidDateStart: w.Start, VoidDateEnd: w.End}
		},
		func(sh *shipstation.Shipment) time.Time { return sh.VoidDate.Time })
}

// createdShipments is the pass over the labels created in the create window:
// it makes a Quipt shipment of each live one. Labels voided meanwhile are
// handled as in the void pass.
func (r *runner) createdShipments() jobs.CursorPass[shipstation.Shipment] {
	return r.shipmentPass(CursorShipmentsCreated, false,
		func(w *jobs.Window) shipstation.ShipmentListOptions {
			return shipstation.ShipmentListOptions{CreateDateStart: w.Start, CreateDateEnd: w.End, IncludeShipmentItems: true}
		},
		func(sh *shipstation.Shipment) time.Time { return sh.CreateDate.Time })
}

// shipmentPass is the cursor pass over one window of /shipments, listed with
// opts and stamped by stamp; with voidsOnly it handles only voided labels.
// Each page goes through packagePage with a labelPage handler.
func (r *runner) shipmentPass(cursor string, voidsOnly bool, opts func(*jobs.Window) shipstation.ShipmentListOptions, stamp func(*shipstation.Shipment) time.Time) jobs.CursorPass[shipstation.Shipment] {
	return jobs.CursorPass[shipstation.Shipment]{
		Cursor:   cursor,
		Lookback: r.lookback(),
		List:     "list ShipStation shipments (" + cursor + ")",
		Pages: func(ctx context.Context, w *jobs.Window) iter.Seq2[*shipstation.Page[shipstation.Shipment], error] {
			return r.Env.ShipStation.Shipments.Pages(ctx, opts(w))
		},
		Stamp: stamp,
		Page: func(ctx context.Context, page *shipstation.Page[shipstation.Shipment]) error {
			items := page.Items
			if voidsOnly {
				items = slices.DeleteFunc(items, func(sh shipstation.Shipment) bool { return !sh.Voided })
			}
			invalid := jobs.InvalidShipStation(jobs.KindShipStationShipment, page.Page, page.Invalid)
			return packagePage(ctx, r, items, invalid, unkeyedOrders(items), r.labelPage,
				func(l label) string { return l.orderID })
		},
	}
}

// unkeyedOrders returns the ShipStation orderIds of the labels that carry no
// orderKey: their push-orders links tell whether they are shipsync's.
func unkeyedOrders(items []shipstation.Shipment) []string {
	var ids []string
	for i := range items {
		if sh := &items[i]; sh.OrderKey == "" && sh.OrderID != 0 {
			ids = append(ids, strconv.FormatInt(sh.OrderID, 10))
		}
	}
	return ids
}

// label is a shipment of an order shipsync pushed.
type label struct {
	sh *shipstation.Shipment
	pkg
}

// labelPage is the jobs.PageHandler of one page of labels: it keeps the
// outbound labels of the orders shipsync pushed, and ships, voids or records
// each from its jobs.NSPackages record and its Quipt order. It holds what the
// page read besides the list: push-orders' links of the labels without an
// orderKey, Quipt orders, and the labels of ShipStation orders listed again
// with their items.
type labelPage struct {
	*runner
	links  map[string]string
	orders *quiptOrders
	mu     sync.Mutex // guards labels
	labels map[int64][]shipstation.Shipment
}

// labelPage makes the handler of one page of labels, whose unkeyed labels
// have the push-orders links links.
func (r *runner) labelPage(links map[string]string) jobs.PageHandler[shipstation.Shipment, label] {
	return &labelPage{runner: r, links: links, orders: newQuiptOrders(r.Env.Quipt), labels: map[int64][]shipstation.Shipment{}}
}

// Pick keeps the outbound labels of orders shipsync pushed, with their Quipt
// order Id: from the orderKey quipt:<id>, or, for a label whose orderKey is
// missing, from push-orders' link of its orderId.
func (h *labelPage) Pick(sh shipstation.Shipment) (label, jobs.Key, string) {
	qid, own := strings.CutPrefix(sh.OrderKey, jobs.PushedKeyPrefix)
	if sh.OrderKey == "" {
		qid = orderLink(h.links, sh.OrderID)
		own = qid != ""
	}
	switch {
	case sh.IsReturnLabel:
		return label{}, jobs.Key{}, "skipped_return_label"
	case !own || qid == "":
		return label{}, jobs.Key{}, "skipped_not_ours"
	}
	ext := LabelKeyPrefix + strconv.FormatInt(sh.ShipmentID, 10)
	return label{sh: &sh, pkg: h.newPkg(ext, qid, sh.Voided, sh.VoidDate.Time, map[string]any{
		"shipment_id": sh.ShipmentID, "ss_order_id": sh.OrderID, "order_key": sh.OrderKey,
	})}, jobs.Key{ID: ext, Related: qid}, ""
}

// Settled skips a label applied already (settledPackage).
func (h *labelPage) Settled(l label, known *jobs.Known) string { return settledPackage(l.pkg, known) }

// Apply voids what a voided label applied, and ships a live label without a
// record.
func (h *labelPage) Apply(ctx context.Context, l label, known *jobs.Known, eff *jobs.Effects) error {
	l.pkg = withAcceptance(l.pkg, known)
	if done, err := h.applyVoid(ctx, l.pkg, known, h.orders, eff); done {
		return err
	}
	if l.sh.Voided {
		return h.voidIfApplied(ctx, l.pkg, h.orders, eff)
	}
	return h.shipLabel(ctx, l, eff)
}

// orderLabels lists the labels of ShipStation order id with their items, at
// most once per page. A label listed without items (a server that does not
// honour includeShipmentItems on the window's list) is looked up there.
func (h *labelPage) orderLabels(ctx context.Context, id int64) ([]shipstation.Shipment, error) {
	h.mu.Lock()
	ls, ok := h.labels[id]
	h.mu.Unlock()
	if ok {
		return ls, nil
	}
	var out []shipstation.Shipment
	for page, err := range h.Env.ShipStation.Shipments.Pages(ctx, shipstation.ShipmentListOptions{OrderID: id, IncludeShipmentItems: true}) {
		if err != nil {
			return nil, fmt.Errorf("list the labels of ShipStation order %d: %w", id, err)
		}
		for _, sh := range page.Items {
			if sh.OrderID == id { // whatever the server does with the filter
				out = append(out, sh)
			}
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.labels[id] = out
	return out, nil
}

// shipLabel makes the Quipt shipment of a live label, or dead-letters the
// label when it cannot be expressed in Quipt's terms.
func (h *labelPage) shipLabel(ctx context.Context, l label, eff *jobs.Effects) error {
	carrier, ok := mapping.ParseCarrierText(l.sh.CarrierCode)
	if !ok {
		return eff.DeadLetter(ctx, l.ext, fmt.Sprintf("unknown carrier %q", l.sh.CarrierCode), l.fields)
	}
	plan, err := h.planLabel(ctx, l)
	if err != nil {
		return err
	}
	switch {
	case plan.reason != "":
		return eff.DeadLetter(ctx, l.ext, plan.reason, l.fields)
	case plan.held == shipmentLive:
		eff.Record(jobs.NSPackages, l.ext, packageShipped)
		eff.Skip("already_applied")
		l.log.Info().Str("event", "already_shipped").Msg("Quipt holds this label's shipment already")
		return nil
	case plan.held == shipmentVoided:
		// Voided in Quipt by someone else: never ship it again.
		eff.Record(jobs.NSPackages, l.ext, packageVoided)
		eff.Skip("skipped_voided")
		return nil
	case len(plan.lines) == 0:
		eff.Record(jobs.NSPackages, l.ext, PackageNothingToShip)
		eff.Skip("nothing_to_ship")
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
	return h.ship(ctx, l.pkg, quipt.ShipRequest{
		OrderID:            l.orderID,
		ExternalShipmentID: l.ext,
		TrackingNumber:     l.sh.TrackingNumber,
		CarrierCode:        carrier.QuiptCode(),
		CarrierMethod:      l.sh.ServiceCode,
		ShipDate:           shipDate(l.sh.ShipDate, l.sh.CreateDate),
		Lines:              plan.lines,
	}, h.orders, eff, remap)
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
