package synctracking

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

func pacificDay(t time.Time) string {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		panic(err)
	}
	return t.In(loc).Format(time.DateOnly)
}

func TestOneQuiptShipmentPerLivePackageThenNothing(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	// A ships in two packages; it also gets a return label.
	qa, a := pushed(t, w, "A-two-packages", line{"CASE", 2}, line{"CABLE", 1})
	la1 := w.SS.CreateLabel(a.OrderID, []sst.ShipmentItem{{LineItemKey: new("l1")}}, "ups_walleted", "ups_ground")
	la2 := w.SS.CreateLabel(a.OrderID, nil, "stamps_com", "usps_priority_mail")
	w.SS.AddReturnLabel(a.OrderID)
	// B's items carry no lineItemKey: lines are matched by SKU.
	qb, b := addPushed(w, "B-by-sku", true, line{"MUG", 1}, line{"LID", 3})
	linked(t, w, map[int64]string{b.OrderID: qb.ID})
	lb := w.SS.CreateLabel(b.OrderID, nil, "fedex", "fedex_ground")
	// D's label has lost its orderKey: push-orders' link names the order.
	qd, d := pushed(t, w, "D-no-key", line{"PEN", 1})
	ld := w.SS.AddShipment(sst.Shipment{OrderID: d.OrderID, CarrierCode: "ups", ServiceCode: "ups_ground",
		TrackingNumber: "1ZD0001", ShipDate: now, ShipmentItems: []sst.ShipmentItem{{LineItemKey: new("l1"), SKU: "PEN", Quantity: 1}}})
	// C was not pushed by shipsync.
	c := w.SS.AddOrder(sst.Order{OrderNumber: "C-not-ours", OrderKey: "amazon-778", Items: []sst.OrderItem{{SKU: "X", Quantity: 1}}})
	w.SS.CreateLabel(c.OrderID, nil, "ups", "ups_ground")

	job := newJob(w)
	run(t, w, job)

	want := map[string]map[string]quipttest.Shipment{
		qa.ID: {
			labelKey(la1): {ExternalShipmentID: labelKey(la1), TrackingNumber: la1.TrackingNumber, CarrierCode: "UPS", CarrierMethod: "ups_ground",
				ShipDate: pacificDay(la1.ShipDate), Lines: []quipttest.LineQuantity{{LineID: "l1", Quantity: 2}}},
			labelKey(la2): {ExternalShipmentID: labelKey(la2), TrackingNumber: la2.TrackingNumber, CarrierCode: "USPS", CarrierMethod: "usps_priority_mail",
				ShipDate: pacificDay(la2.ShipDate), Lines: []quipttest.LineQuantity{{LineID: "l2", Quantity: 1}}},
		},
		qb.ID: {
			labelKey(lb): {ExternalShipmentID: labelKey(lb), TrackingNumber: lb.TrackingNumber, CarrierCode: "FDX", CarrierMethod: "fedex_ground",
				ShipDate: pacificDay(lb.ShipDate), Lines: []quipttest.LineQuantity{{LineID: "l1", Quantity: 1}, {LineID: "l2", Quantity: 3}}},
		},
		qd.ID: {
			labelKey(ld): {ExternalShipmentID: labelKey(ld), TrackingNumber: "1ZD0001", CarrierCode: "UPS", CarrierMethod: "ups_ground",
				ShipDate: pacificDay(now), Lines: []quipttest.LineQuantity{{LineID: "l1", Quantity: 1}}},
		},
	}
	for qid, wantShipments := range want {
		got := shipments(t, w, qid)
		for k, sh := range got {
			sh.ID = ""
			got[k] = sh
		}
		if diff := cmp.Diff(wantShipments, got); diff != "" {
			t.Errorf("Quipt order %s shipments (-want +got):\n%s", qid, diff)
		}
		if o, _ := w.Q.FulfillmentOrder(qid); o.Status != 8 {
			t.Errorf("Quipt order %s status = %d, want 8 (shipped)", qid, o.Status)
		}
	}
	if n := len(writes(w, shipEndpoint)); n != 4 {
		t.Errorf("Quipt ship writes = %d, want 4 (one per live package)", n)
	}
	sum := w.Log.LastSummary()
	if sum["created"] != 4.0 || sum["skipped_return_label"] != 1.0 || sum["skipped_not_ours"] != 1.0 || sum["dead_lettered"] != 0.0 {
		t.Errorf("summary = %v, want created 4, one return label and one foreign label skipped", sum)
	}
	if sum["shipstation_calls"] != 3.0 {
		t.Errorf("shipstation_calls = %v, want 3 (void list, create list, fulfillment list)", sum["shipstation_calls"])
	}

	before := len(w.Q.Writes())
	run(t, w, job)
	if n := len(w.Q.Writes()) - before; n != 0 {
		t.Errorf("second run made %d Quipt writes, want 0", n)
	}
	if sum := w.Log.LastSummary(); sum["created"] != 0.0 || sum["updated"] != 0.0 {
		t.Errorf("second run summary = %v, want nothing created or updated", sum)
	}
}

