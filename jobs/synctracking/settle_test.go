package synctracking

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// TestHeldMarkAsShippedIsNeverSentTwice: the sandbox holds the markasshipped
// past the client's timeout and applies it late. The run that sent it leaves
// it to settle; the runs before it lands, while it settles, read the order
// open and send nothing; once it landed it is recorded as done. One request
// in all.
func TestHeldMarkAsShippedIsNeverSentTwice(t *testing.T) {
	const timeout, held = time.Second, 3 * time.Second
	w := newWorld(t, jobstest.Options{ShipStationOptions: []shipstation.Option{
		shipstation.WithHTTPClient(&http.Client{Timeout: timeout}),
	}})
	clock := w.InjectClock()
	x, _ := importedOrder(t, w, "X", quipttest.Shipment{TrackingNumber: "1ZX", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	w.SS.HoldNext("/orders/markasshipped", 1, held)
	job := newJob(w)

	run(t, w, job)
	if s := w.Log.LastSummary(); s["unsettled"] != 1.0 {
		t.Fatalf("summary %v, want unsettled 1 (the held request timed out)", s)
	}
	run(t, w, job) // before or after it lands: either way nothing is sent
	waitFor(t, func() bool { return w.SS.MarkAsShippedCount(x.OrderID) == 1 }, "the held markasshipped to be applied")
	run(t, w, job)
	clock.Advance(w.Env.Settle() + time.Second)
	run(t, w, job)
	wantMarkedOnce(t, w, x.OrderID, "1ZX")
}

// wantMarkedOnce checks that one markasshipped was sent in all, that it
// marked the order once, and that the order is recorded as done with tracking.
func wantMarkedOnce(t *testing.T, w *jobstest.World, orderID int64, tracking string) {
	t.Helper()
	if n := w.SS.Count("POST", "/orders/markasshipped"); n != 1 {
		t.Errorf("markasshipped sent %d times, want 1", n)
	}
	if n := w.SS.MarkAsShippedCount(orderID); n != 1 {
		t.Errorf("order marked shipped %d times, want 1", n)
	}
	if rec := markRecord(t, w, orderID); rec != tracking {
		t.Errorf("record = %q, want done with %s", rec, tracking)
	}
}

// TestLostLeaseStartsNoMarkAsShipped: a replica whose lease was taken over
// between planning and sending fails the fenced stamp of the attempt and
// sends nothing.
func TestLostLeaseStartsNoMarkAsShipped(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	x, _ := importedOrder(t, w, "X", quipttest.Shipment{TrackingNumber: "1ZX", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	ctx := context.Background()
	hook := &scriptHook{onScript: func(args []string) {
		for _, a := range args {
			if strings.HasPrefix(a, jobs.IntentPrefix+"1ZX|at=") {
				stealLease(t, w)
			}
		}
	}}
	w.Redis.Client.AddHook(hook)
	if err := w.Run(ctx, jobs.NameSyncTracking, newJob(w).Run); err == nil {
		t.Fatal("the run that lost its lease reported success")
	}
	if n := w.SS.Count("POST", "/orders/markasshipped"); n != 0 {
		t.Errorf("markasshipped requests = %d, want 0 from a replica without its lease", n)
	}
	if rec := markRecord(t, w, x.OrderID); rec != jobs.IntentPrefix+"1ZX" {
		t.Errorf("record = %q, want the unstamped intent", rec)
	}
}

// stealLease breaks the sync-tracking lease and takes it for another owner,
// once.
func stealLease(t *testing.T, w *jobstest.World) {
	t.Helper()
	ctx := context.Background()
	owner, ok, err := w.Store.LeaseOwner(ctx, jobs.NameSyncTracking)
	if err != nil || !ok || owner == "thief" {
		return
	}
	if _, err := w.Store.BreakLease(ctx, jobs.NameSyncTracking, owner); err != nil {
		t.Error(err)
		return
	}
	if _, err := w.Store.AcquireLease(ctx, jobs.NameSyncTracking, "thief", time.Minute); err != nil {
		t.Error(err)
	}
}

// waitFor polls cond until it holds, failing the test after a generous
// deadline (what it waits for happens in about a second).
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
