package synctracking

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/connector/shipstation"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

const orderByIDEndpoint = "/v2/orders/fulfillment/id/{id}"

// lossyShipStation is a ShipStation that does not honour some query
// parameters of GET /shipments: drop(query) removes them from a request
// before the sandbox sees it.
func lossyShipStation(drop func(q map[string][]string)) []shipstation.Option {
	return []shipstation.Option{shipstation.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/shipments") {
			r = r.Clone(r.Context())
			q := r.URL.Query()
			drop(q)
			r.URL.RawQuery = q.Encode()
		}
		return http.DefaultTransport.RoundTrip(r)
	})})}
}

// sortedLines returns a Quipt shipment's lines, sorted by line Id.
func sortedLines(sh quipttest.Shipment) []quipttest.LineQuantity {
	out := slices.Clone(sh.Lines)
	slices.SortFunc(out, func(a, b quipttest.LineQuantity) int { return strings.Compare(a.LineID, b.LineID) })
	return out
}

func wantLines(t *testing.T, w *jobstest.World, qid, ext string, want ...quipttest.LineQuantity) {
	t.Helper()
	sh, ok := shipments(t, w, qid)[ext]
	if !ok {
		t.Errorf("Quipt order %s has no shipment %s (dead letters %v)", qid, ext, deadLetters(t, w))
		return
	}
	if diff := cmp.Diff(want, sortedLines(sh)); diff != "" {
		t.Errorf("lines of %s (-want +got):\n%s", ext, diff)
	}
}

func lq(id string, q int) quipttest.LineQuantity {
	return quipttest.LineQuantity{LineID: id, Quantity: q}
}

// TestLabelsListedWithoutItemsAreReadAgain: a ShipStation that ignores
// includeShipmentItems on the window's list gives labels without items; each
// order's labels are listed again with their items, once per order.
func TestLabelsListedWithoutItemsAreReadAgain(t *testing.T) {
	w := newWorld(t, jobstest.Options{ShipStationOptions: lossyShipStation(func(q map[string][]string) {
		if _, window := q["createDateStart"]; window {
			delete(q, "includeShipmentItems")
		}
	})})
	qa, a := pushed(t, w, "A-two-labels", line{"CASE", 2}, line{"CABLE", 1})
	la1 := w.SS.CreateLabel(a.OrderID, []sst.ShipmentItem{{LineItemKey: new("l1")}}, "ups", "ups_ground")
	la2 := w.SS.CreateLabel(a.OrderID, nil, "ups", "ups_ground")
	qb, b := pushed(t, w, "B", line{"MUG", 1})
	lb := w.SS.CreateLabel(b.OrderID, nil, "fedex", "fedex_ground")
	job := newJob(w)
	run(t, w, job)

	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Fatalf("dead letters = %v, want none", dls)
	}
	wantLines(t, w, qa.ID, labelKey(la1), lq("l1", 2))
	wantLines(t, w, qa.ID, labelKey(la2), lq("l2", 1))
	wantLines(t, w, qb.ID, labelKey(lb), lq("l1", 1))
	if n := w.SS.Count("GET", "/shipments"); n != 4 {
		t.Errorf("GET /shipments = %d, want 4 (void and create windows, then A's and B's labels once each)", n)
	}
	before := len(w.Q.Writes())
	run(t, w, job)
	if n := len(w.Q.Writes()) - before; n != 0 {
		t.Errorf("second run made %d Quipt writes, want 0", n)
	}
}

