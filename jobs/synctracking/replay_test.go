package synctracking

import (
	"context"
	"strings"
	"testing"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// TestReplayRefusedButAppliedIsDone replays writes a run applied before it
// was killed (SIGKILL before the page's records were written) against a Quipt
// that checks the order before the idempotency key: it refuses the replayed
// ship (409) and void (400) instead of answering "Duplicate". The order
// holds the effect, so each is recorded as done, not dead-lettered.
func TestReplayRefusedButAppliedIsDone(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	ctx := context.Background()
	// A: its label was shipped in Quipt; the record was lost.
	qa, a := pushed(t, w, "A-ship-replayed", line{"CASE", 1})
	la := w.SS.CreateLabel(a.OrderID, nil, "ups", "ups_ground")
	if _, err := w.Quipt.FulfillmentOrders.Ship(ctx, quiptShip(qa.ID, labelKey(la))); err != nil {
		t.Fatal(err)
	}
	// B: shipped and recorded; then voided in ShipStation, voided in Quipt,
	// and the "voided" record lost.
	qb, b := pushed(t, w, "B-void-replayed", line{"CASE", 1})
	lb := w.SS.CreateLabel(b.OrderID, nil, "ups", "ups_ground")
	if _, err := w.Quipt.FulfillmentOrders.Ship(ctx, quiptShip(qb.ID, labelKey(lb))); err != nil {
		t.Fatal(err)
	}
	w.PutRecords(t, jobs.NSPackages, map[string]string{labelKey(lb): packageShipped})
	w.SS.VoidLabel(lb.ShipmentID)
	if _, err := w.Quipt.FulfillmentOrders.VoidShipment(ctx, quipt.VoidRequest{OrderID: qb.ID, ExternalShipmentID: labelKey(lb)}); err != nil {
		t.Fatal(err)
	}
	// D: a label Quipt refuses for good, and does not hold.
	_, d := pushed(t, w, "D-refused", line{"CASE", 1})
	ld := w.SS.CreateLabel(d.OrderID, nil, "ups", "ups_ground")
	w.Q.FailNext(voidEndpoint, 1, 400)
	w.Q.FailNext(shipEndpoint, 2, 409) // A's replay, then D
	run(t, w, newJob(w))

	dls := deadLetters(t, w)
	if !strings.Contains(dls[labelKey(ld)], "quipt refused the shipment") {
		t.Errorf("dead letter of D = %q, want Quipt's refusal", dls[labelKey(ld)])
	}
	if len(dls) != 1 {
		t.Errorf("dead letters = %v, want only D's", dls)
	}
	rec, err := w.Store.Records(ctx, jobs.NSPackages, []string{labelKey(la), labelKey(lb)})
	if err != nil {
		t.Fatal(err)
	}
	if rec[labelKey(la)] != packageShipped || rec[labelKey(lb)] != packageVoided {
		t.Errorf("package records = %v, want A shipped, B voided", rec)
	}
	if s := w.Log.LastSummary(); s["already_applied"] != 2.0 {
		t.Errorf("summary = %v, want already_applied 2 (A's ship and B's void)", s)
	}
	if n := len(w.Log.Events("refused_but_applied")); n != 2 {
		t.Errorf("refused_but_applied events = %d, want 2", n)
	}
}
