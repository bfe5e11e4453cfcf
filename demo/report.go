package demo

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
)

// Line is one fact of the demo's closing report.
type Line struct {
	Job  string
	Text string
}

// Report reads back from the sandboxes what the daemon moved.
func (w *World) Report() []Line {
	var r report
	w.reportImports(&r)
	w.reportPushes(&r)
	w.reportStaffWork(&r)
	return r
}

// report collects the lines of Report.
type report []Line

// add appends a line of job's.
func (r *report) add(job, format string, args ...any) {
	*r = append(*r, Line{Job: job, Text: fmt.Sprintf(format, args...)})
}

// reportImports reports get-orders: the purchase orders it created, the
// assignments, and the orders it left alone.
func (w *World) reportImports(r *report) {
	pos := w.Quipt.PurchaseOrders()
	r.add("get-orders", "%d ShipStation orders became Quipt purchase orders", len(pos))
	for _, po := range pos {
		r.add("get-orders", "  %-9s %-22s requested %-30q → %s %s", po.OrderNumber, value(po.PartnerReference),
			po.Shipping.RequestedMethod, value(po.Shipping.CarrierCode), value(po.Shipping.CarrierMethod))
	}
	calls := w.ShipStation.AssignUserCalls()
	assigned := 0
	for _, c := range calls {
		assigned += len(c.OrderIDs)
	}
	r.add("get-orders", "%d orders assigned to a ShipStation user in %d assignuser call(s)", assigned, len(calls))
	var left, own []string
	for _, o := range w.ShipStation.Orders() {
		switch {
		case strings.HasPrefix(o.OrderKey, "quipt:"):
			own = append(own, o.OrderNumber)
		case o.UserID == nil:
			left = append(left, o.OrderNumber)
		}
	}
	r.add("get-orders", "not imported (outside the 7-day window, not awaiting shipment, or dead-lettered): %s", strings.Join(left, ", "))
	r.add("get-orders", "never imported back, since shipsync pushed them (orderKey quipt:…): %s", strings.Join(own, ", "))
}

// reportPushes reports push-orders: the orders it created in ShipStation
// and their acknowledgements in Quipt.
func (w *World) reportPushes(r *report) {
	var pushed []sst.Order
	for _, o := range w.ShipStation.Orders() {
		if strings.HasPrefix(o.OrderKey, "quipt:") && o.OrderNumber != "Q-100231" {
			pushed = append(pushed, o)
		}
	}
	r.add("push-orders", "%d Quipt orders were pushed to ShipStation in %d createorders call(s)", len(pushed), len(w.ShipStation.CreateOrdersCalls()))
	for _, o := range pushed {
		qo, _ := w.Quipt.FulfillmentOrder(strings.TrimPrefix(o.OrderKey, "quipt:"))
		r.add("push-orders", "  %-7s store %d warehouse %d  %s %s, acknowledged in Quipt %d time(s)",
			o.OrderNumber, value(o.AdvancedOptions.StoreID), value(o.AdvancedOptions.WarehouseID),
			value(o.CarrierCode), value(o.ServiceCode), len(w.Quipt.Acknowledgements(qo.ID)))
	}
}

// reportStaffWork reports what sync-cancels and sync-tracking carried into
// Quipt of the simulated staff's work in ShipStation, and the orders
// marked shipped in ShipStation after Quipt shipped them.
func (w *World) reportStaffWork(r *report) {
	w.staff.mu.Lock()
	defer w.staff.mu.Unlock()
	for _, ssID := range slices.Sorted(maps.Keys(w.staff.handled)) {
		what := w.staff.handled[ssID]
		o, _ := w.ShipStation.Order(ssID)
		qo, _ := w.Quipt.FulfillmentOrder(strings.TrimPrefix(o.OrderKey, "quipt:"))
		if what == "cancelled" {
			for _, c := range qo.Cancellations {
				r.add("sync-cancels", "  %-7s cancelled in ShipStation → %s cancel in Quipt (status %d, sub-status %d)", o.OrderNumber, c.Type, qo.Status, qo.SubStatus)
			}
			continue
		}
		for _, sh := range qo.Shipments {
			state := "live"
			if sh.Voided {
				state = "voided"
			}
			r.add("sync-tracking", "  %-7s %s in ShipStation → Quipt package %s %s %s (%s)", o.OrderNumber, what, sh.ExternalShipmentID, sh.CarrierCode, sh.TrackingNumber, state)
		}
	}
	for _, call := range w.ShipStation.MarkAsShippedCalls() {
		r.add("sync-tracking", "  ShipStation order %d marked shipped (%s %s) after Quipt shipped its purchase order", call.OrderID, call.CarrierCode, call.TrackingNumber)
	}
}

// value is *p, or T's zero value when p is nil.
func value[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