// TestLabelsWithoutItemsAnywhere: labels whose items are null or empty even
// when asked for. The only live label of an order ships what the order has
// left to ship; a label beside live labels with items ships what those leave;
// several live labels without items are ambiguous and dead-lettered.
func TestLabelsWithoutItemsAnywhere(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	itemless := func(o sst.Order, carrier string, items []sst.ShipmentItem) sst.Shipment {
		return w.SS.AddShipment(sst.Shipment{OrderID: o.OrderID, OrderKey: o.OrderKey, CarrierCode: carrier, ServiceCode: carrier + "_ground",
			TrackingNumber: "TRK-" + o.OrderNumber, ShipDate: now, ShipmentItems: items})
	}
	// C: one label, null items, beside a voided label and a return label.
	qc, c := pushed(t, w, "C-only-label", line{"CASE", 2}, line{"CABLE", 1})
	cVoid := itemless(c, "ups", nil)
	w.SS.VoidLabel(cVoid.ShipmentID)
	w.SS.AddReturnLabel(c.OrderID)
	lc := itemless(c, "ups", []sst.ShipmentItem{})
	// D: two live labels, neither with items.
	_, d := pushed(t, w, "D-two-blind", line{"CASE", 1}, line{"CABLE", 1})
	ld1, ld2 := itemless(d, "ups", nil), itemless(d, "ups", nil)
	// E: one label with items, one without: the second ships the rest.
	qe, e := pushed(t, w, "E-one-blind", line{"CASE", 1}, line{"CABLE", 3})
	le1 := w.SS.CreateLabel(e.OrderID, []sst.ShipmentItem{{LineItemKey: new("l2"), Quantity: 2}}, "fedex", "fedex_ground")
	le2 := itemless(e, "fedex", []sst.ShipmentItem{{SKU: "DISCOUNT", Quantity: 1, Adjustment: true}})
	job := newJob(w)
	run(t, w, job)

	wantLines(t, w, qc.ID, labelKey(lc), lq("l1", 2), lq("l2", 1))
	wantLines(t, w, qe.ID, labelKey(le1), lq("l2", 2))
	wantLines(t, w, qe.ID, labelKey(le2), lq("l1", 1), lq("l2", 1))
	dls := deadLetters(t, w)
	for _, l := range []sst.Shipment{ld1, ld2} {
		if !strings.Contains(dls[labelKey(l)], "cannot tell which lines") {
			t.Errorf("dead letter %s = %q, want the ambiguous case", labelKey(l), dls[labelKey(l)])
		}
	}
	if len(dls) != 2 {
		t.Errorf("dead letters = %v, want D's two labels", dls)
	}

	// F: everything is shipped already when an itemless label shows up.
	qf, f := pushed(t, w, "F-late-blind", line{"CASE", 1})
	lf1 := w.SS.CreateLabel(f.OrderID, nil, "ups", "ups_ground")
	run(t, w, job)
	lf2 := itemless(f, "ups", nil)
	before := len(w.Q.Writes())
	run(t, w, job)
	if n := len(w.Q.Writes()) - before; n != 0 {
		t.Errorf("the runs after the first made %d Quipt writes, want 0", n)
	}
	if got := keys(shipments(t, w, qf.ID)); !slices.Equal(got, []string{labelKey(lf1)}) {
		t.Errorf("F's Quipt shipments = %v, want only %s", got, labelKey(lf1))
	}
	if s := w.Log.LastSummary(); s["nothing_to_ship"] != 1.0 || s["dead_lettered"] != 0.0 {
		t.Errorf("summary = %v, want F's second label nothing_to_ship", s)
	}
	rec, err := w.Store.Records(context.Background(), jobs.NSPackages, []string{labelKey(lf2)})
	if err != nil || rec[labelKey(lf2)] != PackageNothingToShip {
		t.Errorf("record of F's second label = %v, %v; want %s", rec, err, PackageNothingToShip)
	}
}

// TestVoidPassIgnoresLiveLabels: a ShipStation that ignores voidDateStart
// and voidDateEnd lists every label in the void window, without items. The
// void pass must leave the live ones to the create pass: no ship, no dead
// letter, no extra read.
func TestVoidPassIgnoresLiveLabels(t *testing.T) {
	w := newWorld(t, jobstest.Options{ShipStationOptions: lossyShipStation(func(q map[string][]string) {
		delete(q, "voidDateStart")
		delete(q, "voidDateEnd")
	})})
	qa, a := pushed(t, w, "A", line{"CASE", 2}, line{"CABLE", 1})
	la := w.SS.CreateLabel(a.OrderID, []sst.ShipmentItem{{LineItemKey: new("l1")}}, "ups", "ups_ground")
	qb, b := pushed(t, w, "B", line{"MUG", 1})
	lb := w.SS.CreateLabel(b.OrderID, nil, "ups", "ups_ground")
	job := newJob(w)
	run(t, w, job)
	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Fatalf("dead letters = %v, want none", dls)
	}
	wantLines(t, w, qa.ID, labelKey(la), lq("l1", 2))
	wantLines(t, w, qb.ID, labelKey(lb), lq("l1", 1))
	if n := w.SS.Count("GET", "/shipments"); n != 2 {
		t.Errorf("GET /shipments = %d, want 2 (the two windows)", n)
	}

	// B's label is voided and A gets a second one: one void, one ship.
	w.SS.VoidLabel(lb.ShipmentID)
	la2 := w.SS.CreateLabel(a.OrderID, nil, "ups", "ups_ground")
	before := len(w.Q.Writes())
	run(t, w, job)
	var got []string
	for _, wr := range w.Q.Writes()[before:] {
		got = append(got, wr.Endpoint+" "+wr.Key)
	}
	want := []string{voidEndpoint + " " + labelKey(lb), shipEndpoint + " " + labelKey(la2)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("run 2 Quipt writes (-want +got):\n%s", diff)
	}
	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Errorf("dead letters = %v, want none", dls)
	}
}

