package synctracking

import (
	"context"
	"slices"
	"testing"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/jobs/pushorders"
	"github.com/shipsync/shipsync/mapping"
)

const ackEndpoint = "/v2/orders/fulfillment/acknowledge"

// TestOrderLabelledBeforeItsAcceptanceIsAcceptedOnce is the gap the chaos
// test found (issue 7): push-orders put an order into ShipStation but did not
// get to accept it in Quipt, ShipStation staff labelled it, and sync-tracking
// shipped it in Quipt, which took it out of the Open orders push-orders
// lists, so it was never accepted. sync-tracking now accepts such an order
// before its package; push-orders' own acceptance, when it comes second, is a
// duplicate. Each case ends with one acceptance, made before the ship, and
// one package.
func TestOrderLabelledBeforeItsAcceptanceIsAcceptedOnce(t *testing.T) {
	cases := []struct {
		name string
		// fault makes push-orders' first run stop short of the acceptance.
		fault func(w *jobstest.World)
		// acceptances is how many acknowledge requests sync-tracking makes.
		acceptances int
	}{
		{"createorders answer lost", func(w *jobstest.World) {
			w.SS.DropAfterApply("/orders/createorders", 100)
		}, 1},
		{"acknowledgement failed", func(w *jobstest.World) {
			w.Q.FailNext(ackEndpoint, 100, 503)
		}, 1},
		{"accepted by push-orders", func(*jobstest.World) {}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, jobstest.Options{})
			qo := w.Q.AddFulfillmentOrder(quipttest.Order{OrderNumber: "Q-1",
				Lines:  []quipttest.Line{{SKU: "CASE", Name: "Case", Quantity: 2, UnitPrice: 10}},
				ShipTo: quipttest.Address{Name: "Dana Ruiz", Address1: "12 Elm St", City: "Austin", State: "TX", PostalCode: "78701", Country: "US"}})
			push := &pushorders.PushOrders{Env: w.Env, SingleStoreID: sst.DefaultStoreID,
				Selector: mapping.Selector{Preferred: mapping.UPS, DefaultService: "ups_ground", DefaultEnabled: true}}
			tc.fault(w)
			_ = w.Run(context.Background(), jobs.NamePushOrders, push.Run) // fails under the fault
			so, ok := w.SS.OrderByKey(jobs.PushedKeyPrefix + qo.ID)
			if !ok {
				t.Fatal("push-orders did not put the order into ShipStation")
			}
			w.SS.ClearFaults()
			w.Q.ClearFaults()
			before := len(w.Q.Writes())

			// Two packages of one unit each, in one page: one acceptance.
			one := []sst.ShipmentItem{{LineItemKey: new(qo.Lines[0].ID), Quantity: 1}}
			labels := []string{
				labelKey(w.SS.CreateLabel(so.OrderID, one, "ups", "ups_ground")),
				labelKey(w.SS.CreateLabel(so.OrderID, one, "ups", "ups_ground")),
			}
			run(t, w, newJob(w))
			if err := w.Run(context.Background(), jobs.NamePushOrders, push.Run); err != nil {
				t.Fatalf("push-orders after the label: %v", err)
			}
			run(t, w, newJob(w))

			if n := len(w.Q.Acknowledgements(qo.ID)); n != 1 {
				t.Errorf("Quipt order accepted %d times, want 1", n)
			}
			var order []string
			acks := 0
			for _, wr := range w.Q.Writes()[before:] {
				order = append(order, wr.Endpoint)
				if wr.Endpoint == ackEndpoint {
					acks++
				}
			}
			if acks != tc.acceptances {
				t.Errorf("acknowledge requests after the labels = %d, want %d (writes %v)", acks, tc.acceptances, order)
			}
			if acks > 0 && (len(order) < 2 || order[0] != ackEndpoint || order[1] != shipEndpoint) {
				t.Errorf("Quipt writes after the labels = %v, want the acceptance, then the ships", order)
			}
			if got := keys(shipments(t, w, qo.ID)); !slices.Equal(got, labels) {
				t.Errorf("Quipt packages = %v, want %v", got, labels)
			}
		})
	}
}
