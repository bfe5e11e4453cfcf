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

// TestMetricNamesPassTheLinter runs client_golang's promlint (the checks of
// promtool check metrics) over every collector, each with a sample.
func TestMetricNamesPassTheLinter(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.RunDone("get-orders", time.Second, nil)
	for _, o := range ItemOutcomes {
		m.Items("get-orders", o, 1)
	}
	m.Seen("get-orders", 2)
	m.Detail("get-orders", "assigned", 1)
	m.RunSkipped("get-orders", SkipLeaseHeld)
	m.BuildInfo("v1.2.3", "abc123", "go1.26.0")
	m.CursorLag("sync-cancels", "orders-modified", time.Second)
	m.DeadLetters("get-orders", 1)
	m.Listings(1, 2, 3)
	o := m.Upstream("quipt")
	o.ObserveRequest("/x", 200, time.Millisecond)
	o.ObserveRateRemaining(3)
	o.ObserveBreakerState("open")
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
	want := `
# HELP shipsync_build_info Always 1; the labels name the running build.
# TYPE shipsync_build_info gauge
shipsync_build_info{go_version="go1.26.0",revision="abc123",version="v1.2.3"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "shipsync_build_info"); err != nil {
		t.Error(err)
	}
}