// TestChangedLineItemKeysFallBackToSKU: ShipStation replaced the
// lineItemKeys push-orders set (the Quipt line Ids) with its own ("1", "2").
// Quipt refuses the unknown LineIds; the job matches the items by SKU against
// the order and sends the package again, instead of dead-lettering it.
func TestChangedLineItemKeysFallBackToSKU(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	qa, a := pushed(t, w, "A", line{"CASE", 2}, line{"CABLE", 1})
	la := w.SS.AddShipment(sst.Shipment{OrderID: a.OrderID, OrderKey: a.OrderKey, CarrierCode: "ups", ServiceCode: "ups_ground",
		TrackingNumber: "1ZA", ShipDate: now, ShipmentItems: []sst.ShipmentItem{
			{LineItemKey: new("1"), SKU: "CASE", Name: "Case", Quantity: 2},
			{LineItemKey: new("2"), SKU: "cable ", Name: "Cable", Quantity: 1},
		}})
	// B: its first label has no keys (the order is read for SKU matching),
	// its second a changed key: checked against the order read already, so
	// nothing is sent that Quipt would refuse.
	qb, b := pushed(t, w, "B", line{"CASE", 1}, line{"CABLE", 1})
	lb1 := w.SS.AddShipment(sst.Shipment{OrderID: b.OrderID, OrderKey: b.OrderKey, CarrierCode: "ups", ServiceCode: "ups_ground",
		TrackingNumber: "1ZB1", ShipDate: now, ShipmentItems: []sst.ShipmentItem{{SKU: "CASE", Quantity: 1}}})
	lb2 := w.SS.AddShipment(sst.Shipment{OrderID: b.OrderID, OrderKey: b.OrderKey, CarrierCode: "ups", ServiceCode: "ups_ground",
		TrackingNumber: "1ZB2", ShipDate: now, ShipmentItems: []sst.ShipmentItem{{LineItemKey: new("7"), SKU: "CABLE", Quantity: 1}}})
	run(t, w, newJob(w))

	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Fatalf("dead letters = %v, want none", dls)
	}
	wantLines(t, w, qa.ID, labelKey(la), lq("l1", 2), lq("l2", 1))
	wantLines(t, w, qb.ID, labelKey(lb1), lq("l1", 1))
	wantLines(t, w, qb.ID, labelKey(lb2), lq("l2", 1))
	if n := w.Q.Calls(shipEndpoint); n != 4 {
		t.Errorf("ship requests = %d, want 4 (A refused once, then A, B1, B2)", n)
	}
	if n := w.Q.Calls(orderByIDEndpoint); n != 2 {
		t.Errorf("Quipt order reads = %d, want 2 (A after the refusal, B once for the page)", n)
	}
}

// TestSKUMatchingSpreadsOverLinesOfTheSameSKU: an order with two lines of one
// SKU; labels without lineItemKeys take from each line what it has left.
func TestSKUMatchingSpreadsOverLinesOfTheSameSKU(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	qa, a := addPushed(w, "A-same-sku", true, line{"CASE", 2}, line{"CASE", 3}, line{"CABLE", 1})
	linked(t, w, map[int64]string{a.OrderID: qa.ID})
	l1 := w.SS.AddShipment(sst.Shipment{OrderID: a.OrderID, OrderKey: a.OrderKey, CarrierCode: "ups", ServiceCode: "ups_ground",
		TrackingNumber: "1Z1", ShipDate: now, ShipmentItems: []sst.ShipmentItem{{SKU: "CASE", Quantity: 4}, {SKU: "CABLE", Quantity: 1}}})
	l2 := w.SS.AddShipment(sst.Shipment{OrderID: a.OrderID, OrderKey: a.OrderKey, CarrierCode: "ups", ServiceCode: "ups_ground",
		TrackingNumber: "1Z2", ShipDate: now, ShipmentItems: []sst.ShipmentItem{{SKU: "case", Quantity: 1}}})
	job := newJob(w)
	run(t, w, job)
	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Fatalf("dead letters = %v, want none", dls)
	}
	wantLines(t, w, qa.ID, labelKey(l1), lq("l1", 2), lq("l2", 2), lq("l3", 1))
	wantLines(t, w, qa.ID, labelKey(l2), lq("l2", 1))
	if o, _ := w.Q.FulfillmentOrder(qa.ID); o.Status != 8 {
		t.Errorf("Quipt order status = %d, want 8 (shipped)", o.Status)
	}

	// A relabel after a void takes the voided package's quantities again.
	w.SS.VoidLabel(l1.ShipmentID)
	l3 := w.SS.AddShipment(sst.Shipment{OrderID: a.OrderID, OrderKey: a.OrderKey, CarrierCode: "ups", ServiceCode: "ups_ground",
		TrackingNumber: "1Z3", ShipDate: now, ShipmentItems: []sst.ShipmentItem{{SKU: "CASE", Quantity: 4}}})
	run(t, w, job)
	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Fatalf("dead letters = %v, want none", dls)
	}
	wantLines(t, w, qa.ID, labelKey(l3), lq("l1", 2), lq("l2", 2))
}
