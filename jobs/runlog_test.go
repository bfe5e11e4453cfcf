package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/scheduler"
)

// A retry warning of either connector, during a run the scheduler started,
// carries the run's job and run_id: the scheduler puts the run's logger on
// the context and the transport logs there.
func TestConnectorRetryWarningsCarryTheRun(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	w.SS.FailNext("", 1, http.StatusBadGateway)
	w.Q.FailNext("/v2/orders/fulfillment/1/1", 1, http.StatusBadGateway)
	var runID string
	err := w.Run(context.Background(), "get-orders", func(ctx context.Context, run *scheduler.Run) error {
		runID = run.ID
		if _, err := w.ShipStation.Users.List(ctx); err != nil {
			return err
		}
		return w.Quipt.Ping(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, line := range bytes.Split([]byte(w.Log.String()), []byte("\n")) {
		var m map[string]any
		if json.Unmarshal(line, &m) != nil || m["message"] != "request failed; retrying" {
			continue
		}
		if m["job"] != "get-orders" || m["run_id"] != runID {
			t.Errorf("retry warning %v: want job get-orders and run_id %s", m, runID)
		}
		up, _ := m["upstream"].(string)
		seen[up] = true
	}
	if !seen["shipstation"] || !seen["quipt"] {
		t.Errorf("retry warnings seen from %v, want both connectors:\n%s", seen, w.Log.String())
	}
}
