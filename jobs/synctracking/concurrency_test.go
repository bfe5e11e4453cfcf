package synctracking

import (
	"fmt"
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
