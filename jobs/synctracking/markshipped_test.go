package synctracking

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// importedOrder seeds an order get-orders imported: a ShipStation order, the
// Quipt purchase order made from it, shipped in Quipt with shipments, and
// get-orders' record of the import.
func importedOrder(t *testing.T, w *jobstest.World, number string, shipped ...quipttest.Shipment) (sst.Order, quipttest.Order) {
	t.Helper()
	so, po := unrecordedOrder(t, w, number, shipped...)
	w.PutRecords(t, jobs.NSImported, map[string]string{strconv.FormatInt(so.OrderID, 10): po.ID})
	return so, po
}

// unrecordedOrder is importedOrder without get-orders' record: a purchase
// order whose PartnerReference names a ShipStation order that get-orders did
// not import.
func unrecordedOrder(t *testing.T, w *jobstest.World, number string, shipped ...quipttest.Shipment) (sst.Order, quipttest.Order) {
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
	key := MarkKeyPrefix + strconv.FormatInt(z.OrderID, 10)
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

// TestMarkAsShippedWithLostAnswersAppliesOnce: an attempt whose outcome is
// unknown is not repeated in its run nor before WRITE_SETTLE has passed;
// then a fresh read shows it did not happen and it is sent once more, whose
// answer is lost too but which was applied: the read after the next settle
// finds the order shipped.
func TestMarkAsShippedWithLostAnswersAppliesOnce(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	clock := w.InjectClock()
	x, _ := importedOrder(t, w, "X", quipttest.Shipment{TrackingNumber: "1ZX", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	// The first attempt fails before it is applied, the second is applied
	// but its answer is lost: both leave the outcome unknown.
	w.SS.FailNext("/orders/markasshipped", 1, 500)
	w.SS.DropAfterApply("/orders/markasshipped", 1)
	job := newJob(w)
	run(t, w, job)
	if n, s := w.SS.Count("POST", "/orders/markasshipped"), w.Log.LastSummary(); n != 1 || s["unsettled"] != 1.0 {
		t.Fatalf("markasshipped requests = %d, summary %v; want 1 and unsettled 1 (not repeated in the run)", n, s)
	}
	run(t, w, job)
	if n, s := w.SS.Count("POST", "/orders/markasshipped"), w.Log.LastSummary(); n != 1 || s["skipped_settling"] != 1.0 {
		t.Fatalf("markasshipped requests = %d, summary %v; want 1 and skipped_settling 1 (settling)", n, s)
	}
	clock.Advance(w.Env.Settle() + time.Second)
	run(t, w, job)
	if n := w.SS.MarkAsShippedCount(x.OrderID); n != 1 {
		t.Fatalf("order marked shipped %d times after the settle period, want 1", n)
	}
	clock.Advance(w.Env.Settle() + time.Second)
	run(t, w, job)
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
		t.Errorf("last run sent markasshipped %d times, want 0", n)
	}
	if n := w.SS.MarkAsShippedCount(x.OrderID); n != 1 {
		t.Errorf("order marked shipped %d times, want 1", n)
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

// TestOnlyImportedOrdersAreMarkedShipped: a purchase order whose
// PartnerReference has the shipstation: prefix but names a ShipStation order
// get-orders never imported (no jobs.NSImported record) is not this job's to
// report: it is skipped as not ours, and its ShipStation order is left alone.
func TestOnlyImportedOrdersAreMarkedShipped(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	x, _ := importedOrder(t, w, "X", quipttest.Shipment{TrackingNumber: "1ZX", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	y, _ := unrecordedOrder(t, w, "Y-not-imported", quipttest.Shipment{TrackingNumber: "1ZY", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	run(t, w, newJob(w))

	want := []sst.MarkAsShippedCall{
		{OrderID: x.OrderID, CarrierCode: "ups", ShipDate: "2026-06-09", TrackingNumber: "1ZX", NotifyCustomer: true},
	}
	if diff := cmp.Diff(want, w.SS.MarkAsShippedCalls()); diff != "" {
		t.Errorf("markasshipped calls (-want +got):\n%s", diff)
	}
	if n := w.SS.Count("GET", "/orders/"+strconv.FormatInt(y.OrderID, 10)); n != 0 {
		t.Errorf("read the foreign order %d times, want 0", n)
	}
	if rec := markRecord(t, w, y.OrderID); rec != "" {
		t.Errorf("record of the foreign order = %q, want none", rec)
	}
	if s := w.Log.LastSummary(); s["skipped_not_ours"] != 1.0 || s["marked_shipped"] != 1.0 || s["dead_lettered"] != 0.0 {
		t.Errorf("summary = %v, want one marked, one skipped_not_ours", s)
	}
}

// TestMarkAsShippedShipDateIsADate: Quipt's ShipDate is sent as yyyy-mm-dd
// even when Quipt gives a date-time; a ship date that is not a date is left
// out (ShipStation takes today) rather than failing the order.
func TestMarkAsShippedShipDateIsADate(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	var orders []sst.Order
	for _, d := range []string{"2026-03-03T00:00:00Z", "2026-03-04T17:30:00.123-08:00", "2026-03-05T09:00:00", " 2026-03-06 ", "next Tuesday", ""} {
		so, _ := importedOrder(t, w, "D"+strconv.Itoa(len(orders)), quipttest.Shipment{TrackingNumber: "1Z" + strconv.Itoa(len(orders)), CarrierCode: "UPS", ShipDate: d})
		orders = append(orders, so)
	}
	run(t, w, newJob(w))

	got := map[int64]string{}
	for _, c := range w.SS.MarkAsShippedCalls() {
		got[c.OrderID] = c.ShipDate
	}
	for i, want := range []string{"2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "", ""} {
		sd, ok := got[orders[i].OrderID]
		if !ok || sd != want {
			t.Errorf("order %d: markasshipped shipDate = %q (sent %v), want %q", i, sd, ok, want)
		}
	}
	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Errorf("dead letters = %v, want none", dls)
	}
}
