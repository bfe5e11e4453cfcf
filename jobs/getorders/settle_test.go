package getorders

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/shipstation"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// runOK runs get-orders once and fails the test on an error.
func runOK(t *testing.T, w *jobstest.World, job *GetOrders) {
	t.Helper()
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		t.Fatal(err)
	}
}

// wantAssigned checks the assignuser requests the sandbox received and that
// each order was assigned exactly once.
func wantAssigned(t *testing.T, w *jobstest.World, requests int, orders []sst.Order) {
	t.Helper()
	if n := w.SS.Count("POST", "/orders/assignuser"); n != requests {
		t.Errorf("assignuser requests = %d, want %d", n, requests)
	}
	for _, o := range orders {
		if n := w.SS.AssignCount(o.OrderID); n != 1 {
			t.Errorf("order %d assigned %d times, want 1", o.OrderID, n)
		}
	}
}

// TestHeldAssignUserIsNeverSentTwice: the sandbox holds the assignuser past
// the client's timeout and applies it late. The runs while it settles send
// nothing, whether it landed or not; after the settle period the orders,
// listed with the user, are recorded as assigned. One request in all.
func TestHeldAssignUserIsNeverSentTwice(t *testing.T) {
	w := newWorld(t, jobstest.Options{ShipStationOptions: []shipstation.Option{
		shipstation.WithHTTPClient(&http.Client{Timeout: time.Second}),
	}})
	clock := w.InjectClock()
	var orders []sst.Order
	for i := range 2 {
		orders = append(orders, addOrder(w, seed{number: fmt.Sprintf("S-%d", i), created: now.Add(-time.Hour), method: "Ground"}))
	}
	w.SS.HoldNext("/orders/assignuser", 1, 3*time.Second)
	job := newJob(w)
	runOK(t, w, job)
	if s := w.Log.LastSummary(); s["unsettled"] != 2.0 {
		t.Fatalf("summary %v, want unsettled 2 (the held request timed out)", s)
	}
	runOK(t, w, job) // before or after it lands: either way nothing is sent
	for deadline := time.Now().Add(30 * time.Second); w.SS.AssignCount(orders[1].OrderID) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the held assignuser was never applied")
		}
	}
	runOK(t, w, job)
	if s := w.Log.LastSummary(); s["skipped_settling"] != 2.0 {
		t.Errorf("summary %v, want skipped_settling 2", s)
	}
	clock.Advance(w.Env.Settle() + time.Second)
	runOK(t, w, job)
	if s := w.Log.LastSummary(); s["already_assigned"] != 2.0 {
		t.Errorf("summary %v, want already_assigned 2", s)
	}
	runOK(t, w, job)
	wantAssigned(t, w, 1, orders)
}

// TestUnappliedAssignUserIsSentOnceAfterTheSettlePeriod: the assignuser's
// connection drops before it is applied; it is not sent again until the
// settle period has passed, and then once, since the orders are listed
// without a user.
func TestUnappliedAssignUserIsSentOnceAfterTheSettlePeriod(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	clock := w.InjectClock()
	orders := []sst.Order{addOrder(w, seed{number: "N-1", created: now.Add(-time.Hour), method: "Ground"})}
	w.SS.DropNext("/orders/assignuser", 1)
	job := newJob(w)
	runOK(t, w, job)
	runOK(t, w, job)
	if n := w.SS.Count("POST", "/orders/assignuser"); n != 1 {
		t.Fatalf("assignuser requests before the settle period = %d, want 1", n)
	}
	clock.Advance(w.Env.Settle() + time.Second)
	runOK(t, w, job)
	runOK(t, w, job)
	wantAssigned(t, w, 2, orders)
}