func TestVoidAndRelabel(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	clock := w.InjectClock()
	qa, a := pushed(t, w, "A-relabel", line{"CASE", 1})
	la1 := w.SS.CreateLabel(a.OrderID, nil, "ups", "ups_ground")
	job := newJob(w)
	run(t, w, job)
	if got := keys(shipments(t, w, qa.ID)); !slices.Equal(got, []string{labelKey(la1)}) {
		t.Fatalf("after run 1 Quipt holds %v, want only %s", got, labelKey(la1))
	}

	// A's label is voided and replaced; B's first label is voided before
	// shipsync ever saw it.
	w.SS.VoidLabel(la1.ShipmentID)
	la2 := w.SS.CreateLabel(a.OrderID, nil, "ups", "ups_ground")
	qb, b := pushed(t, w, "B-voided-unseen", line{"MUG", 2})
	lb1 := w.SS.CreateLabel(b.OrderID, nil, "fedex", "fedex_ground")
	w.SS.VoidLabel(lb1.ShipmentID)
	lb2 := w.SS.CreateLabel(b.OrderID, nil, "fedex", "fedex_2day")
	before := len(w.Q.Writes())
	run(t, w, job)

	var got []string
	for _, wr := range w.Q.Writes()[before:] {
		got = append(got, wr.Endpoint+" "+wr.Key)
	}
	want := []string{voidEndpoint + " " + labelKey(la1), shipEndpoint + " " + labelKey(la2), shipEndpoint + " " + labelKey(lb2)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("run 2 Quipt writes (-want +got):\n%s", diff)
	}
	sa := shipments(t, w, qa.ID)
	if !sa[labelKey(la1)].Voided || sa[labelKey(la2)].Voided || len(sa) != 2 {
		t.Errorf("order A shipments = %+v, want %s voided and %s live", sa, labelKey(la1), labelKey(la2))
	}
	if sb := shipments(t, w, qb.ID); len(sb) != 1 || sb[labelKey(lb2)].CarrierMethod != "fedex_2day" {
		t.Errorf("order B shipments = %+v, want only the live %s", sb, labelKey(lb2))
	}
	rec, err := w.Store.Records(context.Background(), jobs.NSPackages, []string{labelKey(la1), labelKey(lb1), labelKey(lb2)})
	if err != nil {
		t.Fatal(err)
	}
	// lb1 is absent from Quipt, but a ship sent before its void could still
	// land: it is decided only once WRITE_SETTLE has passed since the void.
	if rec[labelKey(la1)] != packageVoided || rec[labelKey(lb1)] != "" || rec[labelKey(lb2)] != packageShipped {
		t.Errorf("package records = %v, want %s voided, %s none yet, %s shipped", rec, labelKey(la1), labelKey(lb1), labelKey(lb2))
	}

	clock.Advance(w.Env.Settle() + time.Minute)
	before = len(w.Q.Writes())
	run(t, w, job)
	if n := len(w.Q.Writes()) - before; n != 0 {
		t.Errorf("third run made %d Quipt writes, want 0", n)
	}
	rec, err = w.Store.Records(context.Background(), jobs.NSPackages, []string{labelKey(lb1)})
	if err != nil {
		t.Fatal(err)
	}
	if rec[labelKey(lb1)] != packageVoided {
		t.Errorf("after WRITE_SETTLE %s is recorded %q, want %q", labelKey(lb1), rec[labelKey(lb1)], packageVoided)
	}
}

// TestShipLandingAfterTheVoidIsVoided: a label's ship is held on the wire;
// the label is voided and the void pass finds nothing in Quipt; then the held
// ship lands. Once WRITE_SETTLE has passed, the void is decided on a fresh
// read and the late package is voided, not left live.
func TestShipLandingAfterTheVoidIsVoided(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	clock := w.InjectClock()
	qa, a := pushed(t, w, "A-late", line{"CASE", 1})
	la := w.SS.CreateLabel(a.OrderID, nil, "ups", "ups_ground")
	w.SS.VoidLabel(la.ShipmentID)
	run(t, w, newJob(w))
	if len(shipments(t, w, qa.ID)) != 0 {
		t.Fatalf("Quipt holds a shipment of a label voided before it was seen")
	}
	// The ship of a replica that listed the label before its void lands now.
	if _, err := w.Quipt.FulfillmentOrders.Ship(context.Background(), quiptShip(qa.ID, labelKey(la))); err != nil {
		t.Fatal(err)
	}
	clock.Advance(w.Env.Settle() + time.Minute)
	run(t, w, newJob(w))
	if sh := shipments(t, w, qa.ID)[labelKey(la)]; !sh.Voided {
		t.Errorf("the late package %s of a voided label is live in Quipt", labelKey(la))
	}
}

