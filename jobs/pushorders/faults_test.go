package pushorders

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/connector/shipstation"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// TestFaultsLoseAndDuplicateNothing injects into one run the failures both
// upstreams are known for: 500s, dropped connections and applied-but-lost
// answers on createorders; 503s, 429s and acknowledgements whose answer is
// lost after Quipt applied them.
func TestFaultsLoseAndDuplicateNothing(t *testing.T) {
	// Every 25th acknowledge reaches Quipt, but its answer is lost on the way
	// back: the client retries and Quipt answers Duplicate.
	var acks, lost atomic.Int32
	w := newWorld(t, jobstest.Options{QuiptTransport: func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if !isAck(r) || acks.Add(1)%25 != 0 {
				return next.RoundTrip(r)
			}
			resp, err := next.RoundTrip(r)
			if err != nil {
				return nil, err
			}
			resp.Body.Close()
			lost.Add(1)
			return nil, errors.New("connection reset by peer (test: answer lost after apply)")
		})
	}})
	orders := addOrders(w, 250, "X")
	w.SS.FailNext("/orders/createorders", 2, 500)
	w.SS.DropAfterApply("/orders/createorders", 1)
	w.SS.DropNext("/orders/createorders", 1)
	w.Q.FailNext(ackEndpoint, 1, 503)
	w.Q.RateLimitNext(1, time.Second)
	w.Q.DropAfterApply(ackEndpoint, 1)

	run(t, w, newJob(w))

	if n := len(ssOrders(t, w)); n != 250 {
		t.Fatalf("ShipStation holds %d orders, want 250", n)
	}
	requireAckedOnce(t, w, orders)
	applied, dups := ackWrites(w)
	// The sandbox's applied-then-dropped answer and each answer the transport
	// lost give one duplicate each.
	if applied != 250 || dups != 1+int(lost.Load()) {
		t.Errorf("acknowledge writes: %d applied, %d duplicates; want 250 applied and about %d duplicates", applied, dups, 1+lost.Load())
	}
	for _, o := range orders {
		if rec, ok := record(t, w, o.ID); !ok || !rec.Acked {
			t.Fatalf("order %s not recorded as acknowledged: %+v", o.OrderNumber, rec)
		}
	}
}

// TestInterruptedStepsAreFinishedByTheNextRun stops a run after each of the
// four writes in turn and checks that the next run ends with one ShipStation
// order and one acknowledgement per Quipt order.
func TestInterruptedStepsAreFinishedByTheNextRun(t *testing.T) {
	tests := []struct {
		name string
		// breakRun makes the first run fail at one step.
		breakRun func(w *jobstest.World)
		// ackMode is how the Quipt transport treats acknowledgements during
		// the first run: "" passes them, "refuse" fails them before sending,
		// "lose" sends them and loses every answer.
		ackMode string
		// wantRecorded is whether the first run recorded the pushes.
		wantRecorded bool
		// wantResent is whether the second run sends the orders again.
		wantResent bool
	}{
		{
			name:     "after createorders, before the records",
			breakRun: func(w *jobstest.World) { w.SS.DropAfterApply("/orders/createorders", 6) },
			// Every attempt was applied, none answered: nothing recorded.
			wantResent: true,
		},
		{
			name:         "after the records, before the acknowledgements",
			ackMode:      "refuse",
			wantRecorded: true,
		},
		{
			name:         "after the acknowledgements, before their records",
			ackMode:      "lose",
			wantRecorded: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var healed atomic.Bool
			w := newWorld(t, jobstest.Options{
				// The refused or lost acknowledgements open Quipt's breaker;
				// it half-opens long before the next scheduled run would come.
				QuiptOptions: []quipt.Option{quipt.WithBreaker(10, 20*time.Millisecond)},
				QuiptTransport: func(next http.RoundTripper) http.RoundTripper {
					return roundTripFunc(func(r *http.Request) (*http.Response, error) {
						if !isAck(r) || healed.Load() {
							return next.RoundTrip(r)
						}
						switch tc.ackMode {
						case "refuse":
							return nil, errors.New("connection refused (test)")
						case "lose":
							resp, err := next.RoundTrip(r)
							if err == nil {
								resp.Body.Close()
							}
							return nil, errors.New("connection reset by peer (test)")
						}
						return next.RoundTrip(r)
					})
				}})
			orders := addOrders(w, 30, "I")
			job := newJob(w)
			if tc.breakRun != nil {
				tc.breakRun(w)
			}
			if err := w.Run(context.Background(), jobs.NamePushOrders, job.Run); err == nil {
				t.Fatal("the broken run succeeded, want an error")
			}
			if n := len(ssOrders(t, w)); n != 30 {
				t.Fatalf("after the broken run ShipStation holds %d orders, want 30", n)
			}
			for _, o := range orders {
				rec, ok := record(t, w, o.ID)
				if ok != tc.wantRecorded || rec.Acked {
					t.Fatalf("after the broken run: record %+v, %v; want recorded %v and not acknowledged", rec, ok, tc.wantRecorded)
				}
			}

			healed.Store(true)
			waitBreakerNotOpen(t, w)
			calls := len(w.SS.CreateOrdersCalls())
			run(t, w, job)
			if resent := len(w.SS.CreateOrdersCalls()) > calls; resent != tc.wantResent {
				t.Errorf("second run resent the orders: %v, want %v", resent, tc.wantResent)
			}
			if n := len(ssOrders(t, w)); n != 30 {
				t.Errorf("ShipStation holds %d orders, want 30", n)
			}
			requireAckedOnce(t, w, orders)
			for _, o := range orders {
				if rec, ok := record(t, w, o.ID); !ok || !rec.Acked {
					t.Fatalf("order %s: record %+v, want acknowledged", o.OrderNumber, rec)
				}
			}
			// A third run has nothing left to do.
			applied, dups := ackWrites(w)
			run(t, w, job)
			if a, d := ackWrites(w); a != applied || d != dups {
				t.Errorf("third run wrote acknowledgements")
			}
		})
	}
}