// TestSettlePeriodRunsFromTheLastAttempt (found by the chaos test): the
// first assignuser attempt is rate limited (429: not applied, so sent again
// after the wait) and the jobs' clock moves past WRITE_SETTLE before the
// retry, which is held past the client's timeout.
// The settle period runs from that retry, the last attempt ShipStation may
// have received, so the next run sends nothing although the held request has
// not landed yet; once it has, the order is recorded as assigned: one
// request reached ShipStation, and the order was assigned once.
func TestSettlePeriodRunsFromTheLastAttempt(t *testing.T) {
	var (
		w     *jobstest.World
		clock *jobstest.JobsClock
		first atomic.Bool
	)
	slowRetry := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path != "/orders/assignuser" || !first.CompareAndSwap(false, true) {
			return http.DefaultTransport.RoundTrip(r)
		}
		// A 429 as ShipStation sends it; the wait for the window's reset
		// lasts longer than WRITE_SETTLE by the jobs' clock.
		clock.Advance(w.Env.Settle() + time.Second)
		w.SS.HoldNext("/orders/assignuser", 1, 3*time.Second)
		h := http.Header{"X-Rate-Limit-Limit": {"40"}, "X-Rate-Limit-Remaining": {"0"}, "X-Rate-Limit-Reset": {"1"}}
		return &http.Response{StatusCode: http.StatusTooManyRequests, Header: h, Body: http.NoBody, Request: r}, nil
	})
	w = newWorld(t, jobstest.Options{ShipStationOptions: []shipstation.Option{
		shipstation.WithHTTPClient(&http.Client{Timeout: time.Second, Transport: slowRetry}),
	}})
	clock = w.InjectClock()
	orders := []sst.Order{addOrder(w, seed{number: "R-1", created: now.Add(-time.Hour), method: "Ground"})}
	job := newJob(w)
	runOK(t, w, job)
	if s := w.Log.LastSummary(); s["unsettled"] != 1.0 {
		t.Fatalf("summary %v, want unsettled 1 (the held retry timed out)", s)
	}
	runOK(t, w, job)
	if s := w.Log.LastSummary(); s["skipped_settling"] != 1.0 {
		t.Errorf("summary %v, want skipped_settling 1: the held retry is settling", s)
	}
	for deadline := time.Now().Add(30 * time.Second); w.SS.AssignCount(orders[0].OrderID) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the held assignuser was never applied")
		}
	}
	clock.Advance(w.Env.Settle() + time.Second)
	runOK(t, w, job)
	wantAssigned(t, w, 1, orders)
}

// A sweep assigns each full batch of imported orders as soon as it has one,
// between its list pages, so the ids a run holds stay bounded whatever the
// backlog; the calls are as few as at the end of the run (ceil(N/batch)), and
// every order is assigned exactly once.
func TestSweepAssignsEachFullBatchAsItGoes(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	for i := range 1200 { // three pages of 500
		addOrder(w, seed{number: fmt.Sprintf("S-%04d", i), created: now.Add(-time.Hour), method: "Ground"})
	}
	job := newJob(w)
	job.assignMax = 400
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		t.Fatal(err)
	}
	calls := w.SS.AssignUserCalls()
	var sizes []int
	seen := map[int64]bool{}
	for _, c := range calls {
		sizes = append(sizes, len(c.OrderIDs))
		for _, id := range c.OrderIDs {
			if seen[id] {
				t.Errorf("order %d assigned twice", id)
			}
			seen[id] = true
		}
	}
	if !slices.Equal(sizes, []int{400, 400, 400}) {
		t.Fatalf("assignuser calls of %v orders, want 3 of 400", sizes)
	}
	// The first batch was assigned after the first page (500 orders, one
	// full batch), before the second page was listed.
	var order []string
	for _, r := range w.SS.Requests() {
		switch {
		case r.Path == "/orders/assignuser":
			order = append(order, "assign")
		case r.Path == "/orders" && r.Method == "GET":
			order = append(order, "list")
		}
	}
	if want := []string{"list", "assign", "list", "assign", "list", "assign"}; !slices.Equal(order, want) {
		t.Errorf("requests %v, want %v", order, want)
	}
	if sum := w.Log.LastSummary(); sum["assigned"] != 1200.0 || sum["created"] != 1200.0 {
		t.Errorf("summary = %v, want 1200 created and assigned", sum)
	}
}
