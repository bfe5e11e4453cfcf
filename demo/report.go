package demo

import (
	"fmt"
	"strings"
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
	var left []string
	for _, o := range w.ShipStation.Orders() {
		if o.UserID == nil {
			left = append(left, o.OrderNumber)
		}
	}
	add("get-orders", "not imported (outside the 7-day window, not awaiting shipment, pushed by shipsync, or dead-lettered): %s", strings.Join(left, ", "))
	return out
}
