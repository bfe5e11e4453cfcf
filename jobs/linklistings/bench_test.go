package linklistings

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shipsync/shipsync/jobs"
)

// BenchmarkLinkListings links a catalogue of 1,000 ShipStation products
// against 1,000 Quipt inventory records (900 SKUs in common) per iteration,
// against the in-process sandboxes with no latency and no rate limit, and
// reports:
//   - ss_calls/1k_skus: ShipStation requests, ceil(1000/500) = 2 list pages;
//   - quipt_calls/1k_skus: Quipt requests, ceil(1000/200) = 5 list pages;
//   - skus/s: the worker's throughput with zero upstream latency.
func BenchmarkLinkListings(b *testing.B) {
	const n = 1000
	var ssCalls, qCalls float64
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := newWorld(b)
		for k := range n {
			product(w, int64(1+k), fmt.Sprintf("SKU-%04d", k))
			inventory(w, fmt.Sprintf("inv-%04d", k), fmt.Sprintf("sku-%04d", k+100), "AUS1")
		}
		job := &LinkListings{Env: w.Env}
		start := time.Now()
		b.StartTimer()

		if err := w.Run(context.Background(), jobs.NameLinkListings, job.Run); err != nil {
			b.Fatal(err)
		}

		b.StopTimer()
		elapsed += time.Since(start)
		sum := w.Log.LastSummary()
		if sum["linked"] != 900.0 {
			b.Fatalf("linked %v SKUs, want 900", sum["linked"])
		}
		ssCalls += sum["shipstation_calls"].(float64)
		qCalls += sum["quipt_calls"].(float64)
		b.StartTimer()
	}
	iters := float64(b.N)
	b.ReportMetric(ssCalls/iters, "ss_calls/1k_skus")
	b.ReportMetric(qCalls/iters, "quipt_calls/1k_skus")
	b.ReportMetric(float64(n)*iters/elapsed.Seconds(), "skus/s")
}
