package synctracking

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/shipsync/shipsync/jobs/jobstest"
)

// BenchmarkSyncTracking tracks 1,000 packages (1,000 pushed orders with one
// label each) per iteration, against the in-process sandboxes with no latency
// and no rate limit, and reports:
//   - ss_calls/1k_packages: ShipStation requests; the floor is the void list,
//     ceil(1000/500) create-list pages and the fulfillment list = 4;
//   - quipt_calls/1k_packages: Quipt requests (one ship per package, Quipt has
//     no bulk ship, plus one page of shipped purchase orders);
//   - packages/s: the worker's throughput with zero upstream latency;
//   - allocs/package: heap allocations per package of the whole process, the
//     in-process sandboxes and their HTTP servers included;
//   - redis_rt/page: Redis round trips per list page of the run (4 pages),
//     lease, cursors and run bookkeeping included.
func BenchmarkSyncTracking(b *testing.B) {
	const n = 1000
	var ssCalls, qCalls, redisRT int64
	var elapsed time.Duration
	var mallocs uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := newWorld(b, jobstest.Options{})
		links := make(map[int64]string, n)
		for k := range n {
			qo, so := addPushed(w, fmt.Sprintf("B-%04d", k), false, line{"CASE", 1})
			links[so.OrderID] = qo.ID
			w.SS.CreateLabel(so.OrderID, nil, "ups", "ups_ground")
		}
		linked(b, w, links)
		rt := jobstest.CountRedisRoundTrips(w.Redis.Client)
		job := newJob(w)
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		start := time.Now()
		b.StartTimer()

		run(b, w, job)

		b.StopTimer()
		elapsed += time.Since(start)
		runtime.ReadMemStats(&ms1)
		mallocs += ms1.Mallocs - ms0.Mallocs
		if got := len(writes(w, shipEndpoint)); got != n {
			b.Fatalf("shipped %d packages, want %d", got, n)
		}
		sum := w.Log.LastSummary()
		ssCalls += int64(sum["shipstation_calls"].(float64))
		qCalls += int64(sum["quipt_calls"].(float64))
		redisRT += rt.N()
		b.StartTimer()
	}
	iters := float64(b.N)
	const pages = 4
	b.ReportMetric(float64(ssCalls)/iters, "ss_calls/1k_packages")
	b.ReportMetric(float64(qCalls)/iters, "quipt_calls/1k_packages")
	b.ReportMetric(float64(n)*iters/elapsed.Seconds(), "packages/s")
	b.ReportMetric(float64(mallocs)/(float64(n)*iters), "allocs/package")
	b.ReportMetric(float64(redisRT)/(pages*iters), "redis_rt/page")
}
