package pushorders

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// TestUpdateKeepsWhatPeopleSetInShipStation: staff set the weight, the
// dimensions, tags, a hold with its end, and an internal note in
// ShipStation; then the address changes in Quipt. The update sends the new
// address and keeps every ShipStation-side field, after one read of the
// orders modified since the push (a new order needed none).
func TestUpdateKeepsWhatPeopleSetInShipStation(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, seed{number: "M-1"})
	job := newJob(w)
	run(t, w, job)
	if n := w.SS.Count(http.MethodGet, "/orders"); n != 0 {
		t.Fatalf("a new order was read back (%d list calls)", n)
	}
	ss, _ := w.SS.OrderByKey(key(o))
	holdUntil := now.Add(72 * time.Hour).Truncate(time.Second)
	w.SS.UpdateOrder(ss.OrderID, func(s *sst.Order) {
		s.Weight = &sst.Weight{Value: 42, Units: "ounces"}
		s.Dimensions = &sst.Dimensions{Units: "inches", Length: 12, Width: 8, Height: 4}
		s.TagIDs = []int64{sst.PriorityTagID}
		s.OrderStatus = sst.StatusOnHold
		s.HoldUntilDate = holdUntil
		s.InternalNotes = new("fragile: double box")
	})
	if err := w.Q.UpdateFulfillmentOrder(o.ID, func(q *quipttest.Order) { q.ShipTo.Address1 = "77 New Rd" }); err != nil {
		t.Fatal(err)
	}

	run(t, w, job)
	got, _ := w.SS.OrderByKey(key(o))
	if jobs.Value(got.ShipTo.Street1) != "77 New Rd" {
		t.Errorf("street %q, want Quipt's new address", jobs.Value(got.ShipTo.Street1))
	}
	if got.Weight == nil || got.Weight.Value != 42 || got.Weight.Units != "ounces" {
		t.Errorf("weight %+v, want ShipStation's 42 ounces", got.Weight)
	}
	if got.Dimensions == nil || got.Dimensions.Length != 12 {
		t.Errorf("dimensions %+v, want ShipStation's", got.Dimensions)
	}
	if !slices.Equal(got.TagIDs, []int64{sst.PriorityTagID}) {
		t.Errorf("tags %v, want ShipStation's", got.TagIDs)
	}
	if got.OrderStatus != sst.StatusOnHold || !got.HoldUntilDate.Equal(holdUntil) {
		t.Errorf("status %s until %s, want on_hold until %s", got.OrderStatus, got.HoldUntilDate, holdUntil)
	}
	if jobs.Value(got.InternalNotes) != "fragile: double box" {
		t.Errorf("internal notes %q, want ShipStation's", jobs.Value(got.InternalNotes))
	}
	if n := w.SS.Count(http.MethodGet, "/orders"); n != 1 {
		t.Errorf("%d list calls for one update, want 1", n)
	}
	if u, c := summaryInt(t, w, "updated"), summaryInt(t, w, "merge_conflicts"); u != 1 || c != 0 {
		t.Errorf("summary updated %d merge_conflicts %d, want 1 and 0", u, c)
	}

	// The merge base now holds ShipStation's values: an unchanged order is
	// not sent again, and the next Quipt change still keeps them.
	run(t, w, job)
	if n := len(w.SS.CreateOrdersCalls()); n != 2 {
		t.Errorf("%d createorders calls, want 2 (nothing changed)", n)
	}
	if err := w.Q.UpdateFulfillmentOrder(o.ID, func(q *quipttest.Order) { q.ShipTo.City = "Round Rock" }); err != nil {
		t.Fatal(err)
	}
	run(t, w, job)
	got, _ = w.SS.OrderByKey(key(o))
	if jobs.Value(got.ShipTo.City) != "Round Rock" || got.Weight == nil || got.Weight.Value != 42 || got.OrderStatus != sst.StatusOnHold {
		t.Errorf("second update: city %q weight %+v status %s, want Round Rock, 42 oz, on_hold", jobs.Value(got.ShipTo.City), got.Weight, got.OrderStatus)
	}
}

