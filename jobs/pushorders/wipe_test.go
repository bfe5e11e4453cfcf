package pushorders

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/scheduler"
)

// TestRedisWipeKeepsWhatPeopleSetInShipStation: Redis loses every push
// record after an order was pushed and a person put it on hold, weighed it,
// tagged it and noted something in ShipStation; meanwhile Quipt changed its
// street. The next run must not send the order blind (createorders
// replaces the whole order, DESIGN.md §2.1): it merges as an update does,
// with ShipStation's values for what ShipStation owns and Quipt's for the
// rest, creates no second order, still pushes an order it never sent, and
// the run after that sends nothing.
func TestRedisWipeKeepsWhatPeopleSetInShipStation(t *testing.T) {
	w, o, job := pushedOne(t, seed{number: "W-1"})
	holdUntil := editAsAPerson(t, w, o)
	w.Redis.Wipe()
	if err := w.Q.UpdateFulfillmentOrder(o.ID, func(q *quipttest.Order) { q.ShipTo.Address1 = "77 New Rd" }); err != nil {
		t.Fatal(err)
	}
	fresh := addOrder(w, seed{number: "W-2"})

	run(t, w, job)
	held := ssOrders(t, w)
	if len(held) != 2 {
		t.Fatalf("ShipStation holds %d orders, want the pushed one and the new one", len(held))
	}
	if _, ok := held[key(fresh)]; !ok {
		t.Errorf("the order never pushed before was not created")
	}
	keepsPersonsEdits(t, held[key(o)], holdUntil)

	calls := len(w.SS.CreateOrdersCalls())
	lists := w.SS.Count(http.MethodGet, "/orders")
	run(t, w, job)
	if n := len(w.SS.CreateOrdersCalls()); n != calls {
		t.Errorf("the run after the recovery made %d createorders calls, want none", n-calls)
	}
	if n := w.SS.Count(http.MethodGet, "/orders"); n != lists {
		t.Errorf("the run after the recovery listed ShipStation orders %d times, want none", n-lists)
	}
}

// TestRedisWipeOfABacklogIsMergedInBoundedSteps: after a wipe, every open
// order is an update to read back and merge. A pass holds at most
// maxHeldUpdates of them before it sends them, so that a large backlog does
// not sit in memory whole; every order is still merged once, none is
// created twice, and what a person set on the last ones is kept.
func TestRedisWipeOfABacklogIsMergedInBoundedSteps(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	orders := addOrders(w, maxHeldUpdates+150, "WB")
	job := newJob(w)
	run(t, w, job)
	edited := orders[len(orders)-3:]
	for _, o := range edited {
		w.SS.UpdateOrder(ssOrderID(t, w, o), func(s *sst.Order) { s.OrderStatus = sst.StatusOnHold })
	}
	w.Redis.Wipe()

	run(t, w, job)
	held := ssOrders(t, w)
	if len(held) != len(orders) {
		t.Fatalf("ShipStation holds %d orders, want %d", len(held), len(orders))
	}
	for _, o := range edited {
		if got := held[key(o)]; got.OrderStatus != sst.StatusOnHold {
			t.Errorf("order %s: status %s, want the person's on_hold", o.OrderNumber, got.OrderStatus)
		}
	}
	var merged int
	for _, e := range w.Log.Events("read_back") {
		merged += int(e["orders"].(float64))
	}
	if steps := len(w.Log.Events("read_back")); steps != 2 || merged != len(orders) {
		t.Errorf("%d read-backs for %d orders, want 2 for all %d (one per %d held)", steps, merged, len(orders), maxHeldUpdates)
	}
	if s := w.Log.LastSummary(); s["updated"] != float64(len(orders)) || s["records_recovered"] != float64(len(orders)) {
		t.Errorf("summary updated %v, records_recovered %v; want %d each", s["updated"], s["records_recovered"], len(orders))
	}
}

// TestRecoveryCountsAnOrderThatDoesNotDecode: ShipStation lists, under the
// key of an open Quipt order, an order that does not decode. It is still
// ShipStation's: the recovery records it, and the pass, unable to read it
// back, leaves it (merge_unread) instead of sending the order blind.
func TestRecoveryCountsAnOrderThatDoesNotDecode(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, seed{number: "W-BAD"})
	w.SS.AddRawOrder(json.RawMessage(`{"orderId": 990001, "orderNumber": "W-BAD", "orderKey": "` + key(o) + `", "modifyDate": "soon", "orderStatus": "on_hold"}`))

	run(t, w, newJob(w))
	if n := len(w.SS.CreateOrdersCalls()); n != 0 {
		t.Errorf("%d createorders calls: the order was sent blind over the one ShipStation holds", n)
	}
	if s := w.Log.LastSummary(); s["records_recovered"] != 1.0 || s["merge_unread"] != 1.0 {
		t.Errorf("summary records_recovered %v, merge_unread %v; want 1 and 1", s["records_recovered"], s["merge_unread"])
	}
}

// TestShutdownDuringRecoveryStopsBeforeThePass: a shutdown requested while
// the recovery lists ShipStation's open orders ends the run after the page
// in hand, without the mark and without the pass (orders not yet recorded
// would be sent blind); the next run lists again and pushes.
func TestShutdownDuringRecoveryStopsBeforeThePass(t *testing.T) {
	w, pushed, job := pushedOne(t, seed{number: "S-1"})
	w.Redis.Wipe()
	fresh := addOrder(w, seed{number: "S-2"})
	calls := len(w.SS.CreateOrdersCalls())
	lists := w.SS.Count(http.MethodGet, "/orders")
	w.SS.SetLatency(300 * time.Millisecond)

	sch := scheduler.New(w.Store, zerolog.New(w.Log), scheduler.WithOwner("stopping"))
	if err := sch.Add(scheduler.Job{Name: jobs.NamePushOrders, Run: job.Run}); err != nil {
		t.Fatal(err)
	}
	ran := make(chan error, 1)
	go func() { ran <- sch.RunOnce(context.Background(), jobs.NamePushOrders) }()
	for w.SS.Count(http.MethodGet, "/orders") == lists {
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := sch.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := <-ran; err != nil {
		t.Fatalf("the stopped run: %v", err)
	}
	if n := len(w.SS.CreateOrdersCalls()) - calls; n != 0 {
		t.Errorf("%d createorders calls after a shutdown during the recovery, want none", n)
	}
	if mark, _ := w.Store.Records(ctx, jobs.NSRecovered, []string{jobs.NamePushOrders}); mark[jobs.NamePushOrders] != "" {
		t.Error("the recovery was marked done although it stopped half-way")
	}
	if rec, ok := record(t, w, pushed.ID); !ok || rec.Hash != recoveredHash {
		t.Errorf("the page in hand was not recorded: %+v %v", rec, ok)
	}

	w.SS.SetLatency(0)
	run(t, w, job)
	held := ssOrders(t, w)
	if _, ok := held[key(fresh)]; !ok || len(held) != 2 {
		t.Errorf("ShipStation holds %d orders after the next run, want the pushed one and the new one", len(held))
	}
	if mark, _ := w.Store.Records(ctx, jobs.NSRecovered, []string{jobs.NamePushOrders}); mark[jobs.NamePushOrders] == "" {
		t.Error("the next run did not mark the recovery done")
	}
}
