package daemon

import (
	"strconv"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// crossing is how long after it appears an item may wait for the run that
// carries it over: the next start of the job's default schedule. The run
// itself then reads one page of what changed and writes the item (get-orders:
// 2 ShipStation calls and 1 Quipt call; sync-tracking: 3 and 1), seconds
// even at the pace of 40 calls a minute, so the item crosses over within
// 60 s + the run < 90 s.
const crossing = time.Minute

// runAt sets the clock to the next start of j's schedule after appeared,
// checks it is within crossing, and runs j there.
func runAt(t *testing.T, w *jobstest.World, clk *jobstest.Clock, j Job, appeared time.Time) {
	t.Helper()
	next := j.Schedule.Cron().Next(appeared)
	if wait := next.Sub(appeared); wait > crossing {
		t.Errorf("%s: an item that appears at %s waits %s for the next run, want at most %s", j.Name, appeared, wait, crossing)
	}
	clk.Set(next)
	shipStationCalls(t, w, j)
}

// TestOrderAndLabelCrossOverWithinTheNextMinute: on the default schedules,
// an order created in ShipStation is a Quipt purchase order after the next
// get-orders run, and a label bought for a pushed order is a Quipt shipment
// after the next sync-tracking run, each starting within a minute.
func TestOrderAndLabelCrossOverWithinTheNextMinute(t *testing.T) {
	start := time.Date(2026, 3, 4, 17, 0, 0, 0, time.UTC)
	list, w, clk := defaultJobs(t, start, "SINGLE_STORE_ID", strconv.FormatInt(sst.DefaultStoreID, 10))
	byName := map[string]Job{}
	for _, j := range list {
		byName[j.Name] = j
		shipStationCalls(t, w, j) // every cursor is set: the runs from now on are incremental
	}

	appeared := start.Add(5 * time.Second)
	clk.Set(appeared)
	order := addShipStationOrder(w, "NEW-1", appeared)
	qo := w.Q.AddFulfillmentOrder(quipttest.Order{OrderNumber: "Q-NEW-1", Status: quipt.StatusOpen,
		Channel:  quipttest.Channel{ID: "c1", Name: "Web Store"},
		Customer: quipttest.Customer{Name: "Dana Ruiz"},
		ShipTo:   quipttest.Address{Name: "Dana Ruiz", Address1: "12 Elm St", City: "Austin", State: "TX", PostalCode: "78701", Country: "US"},
		Lines:    []quipttest.Line{{SKU: "CASE-IP15-BLK", Name: "Case", Quantity: 1, UnitPrice: 19.99}},
		Shipping: quipttest.Shipping{RequestedMethod: "Ground"}})
	runAt(t, w, clk, byName[jobs.NameGetOrders], appeared)
	imported := false
	for _, po := range w.Q.PurchaseOrders() {
		imported = imported || jobs.Value(po.PartnerReference) == jobs.PartnerRefPrefix+strconv.FormatInt(order.OrderID, 10)
	}
	if !imported {
		t.Fatalf("order %d not imported by the next get-orders run", order.OrderID)
	}

	runAt(t, w, clk, byName[jobs.NamePushOrders], appeared)
	copyInSS, ok := w.SS.OrderByKey(jobs.PushedKeyPrefix + qo.ID)
	if !ok {
		t.Fatalf("Quipt order %s not pushed by the next push-orders run", qo.ID)
	}
	labelled := clk.Now().Add(5 * time.Second)
	clk.Set(labelled)
	label := w.SS.CreateLabel(copyInSS.OrderID, nil, "ups", "ups_ground")
	runAt(t, w, clk, byName[jobs.NameSyncTracking], labelled)
	got, _ := w.Q.FulfillmentOrder(qo.ID)
	if len(got.Shipments) != 1 || got.Shipments[0].TrackingNumber != label.TrackingNumber {
		t.Errorf("Quipt shipments after the next sync-tracking run = %+v, want the label %s", got.Shipments, label.TrackingNumber)
	}
}
