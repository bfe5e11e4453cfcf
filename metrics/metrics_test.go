package metrics

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestCollectorsRecordWhatTheyAreTold(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.RunDone("get-orders", time.Second, nil)
	m.RunDone("get-orders", time.Second, errors.New("boom"))
	m.Items("get-orders", "created", 3)
	ss := m.Upstream("shipstation")
	ss.ObserveRequest("/orders", 200, 10*time.Millisecond)
	ss.ObserveRequest("/orders", 429, 10*time.Millisecond)
	ss.ObserveRateRemaining(17)
	ss.ObserveBreakerState("open")

	if got := testutil.ToFloat64(m.runs.WithLabelValues("get-orders", "error")); got != 1 {
		t.Errorf("error runs = %v, want 1", got)
	}
	if got := testutil.ToFloat64(m.items.WithLabelValues("get-orders", "created")); got != 3 {
		t.Errorf("created items = %v, want 3", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("shipstation", "/orders", "429")); got != 1 {
		t.Errorf("429 requests = %v, want 1", got)
	}
	if got := testutil.ToFloat64(m.rateRemaining); got != 17 {
		t.Errorf("rate remaining = %v, want 17", got)
	}
	if got := testutil.ToFloat64(m.breakerState.WithLabelValues("shipstation")); got != 2 {
		t.Errorf("breaker state = %v, want 2 (open)", got)
	}
	err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP shipsync_shipstation_rate_limit_remaining X-Rate-Limit-Remaining of the last ShipStation response.
# TYPE shipsync_shipstation_rate_limit_remaining gauge
shipsync_shipstation_rate_limit_remaining 17
`), "shipsync_shipstation_rate_limit_remaining")
	if err != nil {
		t.Error(err)
	}
}
