package synctracking

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// now is the tests' start time: 11:00 PDT.
var now = time.Date(2026, 6, 10, 18, 0, 0, 0, time.UTC)

const (
	shipEndpoint = "/v2/orders/fulfillment/ship"
	voidEndpoint = "/v2/orders/fulfillment/ship/void"
)

func newWorld(t testing.TB, o jobstest.Options) *jobstest.World {
	if o.Start.IsZero() {
		o.Start = now
	}
	return jobstest.New(t, o)
}

func newJob(w *jobstest.World) *SyncTracking {
	return &SyncTracking{Env: w.Env, NotifyCustomer: true, NotifySalesChannel: false}
}

func run(t testing.TB, w *jobstest.World, j *SyncTracking) {
	t.Helper()
	if err := w.Run(context.Background(), jobs.NameSyncTracking, j.Run); err != nil {
		t.Fatalf("run: %v", err)
	}
}

// line is one line of a seeded order.
type line struct {
	sku string
	qty int
}

// addPushed seeds an order as push-orders leaves it: a Quipt fulfillment
// order and its ShipStation copy with orderKey quipt:<Id>, whose items carry
// the Quipt line Ids as lineItemKey unless keyless. The caller links them.
func addPushed(w *jobstest.World, number string, keyless bool, lines ...line) (quipttest.Order, sst.Order) {
	ql := make([]quipttest.Line, len(lines))
	for i, l := range lines {
		ql[i] = quipttest.Line{SKU: l.sku, Name: "Item " + l.sku, Quantity: l.qty, UnitPrice: 10}
	}
	qo := w.Q.AddFulfillmentOrder(quipttest.Order{OrderNumber: number, Lines: ql,
		ShipTo: quipttest.Address{Name: "Dana Ruiz", Address1: "12 Elm St", City: "Austin", State: "TX", PostalCode: "78701", Country: "US"}})
	items := make([]sst.OrderItem, 0, len(lines)+1)
	for _, l := range qo.Lines {
		it := sst.OrderItem{SKU: l.SKU, Name: l.Name, Quantity: l.Quantity, UnitPrice: l.UnitPrice}
		if !keyless {
			it.LineItemKey = new(l.ID)
		}
		items = append(items, it)
	}
	items = append(items, sst.OrderItem{SKU: "DISCOUNT", Name: "10% off", Quantity: 1, UnitPrice: -2, Adjustment: true})
	so := w.SS.AddOrder(sst.Order{OrderNumber: number, OrderKey: jobs.PushedKeyPrefix + qo.ID, OrderDate: now.Add(-time.Hour),
		CreateDate: now.Add(-time.Hour), Items: items, ShipTo: &sst.Address{Name: "Dana Ruiz", Street1: new("12 Elm St")}})
	return qo, so
}

// pushed seeds a pushed order and push-orders' records of it (linked).
func pushed(t testing.TB, w *jobstest.World, number string, lines ...line) (quipttest.Order, sst.Order) {
	t.Helper()
	qo, so := addPushed(w, number, false, lines...)
	linked(t, w, map[int64]string{so.OrderID: qo.ID})
	return qo, so
}

// linked writes what push-orders records of the pushed orders of links
// (ShipStation orderId → Quipt order Id) once it has accepted them: its link
// from the ShipStation order to the Quipt order, and the order accepted.
func linked(t testing.TB, w *jobstest.World, links map[int64]string) {
	t.Helper()
	byOrder, accepted := map[string]string{}, map[string]string{}
	for ssID, qID := range links {
		byOrder[strconv.FormatInt(ssID, 10)] = qID
		accepted[qID] = jobs.Accepted
	}
	putRecords(t, w, jobs.NSShipStationOrder, byOrder)
	putRecords(t, w, jobs.NSAccepted, accepted)
}

// putRecords writes records under a lease of its own, as another job would.
func putRecords(t testing.TB, w *jobstest.World, ns string, kv map[string]string) {
	t.Helper()
	w.PutRecords(t, ns, kv)
}

// writes returns Quipt's successful writes to endpoint.
func writes(w *jobstest.World, endpoint string) []quipttest.Write {
	var out []quipttest.Write
	for _, wr := range w.Q.Writes() {
		if wr.Endpoint == endpoint {
			out = append(out, wr)
		}
	}
	return out
}

// shipments returns the Quipt order's shipments by ExternalShipmentId,
// failing the test when one key is there twice.
func shipments(t testing.TB, w *jobstest.World, orderID string) map[string]quipttest.Shipment {
	t.Helper()
	o, ok := w.Q.FulfillmentOrder(orderID)
	if !ok {
		t.Fatalf("no Quipt order %s", orderID)
	}
	out := map[string]quipttest.Shipment{}
	for _, sh := range o.Shipments {
		if _, dup := out[sh.ExternalShipmentID]; dup {
			t.Fatalf("Quipt order %s holds %s twice", orderID, sh.ExternalShipmentID)
		}
		out[sh.ExternalShipmentID] = sh
	}
	return out
}

func labelKey(sh sst.Shipment) string { return "shipstation:" + strconv.FormatInt(sh.ShipmentID, 10) }

func fulfillmentKey(f sst.Fulfillment) string {
	return "shipstation-fulfillment:" + strconv.FormatInt(f.FulfillmentID, 10)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// deadLetters returns the job's dead letters by ID.
func deadLetters(t testing.TB, w *jobstest.World) map[string]string {
	t.Helper()
	out := map[string]string{}
	for id, d := range w.DeadLetters(t, jobs.NameSyncTracking) {
		out[id] = d.Reason
	}
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// quiptShip is a ship request for line l1 of a Quipt order, as the job would
// send it.
func quiptShip(orderID, ext string) quipt.ShipRequest {
	return quipt.ShipRequest{OrderID: orderID, ExternalShipmentID: ext, TrackingNumber: "1ZPRIOR", CarrierCode: "UPS",
		CarrierMethod: "ups_ground", ShipDate: pacificDay(now), Lines: []quipt.LineQuantity{{LineID: "l1", Quantity: 1}}}
}
