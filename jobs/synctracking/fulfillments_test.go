package synctracking

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

func TestFulfillmentShipsTheUnshippedLines(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	qa, a := pushed(t, w, "A-partial", line{"CASE", 2}, line{"CABLE", 1})
	la := w.SS.CreateLabel(a.OrderID, []sst.ShipmentItem{{LineItemKey: new("l1")}}, "ups", "ups_ground")
	qb, b := pushed(t, w, "B-all-labelled", line{"CASE", 1})
	w.SS.CreateLabel(b.OrderID, nil, "ups", "ups_ground")
	foreign := w.SS.AddOrder(sst.Order{OrderNumber: "F-imported", OrderKey: "amazon-1", Items: []sst.OrderItem{{SKU: "X", Quantity: 1}}})
	job := newJob(w)
	run(t, w, job)

	fa := w.SS.AddFulfillment(sst.Fulfillment{OrderID: a.OrderID, CarrierCode: "FedEx", TrackingNumber: "771234567890"})
	fb := w.SS.AddFulfillment(sst.Fulfillment{OrderID: b.OrderID, CarrierCode: "USPS", TrackingNumber: "9400111"})
	w.SS.AddFulfillment(sst.Fulfillment{OrderID: foreign.OrderID, CarrierCode: "UPS", TrackingNumber: "1ZF"})
	before := len(w.Q.Writes())
	run(t, w, job)

	if n := len(w.Q.Writes()) - before; n != 1 {
		t.Errorf("run 2 made %d Quipt writes, want 1 (A's fulfillment)", n)
	}
	got := shipments(t, w, qa.ID)[fulfillmentKey(fa)]
	got.ID = ""
	want := quipttest.Shipment{ExternalShipmentID: fulfillmentKey(fa), TrackingNumber: "771234567890", CarrierCode: "FDX",
		ShipDate: pacificDay(fa.ShipDate), Lines: []quipttest.LineQuantity{{LineID: "l2", Quantity: 1}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("A's fulfillment shipment (-want +got):\n%s", diff)
	}
	if _, ok := shipments(t, w, qa.ID)[labelKey(la)]; !ok {
		t.Errorf("A lost its label shipment")
	}
	if n := len(shipments(t, w, qb.ID)); n != 1 {
		t.Errorf("B holds %d shipments, want only its label's", n)
	}
	rec, err := w.Store.Records(context.Background(), jobs.NSPackages, []string{fulfillmentKey(fa), fulfillmentKey(fb)})
	if err != nil {
		t.Fatal(err)
	}
	if rec[fulfillmentKey(fa)] != packageShipped || rec[fulfillmentKey(fb)] != PackageNothingToShip {
		t.Errorf("fulfillment records = %v", rec)
	}

	before = len(w.Q.Writes())
	run(t, w, job)
	if n := len(w.Q.Writes()) - before; n != 0 {
		t.Errorf("run 3 made %d Quipt writes, want 0", n)
	}
}

func TestVoidedFulfillmentIsVoidedInQuipt(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	qa, a := pushed(t, w, "A", line{"CASE", 1})
	f := w.SS.AddFulfillment(sst.Fulfillment{OrderID: a.OrderID, CarrierCode: "UPS", TrackingNumber: "1ZA"})
	job := newJob(w)
	run(t, w, job)
	if sh, ok := shipments(t, w, qa.ID)[fulfillmentKey(f)]; !ok || sh.CarrierCode != "UPS" {
		t.Fatalf("fulfillment not shipped: %+v", sh)
	}
	// ShipStation's sandbox has no operator action voiding a fulfillment:
	// replay it as voided.
	f.Voided, f.VoidDate = true, now
	w.SS.AddFulfillment(f)
	run(t, w, job)
	if !shipments(t, w, qa.ID)[fulfillmentKey(f)].Voided {
		t.Error("voided fulfillment's Quipt shipment is still live")
	}
	if n := len(writes(w, voidEndpoint)); n != 1 {
		t.Errorf("void writes = %d, want 1", n)
	}
}
