package getorders

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// quiptLatency is the time every Quipt call takes in the latency-bound
// benchmarks: a realistic figure for Quipt's API.
const quiptLatency = 100 * time.Millisecond

// drain imports n ShipStation orders into Quipt in one get-orders run, with
// Quipt taking quiptLatency per call and QUIPT_CONCURRENCY at its default
// (8), and ShipStation limited to ssLimit requests per minute when
// ssLimit > 0 (else unlimited); it returns the run's wall-clock time.
func drain(b *testing.B, n, ssLimit int) time.Duration {
	b.Helper()
	o := jobstest.Options{
		Start:        now,
		QuiptOptions: []quipt.Option{quipt.WithConcurrency(8)},
		QuiptSandbox: []quipttest.Option{quipttest.WithLatency(quiptLatency)},
	}
	if ssLimit > 0 {
		o.RateLimit, o.RateWindow = ssLimit, time.Minute
	}
	w := jobstest.New(b, o)
	for k := range n {
		addOrder(w, seed{number: fmt.Sprintf("L-%05d", k), created: now.Add(-time.Duration(k) * time.Second), method: "Ground"})
	}
	job := newJob(w)
	start := time.Now()
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	if got := len(w.Q.PurchaseOrders()); got != n {
		b.Fatalf("imported %d orders, want %d", got, n)
	}
	if got := w.Q.MaxInFlight(); got > 8 {
		b.Fatalf("%d Quipt requests in flight at once, want at most 8", got)
	}
	return elapsed
}

// BenchmarkGetOrdersQuiptLatency imports 1,000 orders with Quipt taking
// 100 ms per call (QUIPT_CONCURRENCY 8, ShipStation unlimited) and reports
// drain_s, the run's wall-clock time (goal ≤ 15 s; one create at a time
// takes ≥ 100 s), and floor_s, the time the Quipt creates need at best
// (1,000 × 100 ms / 8).
//
//	go test -run '^$' -bench GetOrdersQuiptLatency -benchtime 1x ./jobs/getorders/
func BenchmarkGetOrdersQuiptLatency(b *testing.B) {
	benchDrain(b, 1000, 0, "drain_s", time.Second)
}

// BenchmarkBacklogDrain10k imports a backlog of 10,000 orders with Quipt
// taking 100 ms per call (QUIPT_CONCURRENCY 8) and ShipStation at 40
// requests a minute, and reports drain_min, the run's wall-clock time in
// minutes (goal ≤ 2.5), beside floor_min, the Quipt creates' floor
// (10,000 × 100 ms / 8). It takes about three minutes per iteration:
//
//	go test -run '^$' -bench BacklogDrain10k -benchtime 1x -timeout 20m ./jobs/getorders/
func BenchmarkBacklogDrain10k(b *testing.B) {
	benchDrain(b, 10000, 40, "drain_min", time.Minute)
}

// benchDrain runs drain(b, n, ssLimit) per iteration and reports the mean
// drain time, and the floor of the Quipt creates (n × quiptLatency / 8), in
// unit ("drain_s" in time.Second, say).
func benchDrain(b *testing.B, n, ssLimit int, metric string, unit time.Duration) {
	var total time.Duration
	for b.Loop() {
		total += drain(b, n, ssLimit)
	}
	b.ReportMetric(float64(total)/float64(unit)/float64(b.N), metric)
	floor := time.Duration(n) * quiptLatency / 8
	b.ReportMetric(float64(floor)/float64(unit), strings.Replace(metric, "drain", "floor", 1))
}
