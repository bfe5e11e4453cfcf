package pushorders

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/connector/shipstation"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// TestLateOlderVersionIsRepairedByTheNextRun is scenario 3 of the
// exactly-once issue: a createorders carrying v1 is held past the client's
// timeout and its retry is applied; the order is edited in Quipt (v2) and
// pushed; then the held v1 lands over v2. The next run reads the order back
// (the uncertain request is still settling), finds the older version and
// sends v2 again; ShipStation ends with v2. Once the settle period has
// passed, no run reads it back any more.
func TestLateOlderVersionIsRepairedByTheNextRun(t *testing.T) {
	w := newWorld(t, jobstest.Options{ShipStationOptions: []shipstation.Option{
		shipstation.WithHTTPClient(&http.Client{Timeout: 500 * time.Millisecond}),
	}})
	clock := w.InjectClock()
	o := addOrder(w, seed{number: "G-1"})
	job := newJob(w)
	release := make(chan struct{})
	w.SS.HoldNextUntil("/orders/createorders", release)
	run(t, w, job) // v1: the first attempt is held, its retry applied
	if n := summaryInt(t, w, "uncertain_sent"); n != 1 {
		t.Fatalf("uncertain_sent %d, want 1 (the first attempt got no answer)", n)
	}
	if err := w.Q.UpdateFulfillmentOrder(o.ID, func(q *quipttest.Order) { q.ShipTo.Address1 = "2 Version St" }); err != nil {
		t.Fatal(err)
	}
	run(t, w, job) // v2
	if got := street(t, w, o); got != "2 Version St" {
		t.Fatalf("after pushing v2 ShipStation holds street %q", got)
	}
	close(release) // the held v1 lands
	for deadline := time.Now().Add(30 * time.Second); street(t, w, o) != "12 Elm St"; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the held v1 was never applied")
		}
	}

	run(t, w, job)
	if got := street(t, w, o); got != "2 Version St" {
		t.Errorf("after the repair run ShipStation holds street %q, want v2's", got)
	}
	if n := summaryInt(t, w, "version_repaired"); n != 1 {
		t.Errorf("version_repaired %d, want 1", n)
	}
	calls := len(w.SS.CreateOrdersCalls())
	run(t, w, job)
	if n := len(w.SS.CreateOrdersCalls()); n != calls || summaryInt(t, w, "version_verified") != 1 {
		t.Errorf("a run after the repair sent %d createorders calls (want none) and verified %d orders (want 1)", n-calls, summaryInt(t, w, "version_verified"))
	}
	requireAckedOnce(t, w, []quipttest.Order{o})

	clock.Advance(w.Env.Settle() + time.Second)
	run(t, w, job)
	lists := w.SS.Count(http.MethodGet, "/orders")
	run(t, w, job)
	if n := w.SS.Count(http.MethodGet, "/orders"); n != lists {
		t.Errorf("after the settle period a run read back %d times, want none", n-lists)
	}
	if recs, err := w.Store.Records(context.Background(), nsUncertain, []string{o.ID}); err != nil || recs[o.ID] != "" {
		t.Errorf("uncertain record %v (%v), want it deleted once settled", recs, err)
	}
}

// TestFailedUncertainPushIsReadBackUntilItSettles: every attempt of a
// createorders fails with a 5xx (each may have been applied); the run fails,
// the request is recorded as uncertain, and the next run, which sends the
// order again, reads it back first.
func TestFailedUncertainPushIsReadBackUntilItSettles(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, seed{number: "G-2"})
	job := newJob(w)
	w.SS.FailNext("/orders/createorders", jobstest.FastRetry.Attempts, http.StatusServiceUnavailable)
	if err := w.Run(context.Background(), jobs.NamePushOrders, job.Run); err == nil {
		t.Fatal("the run succeeded although every createorders attempt failed")
	}
	if recs, err := w.Store.Records(context.Background(), nsUncertain, []string{o.ID}); err != nil || recs[o.ID] == "" {
		t.Fatalf("no uncertain record after the failed push: %v %v", recs, err)
	}
	run(t, w, job) // sent again: a new order, so no read-back
	lists := w.SS.Count(http.MethodGet, "/orders")
	run(t, w, job)
	if n := w.SS.Count(http.MethodGet, "/orders") - lists; n != 1 || summaryInt(t, w, "version_verified") != 1 {
		t.Errorf("the run after read back %d times and verified %d orders, want 1 and 1", n, summaryInt(t, w, "version_verified"))
	}
}

// TestReadBackCallBudget: U updated orders are read back with at most
// ceil(U/500)+1 list calls, here with unrelated orders in the window too.
func TestReadBackCallBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("pushes 620 orders")
	}
	w := newWorld(t, jobstest.Options{})
	const u = 620
	orders := addOrders(w, u, "B")
	job := newJob(w)
	run(t, w, job)
	for i := range 40 {
		w.SS.AddOrder(sstOrder(fmt.Sprintf("OTHER-%d", i)))
	}
	for _, o := range orders {
		if err := w.Q.UpdateFulfillmentOrder(o.ID, func(q *quipttest.Order) { q.ShipTo.City = "Georgetown" }); err != nil {
			t.Fatal(err)
		}
	}
	lists := w.SS.Count(http.MethodGet, "/orders")
	run(t, w, job)
	budget := (u+shipstation.MaxPageSize-1)/shipstation.MaxPageSize + 1
	if n := w.SS.Count(http.MethodGet, "/orders") - lists; n > budget || n == 0 {
		t.Errorf("%d list calls to read back %d updated orders, want 1..%d", n, u, budget)
	}
	if n := summaryInt(t, w, "updated"); n != u {
		t.Errorf("updated %d, want %d", n, u)
	}
	for _, o := range orders[:3] {
		if got, _ := w.SS.OrderByKey(key(o)); jobs.Value(got.ShipTo.City) != "Georgetown" {
			t.Errorf("order %s: city %q, want the update's", o.OrderNumber, jobs.Value(got.ShipTo.City))
		}
	}
}

// sstOrder is an order of ShipStation's own, modified at the world's start.
func sstOrder(number string) sst.Order {
	return sst.Order{OrderNumber: number, OrderKey: "other-" + number, OrderStatus: sst.StatusAwaitingShipment,
		OrderDate: now, CreateDate: now, ModifyDate: now}
}

// street is the ship-to street ShipStation holds for o.
func street(t testing.TB, w *jobstest.World, o quipttest.Order) string {
	t.Helper()
	got, ok := w.SS.OrderByKey(key(o))
	if !ok {
		t.Fatalf("ShipStation does not hold order %s", o.OrderNumber)
	}
	return jobs.Value(got.ShipTo.Street1)
}
