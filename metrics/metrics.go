// Package metrics holds shipsync's Prometheus collectors. They are registered
// on a registry the caller owns, never on the global default one.
package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics is the set of collectors the daemon exports on /metrics.
type Metrics struct {
	runs          *prometheus.CounterVec
	runDuration   *prometheus.HistogramVec
	items         *prometheus.CounterVec
	requests      *prometheus.CounterVec
	requestTime   *prometheus.HistogramVec
	rateRemaining prometheus.Gauge
	breakerState  *prometheus.GaugeVec
	cursorLag     *prometheus.GaugeVec
	deadLetters   *prometheus.GaugeVec
	lastSuccess   *prometheus.GaugeVec
	listings      *prometheus.GaugeVec
	drift         *prometheus.GaugeVec
}

// New creates the collectors and registers them on reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shipsync_runs_total", Help: "Job runs by job and outcome (success, error).",
		}, []string{"job", "outcome"}),
		runDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "shipsync_run_duration_seconds", Help: "Duration of job runs.",
			Buckets: []float64{0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600},
		}, []string{"job"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shipsync_items_total", Help: "Items handled by job and outcome (created, updated, skipped, dead_lettered, ...).",
		}, []string{"job", "outcome"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shipsync_api_requests_total", Help: "Upstream API requests by upstream, endpoint and HTTP status (0 = no response).",
		}, []string{"upstream", "endpoint", "status"}),
		requestTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "shipsync_api_request_duration_seconds", Help: "Upstream API request latency.",
			Buckets: prometheus.DefBuckets,
		}, []string{"upstream", "endpoint"}),
		rateRemaining: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "shipsync_shipstation_rate_limit_remaining", Help: "X-Rate-Limit-Remaining of the last ShipStation response.",
		}),
		breakerState: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "shipsync_breaker_state", Help: "Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.",
		}, []string{"upstream"}),
		cursorLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "shipsync_cursor_lag_seconds", Help: "Now minus the cursor of a job, at the end of its last run.",
		}, []string{"job", "cursor"}),
		deadLetters: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "shipsync_dead_letters", Help: "Items waiting in the dead-letter list, by job.",
		}, []string{"job"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "shipsync_last_success_timestamp_seconds", Help: "Unix time of the job's last successful run in this process.",
		}, []string{"job"}),
		listings: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "shipsync_listings", Help: "SKUs found by the last link-listings run: linked, shipstation_only, quipt_only.",
		}, []string{"state"}),
		drift: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "shipsync_drift_items", Help: "Divergences the last reconcile left (after its repair), by kind.",
		}, []string{"kind"}),
	}
	reg.MustRegister(m.runs, m.runDuration, m.items, m.requests, m.requestTime, m.rateRemaining,
		m.breakerState, m.cursorLag, m.deadLetters, m.lastSuccess, m.listings, m.drift)
	return m
}

// RunDone records one finished job run.
func (m *Metrics) RunDone(job string, d time.Duration, err error) {
	outcome := "success"
	if err != nil {
		outcome = "error"
	} else {
		m.lastSuccess.WithLabelValues(job).Set(float64(time.Now().Unix()))
	}
	m.runs.WithLabelValues(job, outcome).Inc()
	m.runDuration.WithLabelValues(job).Observe(d.Seconds())
}

// Items adds n items with the given outcome to job's counter.
func (m *Metrics) Items(job, outcome string, n int) {
	if n > 0 {
		m.items.WithLabelValues(job, outcome).Add(float64(n))
	}
}

// CursorLag sets how far job's cursor trails now.
func (m *Metrics) CursorLag(job, cursor string, lag time.Duration) {
	m.cursorLag.WithLabelValues(job, cursor).Set(lag.Seconds())
}

// DeadLetters sets the number of dead letters waiting for job.
func (m *Metrics) DeadLetters(job string, n int) {
	m.deadLetters.WithLabelValues(job).Set(float64(n))
}

// Listings sets the SKU counts of the last link-listings run.
func (m *Metrics) Listings(linked, shipStationOnly, quiptOnly int) {
	m.listings.WithLabelValues("linked").Set(float64(linked))
	m.listings.WithLabelValues("shipstation_only").Set(float64(shipStationOnly))
	m.listings.WithLabelValues("quipt_only").Set(float64(quiptOnly))
}

// Drift sets, per kind, the divergences the last reconcile left.
func (m *Metrics) Drift(byKind map[string]int) {
	for kind, n := range byKind {
		m.drift.WithLabelValues(kind).Set(float64(n))
	}
}

// Upstream returns the observer a connector reports its requests to.
func (m *Metrics) Upstream(name string) *UpstreamObserver {
	return &UpstreamObserver{m: m, upstream: name}
}

// UpstreamObserver receives request, rate-limit and breaker events from one
// connector; it satisfies both connectors' Observer interfaces.
type UpstreamObserver struct {
	m        *Metrics
	upstream string
}

// ObserveRequest counts one request attempt and its latency.
func (o *UpstreamObserver) ObserveRequest(endpoint string, status int, d time.Duration) {
	o.m.requests.WithLabelValues(o.upstream, endpoint, strconv.Itoa(status)).Inc()
	o.m.requestTime.WithLabelValues(o.upstream, endpoint).Observe(d.Seconds())
}

// ObserveRateRemaining records the server's remaining request budget.
func (o *UpstreamObserver) ObserveRateRemaining(remaining int) {
	o.m.rateRemaining.Set(float64(remaining))
}

// ObserveBreakerState records the breaker's state name ("closed", "half-open", "open").
func (o *UpstreamObserver) ObserveBreakerState(state string) {
	v := 0.0
	switch state {
	case "half-open":
		v = 1
	case "open":
		v = 2
	}
	o.m.breakerState.WithLabelValues(o.upstream).Set(v)
}
