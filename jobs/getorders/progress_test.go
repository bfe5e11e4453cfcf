package getorders

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

func TestLongRunsLogProgressPerPage(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	for i := range 1200 { // pages of 500, 500 and 200
		addOrder(w, seed{number: fmt.Sprintf("P-%04d", i), created: now.Add(-time.Duration(i) * time.Minute), method: "Ground"})
	}
	w.Env.ProgressAfter = time.Nanosecond // every run counts as long
	if err := w.Run(context.Background(), jobs.NameGetOrders, newJob(w).Run); err != nil {
		t.Fatalf("run: %v", err)
	}
	lines := w.Log.Events("progress")
	if len(lines) != 3 {
		t.Fatalf("%d progress lines, want one per page (3):\n%v", len(lines), lines)
	}
	for i, done := range []float64{500, 1000, 1200} {
		l := lines[i]
		if l["done"] != done || l["total"] != 1200.0 || l["pages"] != float64(i+1) || l["list"] != "list ShipStation orders" {
			t.Errorf("progress line %d = %v, want page %d, %v of 1200 done", i, l, i+1, done)
		}
		if rate, _ := l["per_second"].(float64); rate <= 0 {
			t.Errorf("progress line %d: per_second = %v, want a positive rate", i, l["per_second"])
		}
		eta, ok := l["eta_s"].(float64)
		if !ok || (done == 1200 && eta != 0) || eta < 0 {
			t.Errorf("progress line %d: eta_s = %v, want it, 0 once all is done", i, l["eta_s"])
		}
		if l["job"] != jobs.NameGetOrders || l["run_id"] == nil {
			t.Errorf("progress line %d = %v, want the run's job and run_id", i, l)
		}
	}

	// A run shorter than ProgressAfter logs none.
	w.Env.ProgressAfter = time.Hour
	before := len(w.Log.Events("progress"))
	if err := w.Run(context.Background(), jobs.NameGetOrders, newJob(w).Run); err != nil {
		t.Fatalf("run: %v", err)
	}
	if n := len(w.Log.Events("progress")) - before; n != 0 {
		t.Errorf("a short run logged %d progress lines, want none", n)
	}
}
