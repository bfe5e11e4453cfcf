package getorders

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/calls"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// BenchmarkGetOrders imports 1,000 ShipStation orders into Quipt per
// iteration, against the in-process sandboxes with no latency and no rate
// limit, and reports:
//   - ss_calls/1k_orders: ShipStation requests (list pages + assignuser);
//     the floor is ceil(1000/500) + 1 = 3;
//   - quipt_calls/1k_orders: Quipt requests (one create per order: Quipt has
//     no bulk create);
//   - orders/s: the worker's throughput with zero upstream latency;
//   - allocs/order: heap allocations per order of the whole process, the
//     in-process sandboxes and their HTTP servers included;
//   - redis_rt/page: Redis round trips per ShipStation page, lease and run
//     bookkeeping included.
func BenchmarkGetOrders(b *testing.B) {
	const n = 1000
	var ssCalls, qCalls, redisRT int64
	var elapsed time.Duration
	var mallocs uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := jobstest.New(b, jobstest.Options{Start: now})
		for k := range n {
			addOrder(w, seed{number: fmt.Sprintf("B-%04d", k), created: now.Add(-time.Duration(k) * time.Second), method: "Ground"})
		}
		rt := jobstest.CountRedisRoundTrips(w.Redis.Client)
		job := newJob(w)
		var counter calls.Counter
		ctx := calls.WithCounter(context.Background(), &counter)
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		start := time.Now()
		b.StartTimer()

		if err := w.Run(ctx, jobs.NameGetOrders, job.Run); err != nil {
			b.Fatal(err)
		}

		b.StopTimer()
		elapsed += time.Since(start)
		runtime.ReadMemStats(&ms1)
		mallocs += ms1.Mallocs - ms0.Mallocs
		if got := len(w.Q.PurchaseOrders()); got != n {
			b.Fatalf("imported %d orders, want %d", got, n)
		}
		ssCalls += int64(w.SS.Count("GET", "/orders") + w.SS.Count("POST", "/orders/assignuser"))
		qCalls += int64(w.Q.Calls("/v2/orders/purchase"))
		redisRT += rt.N()
		b.StartTimer()
	}
	iters := float64(b.N)
	pages := float64((n + 499) / 500)
	b.ReportMetric(float64(ssCalls)/iters, "ss_calls/1k_orders")
	b.ReportMetric(float64(qCalls)/iters, "quipt_calls/1k_orders")
	b.ReportMetric(float64(n)*iters/elapsed.Seconds(), "orders/s")
	b.ReportMetric(float64(mallocs)/(float64(n)*iters), "allocs/order")
	b.ReportMetric(float64(redisRT)/(pages*iters), "redis_rt/page")
}
