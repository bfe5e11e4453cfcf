package jobs_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// TestRedisWipeDoesNotOverspendTheBudget: Redis loses the shared budget's
// claims twice in a stream of ShipStation requests, on a key pair whose
// server limit is twice this worker's share (so the server's "nothing
// remaining" never stops it); counted at the sandbox, no interval of the
// window's length holds more than the worker's limit.
func TestRedisWipeDoesNotOverspendTheBudget(t *testing.T) {
	const limit, window = 4, time.Second
	w := jobstest.New(t, jobstest.Options{RateLimit: limit, RateWindow: window, ServerRateLimit: 2 * limit})
	o := w.SS.AddOrder(sst.Order{OrderNumber: "RL-1", OrderStatus: sst.StatusAwaitingShipment})
	ctx := context.Background()
	for i := range 20 {
		if i == 6 || i == 13 {
			w.Redis.Wipe()
		}
		if _, err := w.ShipStation.Orders.Get(ctx, o.OrderID); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if got := w.SS.MaxInWindowAll(window); got > limit {
		t.Errorf("%d requests within %v, limit %d", got, window, limit)
	}
	for _, r := range w.SS.Requests() {
		if r.Status == http.StatusTooManyRequests {
			t.Errorf("request %s %s got a 429", r.Method, r.Path)
		}
	}
}
