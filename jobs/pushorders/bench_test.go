package pushorders

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// BenchmarkPushOrders pushes 1,000 new Quipt orders per iteration against the
// sandboxes (ShipStation rate limit off) and reports the calls each upstream
// needed per 1,000 orders, throughput, allocations per order (the in-process
// sandboxes' included) and Redis round trips per Quipt page of 200 (the
// scheduler's lease and the rate budget's included), past the first run.
func BenchmarkPushOrders(b *testing.B) {
	const perIteration = 1000
	const pages = perIteration / quipt.MaxPageSize
	w := newWorld(b, jobstest.Options{})
	rt := jobstest.CountRedisRoundTrips(w.Redis.Client)
	job := newJob(w)
	// The first run on an empty Redis lists ShipStation's open orders once
	// (recoverRecords); the figures are those of the runs after it.
	run(b, w, job)

	var prev []quipttest.Order
	var ssCalls, qCalls, roundTripsTotal, mallocs uint64
	var ms runtime.MemStats
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		for _, o := range prev { // last iteration's orders leave the Open list
			if err := w.Q.SetStatus(o.ID, quipt.StatusShipped, 0); err != nil {
				b.Fatal(err)
			}
		}
		prev = addOrders(w, perIteration, fmt.Sprintf("BENCH%d", i))
		rt.Reset()
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		b.StartTimer()

		run(b, w, job)

		b.StopTimer()
		runtime.ReadMemStats(&ms)
		mallocs += ms.Mallocs - before
		roundTripsTotal += uint64(rt.N())
		if got := summaryInt(b, w, "created"); got != perIteration {
			b.Fatalf("iteration %d created %d orders, want %d", i, got, perIteration)
		}
		ssCalls += uint64(summaryInt(b, w, "shipstation_calls"))
		qCalls += uint64(summaryInt(b, w, "quipt_calls"))
		b.StartTimer()
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(ssCalls)/n, "ss_calls/1k_orders")
	b.ReportMetric(float64(qCalls)/n, "quipt_calls/1k_orders")
	b.ReportMetric(n*perIteration/b.Elapsed().Seconds(), "orders/s")
	b.ReportMetric(float64(mallocs)/(n*perIteration), "allocs/order")
	b.ReportMetric(float64(roundTripsTotal)/(n*pages), "redis_roundtrips/page")
}
