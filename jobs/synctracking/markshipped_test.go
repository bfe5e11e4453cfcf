package synctracking

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// imported seeds an order get-orders imported: a ShipStation order and the
// Quipt purchase order made from it, shipped in Quipt with shipments.
func importedOrder(t *testing.T, w *jobstest.World, number string, shipped ...quipttest.Shipment) (sst.Order, quipttest.Order) {
	t.Helper()
	so := w.SS.AddOrder(sst.Order{OrderNumber: number, OrderKey: "amazon-" + number, Items: []sst.OrderItem{{SKU: "CASE", Quantity: 1}}})
	po := w.Q.AddPurchaseOrder(quipttest.Order{OrderNumber: number, PartnerReference: new(jobs.PartnerRefPrefix + strconv.FormatInt(so.OrderID, 10)),
		Lines: []quipttest.Line{{SKU: "CASE", Quantity: 1}}})
	for _, sh := range shipped {
		if err := w.Q.ShipPurchaseOrder(po.ID, sh); err != nil {
			t.Fatal(err)
		}
	}
	return so, po
}

func TestQuiptShipmentsMarkImportedOrdersShipped(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	w.Env.USPSCode = "usps"
	x, _ := importedOrder(t, w, "X", quipttest.Shipment{TrackingNumber: "9400X", CarrierCode: "USPS", CarrierMethod: "usps_priority_mail",
		ShipDate: "2026-06-09", Lines: []quipttest.LineQuantity{{LineID: "l1", Quantity: 1}}})
	y, _ := importedOrder(t, w, "Y",
		quipttest.Shipment{TrackingNumber: "1ZVOID", CarrierCode: "UPS", ShipDate: "2026-06-08", Voided: true},
		quipttest.Shipment{TrackingNumber: "1ZLIVE", CarrierCode: "UPS", ShipDate: "2026-06-09", Lines: []quipttest.LineQuantity{{LineID: "l1", Quantity: 1}}})
	z, _ := importedOrder(t, w, "Z", quipttest.Shipment{TrackingNumber: "1ZZ", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	w.SS.CancelOrder(z.OrderID)
	other := w.Q.AddPurchaseOrder(quipttest.Order{OrderNumber: "O", PartnerReference: new("other-system:1"), Lines: []quipttest.Line{{SKU: "CASE", Quantity: 1}}})
	if err := w.Q.ShipPurchaseOrder(other.ID, quipttest.Shipment{TrackingNumber: "1ZO", CarrierCode: "UPS"}); err != nil {
		t.Fatal(err)
	}
	job := newJob(w)
	run(t, w, job)

	want := []sst.MarkAsShippedCall{
		{OrderID: x.OrderID, CarrierCode: "usps", ShipDate: "2026-06-09", TrackingNumber: "9400X", NotifyCustomer: true, NotifySalesChannel: false},
		{OrderID: y.OrderID, CarrierCode: "ups", ShipDate: "2026-06-09", TrackingNumber: "1ZLIVE", NotifyCustomer: true, NotifySalesChannel: false},
	}
	if diff := cmp.Diff(want, w.SS.MarkAsShippedCalls()); diff != "" {
		t.Errorf("markasshipped calls (-want +got):\n%s", diff)
	}
	key := markKeyPrefix + strconv.FormatInt(z.OrderID, 10)
	if reason := deadLetters(t, w)[key]; !strings.Contains(reason, "cancelled") {
		t.Errorf("dead letter %s = %q, want the cancelled order", key, reason)
	}

	// The fulfillments markasshipped created are not shipped back to Quipt,
	// and nothing is marked again.
	posts := w.SS.Count("POST", "/orders/markasshipped")
	run(t, w, job)
	if n := w.SS.Count("POST", "/orders/markasshipped"); n != posts {
		t.Errorf("second run sent markasshipped %d more times", n-posts)
	}
	if n := len(w.Q.Writes()); n != 0 {
		t.Errorf("Quipt writes = %d, want 0", n)
	}
}

func TestMarkAsShippedWithLostAnswersAppliesOnce(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	x, _ := importedOrder(t, w, "X", quipttest.Shipment{TrackingNumber: "1ZX", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	// The first attempt fails before it is applied, the second is applied
	// but its answer is lost: both leave the outcome unknown.
	w.SS.FailNext("/orders/markasshipped", 1, 500)
	w.SS.DropAfterApply("/orders/markasshipped", 1)
	job := newJob(w)
	run(t, w, job)
	if n := w.SS.MarkAsShippedCount(x.OrderID); n != 1 {
		t.Fatalf("order marked shipped %d times, want 1", n)
	}
	if n := w.SS.Count("POST", "/orders/markasshipped"); n != 2 {
		t.Errorf("markasshipped requests = %d, want 2 (one not applied, one applied with its answer lost)", n)
	}
	rec, err := w.Store.Records(context.Background(), jobs.NSMarkedShipped, []string{strconv.FormatInt(x.OrderID, 10)})
	if err != nil || rec[strconv.FormatInt(x.OrderID, 10)] != "1ZX" {
		t.Errorf("mark-as-shipped record = %v, %v; want the tracking number", rec, err)
	}

	posts := w.SS.Count("POST", "/orders/markasshipped")
	run(t, w, job)
	if n := w.SS.Count("POST", "/orders/markasshipped") - posts; n != 0 {
		t.Errorf("second run sent markasshipped %d times, want 0", n)
	}
	if n := len(w.Q.Writes()); n != 0 {
		t.Errorf("Quipt writes = %d, want 0", n)
	}
}

// TestMarkAsShippedOfAnOrderShippedMeanwhile covers a run that stopped after
// markasshipped took effect but before its record: ShipStation now refuses
// the order as not open, and reading it shows it shipped.
func TestMarkAsShippedOfAnOrderShippedMeanwhile(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	x, _ := importedOrder(t, w, "X", quipttest.Shipment{TrackingNumber: "1ZX", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	w.SS.AddFulfillment(sst.Fulfillment{OrderID: x.OrderID, CarrierCode: "ups", TrackingNumber: "1ZX"})
	run(t, w, newJob(w))
	if n := w.SS.MarkAsShippedCount(x.OrderID); n != 0 {
		t.Errorf("applied markasshipped calls = %d, want 0", n)
	}
	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Errorf("dead letters = %v, want none", dls)
	}
	if sum := w.Log.LastSummary(); sum["already_shipped"] != 1.0 {
		t.Errorf("summary = %v, want already_shipped 1", sum)
	}
}
