package pushorders

import (
	"context"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/jobs/synccancels"
	"github.com/shipsync/shipsync/state"
)

const quiptCancelPath = "/v2/orders/fulfillment/cancel"

// loseCreate pushes o so that ShipStation applies it but every answer is
// lost (the first attempt applied then dropped, the retries failing): the
// run fails with nothing recorded. It returns ShipStation's order.
func loseCreate(t *testing.T, w *jobstest.World, job *PushOrders, o quipttest.Order) sst.Order {
	t.Helper()
	w.SS.DropAfterApply("/orders/createorders", 1)
	w.SS.FailNext("/orders/createorders", jobstest.FastRetry.Attempts-1, 500)
	if err := w.Run(context.Background(), jobs.NamePushOrders, job.Run); err == nil {
		t.Fatal("the push whose answers were all lost succeeded")
	}
	if _, ok := record(t, w, o.ID); ok {
		t.Fatal("the push whose answers were lost was recorded")
	}
	ss, ok := w.SS.OrderByKey(key(o))
	if !ok {
		t.Fatal("ShipStation did not apply the create")
	}
	return ss
}

// quiptCancels counts the cancels Quipt applied (not duplicates).
func quiptCancels(w *jobstest.World) int {
	n := 0
	for _, wr := range w.Q.Writes() {
		if wr.Endpoint == quiptCancelPath && !wr.Duplicate {
			n++
		}
	}
	return n
}

// TestRefusedResendOfACancelledOrderIsRecordedAndCancelled is the issue's
// scenario 1: createorders applied, its answer lost; staff cancel the order
// in ShipStation; the next push is refused ("status is 'cancelled'"), so the
// order is read (one list call), recorded as pushed and acknowledged, not
// dead-lettered; sync-cancels then cancels it in Quipt exactly once.
func TestRefusedResendOfACancelledOrderIsRecordedAndCancelled(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, seed{number: "R-1"})
	other := addOrder(w, seed{number: "R-2"})
	job := newJob(w)
	ss := loseCreate(t, w, job, o)
	w.SS.CancelOrder(ss.OrderID)
	w.SS.CancelOrder(mustSS(t, w, other).OrderID)
	lists := w.SS.Count("GET", "/orders")

	run(t, w, job)
	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Fatalf("dead letters %v, want none", dls)
	}
	if n := w.SS.Count("GET", "/orders") - lists; n != 1 {
		t.Errorf("the refused orders were read with %d list calls, want 1", n)
	}
	for _, q := range []quipttest.Order{o, other} {
		ssOrder := mustSS(t, w, q)
		if rec, ok := record(t, w, q.ID); !ok || rec.SSOrderID != ssOrder.OrderID || !rec.Acked {
			t.Errorf("order %s: record %+v, want pushed as ShipStation order %d and acknowledged", q.OrderNumber, rec, ssOrder.OrderID)
		}
	}
	requireAckedOnce(t, w, []quipttest.Order{o, other})
	if n := summaryInt(t, w, "held_closed"); n != 2 {
		t.Errorf("held_closed = %d, want 2", n)
	}

	cancels := &synccancels.SyncCancels{Env: w.Env, Mode: synccancels.ModeSoft}
	for range 2 {
		if err := w.Run(context.Background(), jobs.NameSyncCancels, cancels.Run); err != nil {
			t.Fatal(err)
		}
	}
	if n := quiptCancels(w); n != 2 {
		t.Errorf("Quipt applied %d cancels, want 2 (one per order)", n)
	}
	if got, _ := w.Q.FulfillmentOrder(o.ID); got.SubStatus != quipt.SubStatusSoftCancel {
		t.Errorf("the Quipt order has SubStatus %d, want the soft cancel's", got.SubStatus)
	}
	run(t, w, job)
	if n := len(w.Q.Acknowledgements(o.ID)); n != 1 {
		t.Errorf("acknowledgements after another push run: %d, want 1", n)
	}
}

// mustSS returns ShipStation's order for the Quipt order q.
func mustSS(t *testing.T, w *jobstest.World, q quipttest.Order) sst.Order {
	t.Helper()
	ss, ok := w.SS.OrderByKey(key(q))
	if !ok {
		t.Fatalf("ShipStation holds no order %s", key(q))
	}
	return ss
}

// TestRetriedDeadLetterOfAShippedOrderIsRecorded: an order dead-lettered for
// the refusal (as an earlier release did) is, once retried, read, recorded
// and acknowledged like any refused resend.
func TestRetriedDeadLetterOfAShippedOrderIsRecorded(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, seed{number: "D-1"})
	job := newJob(w)
	ss := loseCreate(t, w, job, o)
	w.SS.UpdateOrder(ss.OrderID, func(s *sst.Order) { s.OrderStatus = sst.StatusShipped })
	ctx := context.Background()
	l, err := w.Store.AcquireLease(ctx, jobs.NamePushOrders, "earlier-release", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	reason := "shipstation rejected the order: Order cannot be updated because its status is 'shipped'."
	if err := w.Store.PutDeadLetter(ctx, l, state.DeadLetter{ID: o.ID, Reason: reason}); err != nil {
		t.Fatal(err)
	}
	if err := w.Store.ReleaseLease(ctx, l); err != nil {
		t.Fatal(err)
	}
	run(t, w, job)
	if rec, ok := record(t, w, o.ID); ok {
		t.Fatalf("a parked order was handled before its retry: %+v", rec)
	}
	if _, err := w.Store.RetryDeadLetter(ctx, jobs.NamePushOrders, o.ID); err != nil {
		t.Fatal(err)
	}
	run(t, w, job)
	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Errorf("dead letters after the retry: %v", dls)
	}
	if rec, ok := record(t, w, o.ID); !ok || rec.SSOrderID != ss.OrderID || !rec.Acked {
		t.Errorf("record %+v, want pushed as %d and acknowledged", rec, ss.OrderID)
	}
	requireAckedOnce(t, w, []quipttest.Order{o})
}

// TestRefusedClosedReadsOnlyTheStatusRefusal: only ShipStation's refusal
// of an order that is no longer open leads to a read; any other refusal is
// dead-lettered as before.
func TestRefusedClosedReadsOnlyTheStatusRefusal(t *testing.T) {
	for reason, want := range map[string]bool{
		"shipstation rejected the order: Order cannot be updated because its status is 'shipped'.":   true,
		"shipstation rejected the order: Order cannot be updated because its status is 'cancelled'.": true,
		"shipstation rejected the order: The ShipTo field is required.":                              false,
		"shipstation rejected the order: no error message":                                           false,
	} {
		if got := refusedClosed(reason); got != want {
			t.Errorf("refusedClosed(%q) = %v, want %v", reason, got, want)
		}
	}
}
