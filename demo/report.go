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
	var out []Line
	add := func(job, format string, args ...any) {
		out = append(out, Line{Job: job, Text: fmt.Sprintf(format, args...)})
	}

	pos := w.Quipt.PurchaseOrders()
	add("get-orders", "%d ShipStation orders became Quipt purchase orders", len(pos))
	for _, po := range pos {
		carrier, method := "", ""
		if po.Shipping.CarrierCode != nil {
			carrier = *po.Shipping.CarrierCode
		}
		if po.Shipping.CarrierMethod != nil {
			method = *po.Shipping.CarrierMethod
		}
		ref := ""
		if po.PartnerReference != nil {
			ref = *po.PartnerReference
		}
		add("get-orders", "  %-9s %-22s requested %-30q → %s %s", po.OrderNumber, ref, po.Shipping.RequestedMethod, carrier, method)
	}
	calls := w.ShipStation.AssignUserCalls()
	assigned := 0
	for _, c := range calls {
		assigned += len(c.OrderIDs)
	}
	add("get-orders", "%d orders assigned to a ShipStation user in %d assignuser call(s)", assigned, len(calls))
	var left, own []string
	for _, o := range w.ShipStation.Orders() {
		switch {
		case strings.HasPrefix(o.OrderKey, "quipt:"):
			own = append(own, o.OrderNumber)
		case o.UserID == nil:
			left = append(left, o.OrderNumber)
		}
	}
	add("get-orders", "not imported (outside the 7-day window, not awaiting shipment, or dead-lettered): %s", strings.Join(left, ", "))
	add("get-orders", "never imported back, since shipsync pushed them (orderKey quipt:…): %s", strings.Join(own, ", "))

	var pushed []sst.Order
	for _, o := range w.ShipStation.Orders() {
		if strings.HasPrefix(o.OrderKey, "quipt:") && o.OrderNumber != "Q-100231" {
			pushed = append(pushed, o)
		}
	}
	add("push-orders", "%d Quipt orders were pushed to ShipStation in %d createorders call(s)", len(pushed), len(w.ShipStation.CreateOrdersCalls()))
	for _, o := range pushed {
		qo, _ := w.Quipt.FulfillmentOrder(strings.TrimPrefix(o.OrderKey, "quipt:"))
		add("push-orders", "  %-7s store %d warehouse %d  %s %s, acknowledged in Quipt %d time(s)",
			o.OrderNumber, value(o.AdvancedOptions.StoreID), value(o.AdvancedOptions.WarehouseID),
			value(o.CarrierCode), value(o.ServiceCode), len(w.Quipt.Acknowledgements(qo.ID)))
	}

	w.staff.mu.Lock()
	defer w.staff.mu.Unlock()
	for _, ssID := range slices.Sorted(maps.Keys(w.staff.handled)) {
		what := w.staff.handled[ssID]
		o, _ := w.ShipStation.Order(ssID)
		qo, _ := w.Quipt.FulfillmentOrder(strings.TrimPrefix(o.OrderKey, "quipt:"))
		switch what {
		case "cancelled":
			for _, c := range qo.Cancellations {
				add("sync-cancels", "  %-7s cancelled in ShipStation → %s cancel in Quipt (status %d, sub-status %d)", o.OrderNumber, c.Type, qo.Status, qo.SubStatus)
			}
		default:
			for _, sh := range qo.Shipments {
				state := "live"
				if sh.Voided {
					state = "voided"
				}
				add("sync-tracking", "  %-7s %s in ShipStation → Quipt package %s %s %s (%s)", o.OrderNumber, what, sh.ExternalShipmentID, sh.CarrierCode, sh.TrackingNumber, state)
			}
		}
	}
	for _, call := range w.ShipStation.MarkAsShippedCalls() {
		add("sync-tracking", "  ShipStation order %d marked shipped (%s %s) after Quipt shipped its purchase order", call.OrderID, call.CarrierCode, call.TrackingNumber)
	}
	return out
}

func value[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
