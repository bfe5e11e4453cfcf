package getorders

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// BenchmarkGetOrdersIdle measures what get-orders spends when there is
// nothing to import: 10,000 open orders in the window, imported and assigned
// long ago. It reports ShipStation calls of the sweep (the whole window,
// ceil(10000/500) = 20, once per GET_ORDERS_SWEEP) and of a run between
// sweeps (the orders modified since the cursor: 1 call, the floor).
func BenchmarkGetOrdersIdle(b *testing.B) {
	const n = 10000
	var sweepCalls, idleCalls int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w, clk := steppedWorld(b, now, jobstest.Options{})
		imported, assigned := make(map[string]string, n), make(map[string]string, n)
		for k := range n {
			o := addOrder(w, seed{number: fmt.Sprintf("I-%05d", k), created: now.Add(-48 * time.Hour), method: "Ground"})
			id := strconv.FormatInt(o.OrderID, 10)
			imported[id], assigned[id] = "po-"+id, sst.DefaultUserID
		}
		w.PutRecords(b, jobs.NSImported, imported)
		w.PutRecords(b, jobs.NSAssigned, assigned)
		job := newJob(w)
		job.Sweep = time.Hour
		b.StartTimer()

		sweepCalls += len(runAndCount(b, w, job))
		clk.Add(time.Minute)
		idleCalls += len(runAndCount(b, w, job))
	}
	b.ReportMetric(float64(sweepCalls)/float64(b.N), "ss_calls/sweep")
	b.ReportMetric(float64(idleCalls)/float64(b.N), "ss_calls/idle_run")
}
