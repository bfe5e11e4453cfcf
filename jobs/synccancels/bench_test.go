package synccancels

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// BenchmarkSyncCancels cancels 1,000 pushed orders per iteration, against
// the in-process sandboxes with no latency and no rate limit, and reports:
//   - ss_calls/1k_orders: ShipStation requests, ceil(1000/500) = 2 list pages;
//   - quipt_calls/1k_orders: Quipt requests, one read of the order (its line
//     Ids and shipped quantities) and one cancel per order;
//   - orders/s: the worker's throughput with zero upstream latency;
//   - redis_rt/page: Redis round trips per ShipStation page (2 pages), lease,
//     cursor and run bookkeeping included.
func BenchmarkSyncCancels(b *testing.B) {
	const n = 1000
	var ssCalls, qCalls, redisRT float64
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := newWorld(b, jobstest.Options{})
		for k := range n {
			_, so := pushed(b, w, fmt.Sprintf("B-%04d", k), 2, 1)
			w.SS.CancelOrder(so.OrderID)
		}
		job := newJob(w, ModeSoft)
		rt := jobstest.CountRedisRoundTrips(w.Redis.Client)
		start := time.Now()
		b.StartTimer()

		if err := w.Run(context.Background(), jobs.NameSyncCancels, job.Run); err != nil {
			b.Fatal(err)
		}

		b.StopTimer()
		elapsed += time.Since(start)
		sum := w.Log.LastSummary()
		if sum["cancelled"] != float64(n) {
			b.Fatalf("cancelled %v orders, want %d", sum["cancelled"], n)
		}
		ssCalls += sum["shipstation_calls"].(float64)
		qCalls += sum["quipt_calls"].(float64)
		redisRT += float64(rt.N())
		b.StartTimer()
	}
	iters := float64(b.N)
	b.ReportMetric(ssCalls/iters, "ss_calls/1k_orders")
	b.ReportMetric(qCalls/iters, "quipt_calls/1k_orders")
	b.ReportMetric(float64(n)*iters/elapsed.Seconds(), "orders/s")
	const pages = (n + 499) / 500
	b.ReportMetric(redisRT/(pages*iters), "redis_rt/page")
}
