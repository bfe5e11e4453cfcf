package synctracking

import (
	"fmt"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// TestConcurrentPackagesKeepEachOrdersOrder relabels many orders at once at
// QUIPT_CONCURRENCY 8: the writes of different orders overlap, but each
// order's void reaches Quipt before the ship of its new label, every write
// is made once, and never more than 8 Quipt requests are in flight.
func TestConcurrentPackagesKeepEachOrdersOrder(t *testing.T) {
	const n, concurrency = 40, 8
	w := newWorld(t, jobstest.Options{
		QuiptOptions: []quipt.Option{quipt.WithConcurrency(concurrency)},
		QuiptSandbox: []quipttest.Option{quipttest.WithLatency(5 * time.Millisecond)},
	})
	type relabel struct{ void, ship string }
	want := map[string]relabel{} // by Quipt order
	var first []func()
	for i := range n {
		q, o := pushed(t, w, fmt.Sprintf("R-%03d", i), line{"CASE", 1})
		la := w.SS.CreateLabel(o.OrderID, nil, "ups", "ups_ground")
		first = append(first, func() {
			w.SS.VoidLabel(la.ShipmentID)
			lb := w.SS.CreateLabel(o.OrderID, nil, "ups", "ups_ground")
			want[q.ID] = relabel{void: labelKey(la), ship: labelKey(lb)}
		})
	}
	job := newJob(w)
	run(t, w, job)
	for _, f := range first {
		f()
	}
	before := len(w.Q.Writes())
	w.Q.ResetMaxInFlight()
	run(t, w, job)

	seen := map[string]int{} // write key → its position in run 2
	for i, wr := range w.Q.Writes()[before:] {
		if _, dup := seen[wr.Key+wr.Endpoint]; dup || wr.Duplicate {
			t.Errorf("write %s %s made twice", wr.Endpoint, wr.Key)
		}
		seen[wr.Key+wr.Endpoint] = i
	}
	for qid, r := range want {
		v, okV := seen[r.void+voidEndpoint]
		s, okS := seen[r.ship+shipEndpoint]
		if !okV || !okS || v > s {
			t.Errorf("order %s: void %s at %d (made: %v), ship %s at %d (made: %v); want the void, then the ship",
				qid, r.void, v, okV, r.ship, s, okS)
		}
	}
	if got := w.Q.MaxInFlight(); got > concurrency {
		t.Errorf("%d Quipt requests in flight at once, want at most %d", got, concurrency)
	}
}

// TestConcurrentSplitShipmentsSeeEachOthersShips splits many orders into two
// labels of one unit each, of a SKU on two lines of the order, at
// QUIPT_CONCURRENCY 8: the second label of an order is allocated from what
// the first one's ship left (the page's copy of the Quipt order), so the
// packages of one order must be applied one after the other: the first
// ships l1, the second l2, and nothing is over-shipped or dead-lettered.
func TestConcurrentSplitShipmentsSeeEachOthersShips(t *testing.T) {
	const n = 24
	w := newWorld(t, jobstest.Options{
		QuiptOptions: []quipt.Option{quipt.WithConcurrency(8)},
		QuiptSandbox: []quipttest.Option{quipttest.WithLatency(5 * time.Millisecond)},
	})
	type split struct {
		qid          string
		first, other sst.Shipment
	}
	var splits []split
	for i := range n {
		q, o := pushed(t, w, fmt.Sprintf("S-%03d", i), line{"CASE", 1}, line{"CASE", 1})
		label := func(tracking string) sst.Shipment {
			return w.SS.AddShipment(sst.Shipment{OrderID: o.OrderID, OrderKey: o.OrderKey, CarrierCode: "ups",
				ServiceCode: "ups_ground", TrackingNumber: tracking, ShipDate: now,
				ShipmentItems: []sst.ShipmentItem{{SKU: "CASE", Quantity: 1}}})
		}
		splits = append(splits, split{qid: q.ID, first: label(o.OrderNumber + "-1"), other: label(o.OrderNumber + "-2")})
	}
	run(t, w, newJob(w))
	for _, s := range splits {
		wantLines(t, w, s.qid, labelKey(s.first), lq("l1", 1))
		wantLines(t, w, s.qid, labelKey(s.other), lq("l2", 1))
	}
	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Errorf("dead letters = %v, want none", dls)
	}
}
