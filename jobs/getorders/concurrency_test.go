package getorders

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// concurrency is QUIPT_CONCURRENCY in these tests (its default).
const concurrency = 8

// concurrentWorld is a world whose Quipt client applies concurrency
// requests at once and whose Quipt sandbox takes latency per call, so that
// calls overlap.
func concurrentWorld(t *testing.T, latency time.Duration, o jobstest.Options) *jobstest.World {
	o.QuiptOptions = append(o.QuiptOptions, quipt.WithConcurrency(concurrency))
	o.QuiptSandbox = append(o.QuiptSandbox, quipttest.WithLatency(latency))
	return newWorld(t, o)
}

// checkImportedOnce fails unless every order of want is a Quipt purchase
// order, created by exactly one write that was not a duplicate, unless
// allowed (a write whose answer was lost is repeated and answered as one).
func checkImportedOnce(t *testing.T, w *jobstest.World, want []sst.Order) {
	t.Helper()
	pos := purchaseOrdersByRef(t, w.Q)
	if len(pos) != len(want) {
		t.Fatalf("Quipt holds %d purchase orders, want %d", len(pos), len(want))
	}
	fresh := map[string]int{}
	for _, wr := range w.Q.Writes() {
		if !wr.Duplicate {
			fresh[wr.Key]++
		}
	}
	for _, o := range want {
		if _, ok := pos[ref(o)]; !ok {
			t.Fatalf("order %s was lost", o.OrderNumber)
		}
		if n := fresh[ref(o)]; n != 1 {
			t.Fatalf("order %s created %d times, want 1", o.OrderNumber, n)
		}
	}
}

func TestImportsUseQuiptConcurrencyAndNeverMore(t *testing.T) {
	w := concurrentWorld(t, 20*time.Millisecond, jobstest.Options{})
	var want []sst.Order
	for i := range 200 {
		want = append(want, addOrder(w, seed{number: fmt.Sprintf("C-%04d", i), created: now.Add(-time.Duration(i) * time.Minute), method: "Ground"}))
	}
	if err := w.Run(context.Background(), jobs.NameGetOrders, newJob(w).Run); err != nil {
		t.Fatalf("run: %v", err)
	}
	checkImportedOnce(t, w, want)
	if got := w.Q.MaxInFlight(); got != concurrency {
		t.Errorf("at most %d Quipt requests were in flight, want exactly QUIPT_CONCURRENCY = %d", got, concurrency)
	}
}

func TestConcurrentImportsLoseAndDuplicateNothingUnderFaults(t *testing.T) {
	// Every 40th create reaches Quipt, but its answer is lost.
	w := concurrentWorld(t, 5*time.Millisecond, jobstest.Options{QuiptTransport: loseEveryNthCreateAnswer(40)})
	var want []sst.Order
	for i := range 600 { // two pages of 500
		want = append(want, addOrder(w, seed{number: fmt.Sprintf("F-%04d", i), created: now.Add(-time.Duration(i) * time.Minute), method: "Ground"}))
	}
	w.Q.FailNext("/v2/orders/purchase", 2, 503)
	w.Q.RateLimitNext(2, 0)
	w.Q.DropNext("/v2/orders/purchase", 1)
	w.Q.DropAfterApply("/v2/orders/purchase", 2)

	if err := w.Run(context.Background(), jobs.NameGetOrders, newJob(w).Run); err != nil {
		t.Fatalf("run: %v", err)
	}
	checkImportedOnce(t, w, want)
	if got := w.Q.MaxInFlight(); got > concurrency {
		t.Errorf("%d Quipt requests were in flight at once, want at most %d", got, concurrency)
	}
}