// TestRefusedBatchIsSplitToFindTheCulprit: when ShipStation refuses a whole
// createorders call, the batch is halved until the refused order is alone.
func TestRefusedBatchIsSplitToFindTheCulprit(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	orders := addOrders(w, 4, "H")
	// The call of 4, then the call of the first 2, then the first order
	// alone are refused.
	w.SS.FailNext("/orders/createorders", 3, http.StatusBadRequest)
	run(t, w, newJob(w))

	dls := deadLetters(t, w)
	if len(dls) != 1 || !strings.HasPrefix(dls[orders[0].ID], "shipstation rejected the order") {
		t.Errorf("dead letters = %v, want only %s, refused by ShipStation", dls, orders[0].ID)
	}
	requireNotSent(t, w, orders[0])
	requireAckedOnce(t, w, orders[1:])
	var sizes []int
	for _, c := range w.SS.CreateOrdersCalls() {
		sizes = append(sizes, len(c))
	}
	if len(sizes) != 2 || sizes[0] != 1 || sizes[1] != 2 {
		t.Errorf("applied createorders sizes = %v, want [1 2]", sizes)
	}
}

// TestQuiptRefusalOfTheAcknowledgementDeadLettersTheOrder: a 409 (e.g. the
// order was cancelled in Quipt meanwhile) parks the order; the others go on.
func TestQuiptRefusalOfTheAcknowledgementDeadLettersTheOrder(t *testing.T) {
	var first atomic.Bool
	w := newWorld(t, jobstest.Options{QuiptTransport: func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if isAck(r) && first.CompareAndSwap(false, true) {
				return &http.Response{
					StatusCode: http.StatusConflict, Request: r, Header: http.Header{"Content-Type": {"application/json"}},
					Body: http.NoBody,
				}, nil
			}
			return next.RoundTrip(r)
		})
	}})
	orders := addOrders(w, 3, "Q")
	run(t, w, newJob(w))
	dls := deadLetters(t, w)
	if len(dls) != 1 {
		t.Fatalf("dead letters = %v, want one refused acknowledgement", dls)
	}
	var refused string
	for id, reason := range dls {
		refused = id
		if !strings.HasPrefix(reason, "quipt refused the acknowledgement") {
			t.Errorf("reason = %q", reason)
		}
	}
	for _, o := range orders {
		rec, ok := record(t, w, o.ID)
		if !ok {
			t.Errorf("order %s pushed but not recorded", o.OrderNumber)
		}
		if wantAcked := o.ID != refused; rec.Acked != wantAcked || len(w.Q.Acknowledgements(o.ID)) != map[bool]int{true: 1}[wantAcked] {
			t.Errorf("order %s: acked %v with %d acknowledgements, want acked %v", o.OrderNumber, rec.Acked, len(w.Q.Acknowledgements(o.ID)), wantAcked)
		}
	}
}

// waitBreakerNotOpen waits until neither upstream's breaker is open, as the
// next scheduled run would: while one is, runs are skipped.
func waitBreakerNotOpen(t *testing.T, w *jobstest.World) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for w.Quipt.BreakerState() == "open" || w.ShipStation.BreakerState() == "open" {
		if time.Now().After(deadline) {
			t.Fatal("a breaker stayed open")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

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
		w.SS.AddOrder(sstOrder(fmt.Sprintf("OTHER-%d", i), now))
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

// sstOrder is an order of ShipStation's own in the default store, modified
// at modified.
func sstOrder(number string, modified time.Time) sst.Order {
	return sst.Order{OrderNumber: number, OrderKey: "other-" + number, OrderStatus: sst.StatusAwaitingShipment,
		OrderDate: modified, CreateDate: modified, ModifyDate: modified,
		AdvancedOptions: sst.AdvancedOptions{StoreID: new(sst.DefaultStoreID)}}
}

// TestReadBackOfAnOrderPushedLongAgo: the only order to update was pushed
// long before a crowd of other orders was modified; the listing stops at its
// budget and the order is read on its own, then updated, keeping what a
// person set.
func TestReadBackOfAnOrderPushedLongAgo(t *testing.T) {
	w, o, job := pushedOne(t, seed{number: "L-1"})
	w.SS.UpdateOrder(ssOrderID(t, w, o), func(s *sst.Order) { s.Weight = &sst.Weight{Value: 9, Units: "ounces"} })
	for i := range 1200 {
		w.SS.AddOrder(sstOrder(fmt.Sprintf("CROWD-%d", i), now.Add(-10*time.Minute)))
	}
	if err := w.Q.UpdateFulfillmentOrder(o.ID, func(q *quipttest.Order) { q.ShipTo.Address1 = "8 Late Ln" }); err != nil {
		t.Fatal(err)
	}
	before := w.SS.Count(http.MethodGet, "/orders")
	run(t, w, job)
	lists, singles := w.SS.Count(http.MethodGet, "/orders")-before, w.SS.Count(http.MethodGet, fmt.Sprintf("/orders/%d", ssOrderID(t, w, o)))
	if lists != 2 || singles != 1 {
		t.Errorf("%d list calls and %d single reads, want the budget of 2 and 1", lists, singles)
	}
	got, _ := w.SS.OrderByKey(key(o))
	if jobs.Value(got.ShipTo.Street1) != "8 Late Ln" || got.Weight == nil || got.Weight.Value != 9 {
		t.Errorf("street %q weight %+v, want the new street and the person's 9 oz", jobs.Value(got.ShipTo.Street1), got.Weight)
	}
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