// TestVoidOfAPackageAppliedWithoutRecord covers a run that stopped between
// the Quipt write and its record: the void must still reach Quipt.
func TestVoidOfAPackageAppliedWithoutRecord(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	qa, a := pushed(t, w, "A", line{"CASE", 1})
	la := w.SS.CreateLabel(a.OrderID, nil, "ups", "ups_ground")
	// Quipt has the shipment, shipsync has no record of it.
	if _, err := w.Quipt.FulfillmentOrders.Ship(context.Background(), quiptShip(qa.ID, labelKey(la))); err != nil {
		t.Fatal(err)
	}
	w.SS.VoidLabel(la.ShipmentID)
	run(t, w, newJob(w))
	if sh := shipments(t, w, qa.ID)[labelKey(la)]; !sh.Voided {
		t.Errorf("Quipt shipment %s not voided", labelKey(la))
	}
}

func TestBadInputIsDeadLetteredAndTheRestProceeds(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	_, a := pushed(t, w, "A-ontrac", line{"CASE", 1})
	la := w.SS.CreateLabel(a.OrderID, nil, "ontrac", "ground")
	_, b := pushed(t, w, "B-unknown-sku", line{"CASE", 1})
	lb := w.SS.AddShipment(sst.Shipment{OrderID: b.OrderID, OrderKey: b.OrderKey, CarrierCode: "ups", ServiceCode: "ups_ground",
		TrackingNumber: "1ZB", ShipDate: now, ShipmentItems: []sst.ShipmentItem{{SKU: "NOPE", Name: "Stranger", Quantity: 1}}})
	qc, c := pushed(t, w, "C-refused", line{"CASE", 1})
	lc := w.SS.CreateLabel(c.OrderID, nil, "ups", "ups_ground")
	qd, d := pushed(t, w, "D-fine", line{"CASE", 1})
	ld := w.SS.CreateLabel(d.OrderID, nil, "ups", "ups_ground")
	w.SS.AddRawShipment(json.RawMessage(`{"shipmentId": 999001, "createDate": "yesterday-ish", "orderKey": "quipt:zzz"}`))
	w.Q.FailNext(shipEndpoint, 1, 400) // C's ship, the first one sent

	job := newJob(w)
	run(t, w, job)
	dls := deadLetters(t, w)
	for id, want := range map[string]string{
		labelKey(la):                  "unknown carrier",
		labelKey(lb):                  "matches no line",
		labelKey(lc):                  "quipt refused the shipment",
		"shipstation-shipment:999001": "malformed shipstation shipment",
	} {
		if !strings.Contains(dls[id], want) {
			t.Errorf("dead letter %s = %q, want it to mention %q", id, dls[id], want)
		}
	}
	if len(dls) != 4 {
		t.Errorf("dead letters = %v, want 4", dls)
	}
	if _, ok := shipments(t, w, qd.ID)[labelKey(ld)]; !ok {
		t.Error("the good label was not shipped")
	}

	// Parked packages are not tried again; a retried one is.
	before := len(w.Q.Writes())
	run(t, w, job)
	if n := len(w.Q.Writes()) - before; n != 0 {
		t.Errorf("second run made %d Quipt writes, want 0", n)
	}
	if ok, err := w.Store.RetryDeadLetter(context.Background(), jobs.NameSyncTracking, labelKey(lc)); !ok || err != nil {
		t.Fatalf("retry: %v %v", ok, err)
	}
	run(t, w, job)
	if _, ok := shipments(t, w, qc.ID)[labelKey(lc)]; !ok {
		t.Error("the retried label was not shipped")
	}
}

// TestMalformedItemsAreDeadLetteredOnce: a malformed label and a malformed
// fulfillment are dead-lettered by the first run; the second run, which has
// nothing new to do, writes no dead letter and counts them skipped.
func TestMalformedItemsAreDeadLetteredOnce(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	w.SS.AddRawShipment(json.RawMessage(`{"shipmentId": 999001, "createDate": "yesterday-ish", "orderKey": "quipt:zzz"}`))
	w.SS.AddRawFulfillment(json.RawMessage(`{"fulfillmentId": 888001, "orderId": "not-a-number"}`))
	job := newJob(w)
	run(t, w, job)
	run(t, w, job)

	dls := w.DeadLetters(t, jobs.NameSyncTracking)
	for _, id := range []string{"shipstation-shipment:999001", "shipstation-fulfillment:888001"} {
		if d, ok := dls[id]; !ok || d.Attempts != 1 || !strings.HasPrefix(d.Reason, "malformed ") {
			t.Errorf("dead letter %s = %+v (present %v), want one attempt", id, d, ok)
		}
	}
	if len(dls) != 2 {
		t.Errorf("dead letters = %v, want 2", keys(dls))
	}
	// The sandbox lists the raw label in both /shipments passes (void and create).
	if s := w.Log.LastSummary(); s["dead_lettered"] != 0.0 || s["skipped_parked"] != 3.0 {
		t.Errorf("second summary = %v, want dead_lettered 0 and skipped_parked 3", s)
	}
}