// TestConflictTakesTheOwnersValueAndIsCounted: both sides change the
// carrier choice (ShipStation's once a person changed it) and the ship-to
// street (Quipt's). The person's carrier and Quipt's street are sent, and
// both conflicts are logged and counted with the order and field group.
func TestConflictTakesTheOwnersValueAndIsCounted(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, seed{number: "C-1", method: "Ground"})
	job := newJob(w)
	run(t, w, job)
	ss, _ := w.SS.OrderByKey(key(o))
	w.SS.UpdateOrder(ss.OrderID, func(s *sst.Order) {
		s.CarrierCode, s.ServiceCode = new("stamps_com"), new("usps_first_class_mail")
		s.ShipTo.Street1 = new("1 Warehouse Typo St")
	})
	if err := w.Q.UpdateFulfillmentOrder(o.ID, func(q *quipttest.Order) {
		q.Shipping.RequestedMethod = "Next Day Air"
		q.ShipTo.Address1 = "5 Correct Ave"
	}); err != nil {
		t.Fatal(err)
	}

	run(t, w, job)
	got, _ := w.SS.OrderByKey(key(o))
	if jobs.Value(got.CarrierCode) != "stamps_com" || jobs.Value(got.ServiceCode) != "usps_first_class_mail" {
		t.Errorf("carrier %s/%s, want the person's stamps_com/usps_first_class_mail", jobs.Value(got.CarrierCode), jobs.Value(got.ServiceCode))
	}
	if jobs.Value(got.ShipTo.Street1) != "5 Correct Ave" {
		t.Errorf("street %q, want Quipt's", jobs.Value(got.ShipTo.Street1))
	}
	if jobs.Value(got.RequestedShippingService) != "Next Day Air" {
		t.Errorf("requested service %q, want Quipt's (only Quipt changed it)", jobs.Value(got.RequestedShippingService))
	}
	if n := summaryInt(t, w, "merge_conflicts"); n != 2 {
		t.Errorf("merge_conflicts %d, want 2", n)
	}
	items, _ := w.Log.LastSummary()["merge_conflict_items"].([]any)
	want := []any{o.ID + ":ship_to", o.ID + ":carrier"}
	if len(items) != 2 || !slices.Contains(items, want[0]) || !slices.Contains(items, want[1]) {
		t.Errorf("merge_conflict_items %v, want %v", items, want)
	}
	kept := map[string]string{}
	for _, e := range w.Log.Events("merge_conflict") {
		if e["quipt_order_id"] == o.ID {
			kept[e["field_group"].(string)] = e["kept"].(string)
		}
	}
	if kept["carrier"] != "shipstation" || kept["ship_to"] != "quipt" || len(kept) != 2 {
		t.Errorf("merge_conflict events kept %v, want carrier: shipstation, ship_to: quipt", kept)
	}
}

// TestOnlyShipStationChangedAQuiptFieldKeepsIt: a person corrected the
// ship-to street in ShipStation and Quipt changed only a quantity: the
// street stays as the person set it.
func TestOnlyShipStationChangedAQuiptFieldKeepsIt(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, seed{number: "S-1"})
	job := newJob(w)
	run(t, w, job)
	ss, _ := w.SS.OrderByKey(key(o))
	w.SS.UpdateOrder(ss.OrderID, func(s *sst.Order) { s.ShipTo.Street1 = new("12 Elm Street") })
	if err := w.Q.UpdateFulfillmentOrder(o.ID, func(q *quipttest.Order) { q.Lines[0].Quantity = 5 }); err != nil {
		t.Fatal(err)
	}
	run(t, w, job)
	got, _ := w.SS.OrderByKey(key(o))
	if jobs.Value(got.ShipTo.Street1) != "12 Elm Street" || got.Items[0].Quantity != 5 {
		t.Errorf("street %q quantity %d, want the person's street and Quipt's quantity 5", jobs.Value(got.ShipTo.Street1), got.Items[0].Quantity)
	}
	if n := summaryInt(t, w, "merge_conflicts"); n != 0 {
		t.Errorf("merge_conflicts %d, want 0", n)
	}
}
