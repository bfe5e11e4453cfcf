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
	runsSkipped   *prometheus.CounterVec
	itemsSeen     *prometheus.CounterVec
	itemDetails   *prometheus.CounterVec
	buildInfo     *prometheus.GaugeVec
	drift         *prometheus.GaugeVec
}

// ItemOutcomes are the values of shipsync_items_total's outcome label. Each
// item a run handles ends in exactly one of them, so they add up to the
// items handled: created and updated (shipsync changed something upstream),
// already_existed (upstream already held the effect: recorded, not done
// again), skipped (nothing to do, or parked), dead_lettered. Finer,
// overlapping counts (assigned, voided, skipped_parked, ...) are
// shipsync_item_details_total.
var ItemOutcomes = []string{"created", "updated", "already_existed", "skipped", "dead_lettered"}

// Reasons a run is skipped, the values of shipsync_runs_skipped_total's reason.
const (
	SkipBreakerOpen      = "breaker_open"
	SkipRedisUnavailable = "redis_unavailable"
	SkipLeaseHeld        = "lease_held"
)

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
			Name: "shipsync_items_total", Help: "Items handled by job and outcome; every item ends in exactly one outcome: created, updated, already_existed, skipped, dead_lettered.",
		}, []string{"job", "outcome"}),
		itemsSeen: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shipsync_items_seen_total", Help: "Items listed by job runs, handled or not.",
		}, []string{"job"}),
		itemDetails: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shipsync_item_details_total", Help: "Job-specific counts of what runs did (assigned, voided, skipped_parked, ...); they overlap each other and the outcomes.",
		}, []string{"job", "detail"}),
		runsSkipped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shipsync_runs_skipped_total", Help: "Scheduled runs that did not run, by job and reason: breaker_open, redis_unavailable, lease_held (another replica runs it).",
		}, []string{"job", "reason"}),
		buildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "shipsync_build_info", Help: "Always 1; the labels name the running build.",
		}, []string{"version", "revision", "go_version"}),
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
			Name: "shipsync_cursor_lag_seconds", Help: "How far a job's cursor trails now, without the re-read overlap: near zero when the job keeps up.",
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
		m.breakerState, m.cursorLag, m.deadLetters, m.lastSuccess, m.listings,
		m.runsSkipped, m.itemsSeen, m.itemDetails, m.buildInfo, m.drift)
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

// BuildInfo sets shipsync_build_info for the running build.
func (m *Metrics) BuildInfo(version, revision, goVersion string) {
	m.buildInfo.WithLabelValues(version, revision, goVersion).Set(1)
}

// RunSkipped counts one run of job that did not run, for reason (Skip*).
func (m *Metrics) RunSkipped(job, reason string) {
	m.runsSkipped.WithLabelValues(job, reason).Inc()
}

// Seen adds n items listed by a run of job.
func (m *Metrics) Seen(job string, n int) {
	if n > 0 {
		m.itemsSeen.WithLabelValues(job).Add(float64(n))
	}
}

// Detail adds n to a job-specific count.
func (m *Metrics) Detail(job, detail string, n int) {
	if n > 0 {
		m.itemDetails.WithLabelValues(job, detail).Add(float64(n))
	}
}

// Items adds n items with the given outcome (one of ItemOutcomes) to job's counter.
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
