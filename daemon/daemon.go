// Package daemon wires a validated configuration into the running parts of
// shipsync: the Redis state store, both connectors, the metrics, the jobs and
// the scheduler. Every command (run, once, check, demo, deadletters) builds its
// parts here, so the demo and the tests exercise the same wiring as production.
package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/retry"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/getorders"
	"github.com/shipsync/shipsync/jobs/linklistings"
	"github.com/shipsync/shipsync/jobs/pushorders"
	"github.com/shipsync/shipsync/jobs/synccancels"
	"github.com/shipsync/shipsync/jobs/synctracking"
	"github.com/shipsync/shipsync/metrics"
	"github.com/shipsync/shipsync/scheduler"
	"github.com/shipsync/shipsync/state"
)

// runTimeout bounds one job run; a run still going then is cancelled and the
// next scheduled run starts over from its cursor.
const runTimeout = 30 * time.Minute

// Options tune what New builds; the zero value is production.
type Options struct {
	// HTTPClient is used for both upstreams; nil means a client with a 60 s timeout.
	HTTPClient *http.Client
	// Retry overrides the retry policy of both connectors (tests, demo).
	Retry *retry.Policy
	// RateWindow overrides the one-minute ShipStation rate window (tests).
	RateWindow time.Duration
	// Now overrides the clock of the jobs (tests).
	Now func() time.Time
	// Owner names this replica in leases; "" means hostname, pid and a random suffix.
	Owner string
}

// App is one shipsync process: its parts and its jobs.
type App struct {
	Config      *config.Config
	Log         zerolog.Logger
	Redis       redis.UniversalClient
	Store       *state.Store
	Registry    *prometheus.Registry
	Metrics     *metrics.Metrics
	ShipStation *shipstation.Client
	Quipt       *quipt.Client
	Scheduler   *scheduler.Scheduler
	// Jobs lists every job with its schedule, enabled or not.
	Jobs []scheduler.Job
	env  *jobs.Env
}

// New builds the App for cfg. It does not contact any server.
func New(cfg *config.Config, log zerolog.Logger, opts Options) (*App, error) {
	redisOpts, err := redis.ParseURL(cfg.RedisURL.Reveal())
	if err != nil {
		// The URL may hold a password: say which variable, not what it holds.
		return nil, fmt.Errorf("REDIS_URL: not a valid redis URL")
	}
	rdb := redis.NewClient(redisOpts)

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := metrics.New(reg)

	window := time.Minute
	if opts.RateWindow > 0 {
		window = opts.RateWindow
	}
	budget := state.NewRateBudget(rdb, cfg.StatePrefix, keyID(cfg.ShipStationAPIKey.Reveal()), cfg.ShipStationRateLimit, window)

	ssOpts := []shipstation.Option{
		shipstation.WithBaseURL(cfg.ShipStationBaseURL),
		shipstation.WithCredentials(cfg.ShipStationAPIKey.Reveal(), cfg.ShipStationAPISecret.Reveal()),
		shipstation.WithPacer(budget),
		shipstation.WithLogger(log),
		shipstation.WithObserver(m.Upstream("shipstation")),
	}
	if pk := cfg.ShipStationPartnerKey.Reveal(); pk != "" {
		ssOpts = append(ssOpts, shipstation.WithPartnerKey(pk))
	}
	qOpts := []quipt.Option{
		quipt.WithBaseURL(cfg.QuiptBaseURL),
		quipt.WithCredentials(cfg.QuiptConsumerKey, cfg.QuiptConsumerSecret.Reveal(), cfg.QuiptToken, cfg.QuiptTokenSecret.Reveal()),
		quipt.WithLogger(log),
		quipt.WithObserver(m.Upstream("quipt")),
	}
	if opts.HTTPClient != nil {
		ssOpts = append(ssOpts, shipstation.WithHTTPClient(opts.HTTPClient))
		qOpts = append(qOpts, quipt.WithHTTPClient(opts.HTTPClient))
	}
	if opts.Retry != nil {
		ssOpts = append(ssOpts, shipstation.WithRetryPolicy(*opts.Retry))
		qOpts = append(qOpts, quipt.WithRetryPolicy(*opts.Retry))
	}
	ss, err := shipstation.NewClient(ssOpts...)
	if err != nil {
		return nil, fmt.Errorf("shipstation client: %w", err)
	}
	q, err := quipt.NewClient(qOpts...)
	if err != nil {
		return nil, fmt.Errorf("quipt client: %w", err)
	}
	// The Quipt client reports breaker changes only; start its gauge off.
	m.Upstream("quipt").ObserveBreakerState(q.BreakerState())

	store := state.New(rdb, cfg.StatePrefix)
	schedOpts := []scheduler.Option{scheduler.WithHooks(scheduler.Hooks{OnRunDone: func(job string, _ time.Time, d time.Duration, err error) {
		m.RunDone(job, d, err)
		refreshDeadLetters(store, m, log)
	}})}
	schedOpts = append(schedOpts, scheduler.WithLeaseTTL(cfg.LeaseTTL))
	if opts.Owner != "" {
		schedOpts = append(schedOpts, scheduler.WithOwner(opts.Owner))
	}
	a := &App{
		Config:      cfg,
		Log:         log,
		Redis:       rdb,
		Store:       store,
		Registry:    reg,
		Metrics:     m,
		ShipStation: ss,
		Quipt:       q,
		Scheduler:   scheduler.New(store, log, schedOpts...),
		env: &jobs.Env{
			ShipStation: ss,
			Quipt:       q,
			Store:       store,
			Metrics:     m,
			DryRun:      cfg.DryRun,
			Now:         opts.Now,
		},
	}
	a.Jobs = a.buildJobs()
	return a, nil
}

// buildJobs returns every job with its configured schedule.
func (a *App) buildJobs() []scheduler.Job {
	cfg := a.Config
	warehouseCodes := make(map[int64]string, len(cfg.Warehouses))
	for code, id := range cfg.Warehouses {
		warehouseCodes[id] = code
	}
	getOrders := &getorders.GetOrders{
		Env:            a.env,
		Status:         cfg.GetOrdersStatus,
		TagID:          cfg.GetOrdersTagID,
		Days:           cfg.GetOrdersDays,
		AssignUserID:   cfg.AssignUserID,
		Selector:       cfg.Selector(),
		WarehouseCodes: warehouseCodes,
	}
	pushOrders := &pushorders.PushOrders{
		Env:            a.env,
		IncludePending: cfg.PushPendingOrders,
		SingleStoreID:  cfg.SingleStoreID,
		ChannelStores:  cfg.ChannelStores,
		Warehouses:     cfg.Warehouses,
		Selector:       cfg.Selector(),
	}
	syncTracking := &synctracking.SyncTracking{
		Env:                a.env,
		NotifyCustomer:     cfg.NotifyCustomer,
		NotifySalesChannel: cfg.NotifySalesChannel,
	}
	syncCancels := &synccancels.SyncCancels{Env: a.env, Mode: string(cfg.CancelMode)}
	linkListings := &linklistings.LinkListings{Env: a.env}
	return []scheduler.Job{
		{Name: jobs.NameGetOrders, Schedule: cfg.GetOrdersSchedule.Cron(), Timeout: runTimeout, Run: getOrders.Run},
		{Name: jobs.NamePushOrders, Schedule: cfg.PushOrdersSchedule.Cron(), Timeout: runTimeout, Run: pushOrders.Run},
		{Name: jobs.NameSyncTracking, Schedule: cfg.SyncTrackingSchedule.Cron(), Timeout: runTimeout, Run: syncTracking.Run},
		{Name: jobs.NameSyncCancels, Schedule: cfg.SyncCancelsSchedule.Cron(), Timeout: runTimeout, Run: syncCancels.Run},
		{Name: jobs.NameLinkListings, Schedule: cfg.LinkListingsSchedule.Cron(), Timeout: runTimeout, Run: linkListings.Run},
	}
}

// Enable registers the jobs with the scheduler, all but those named in
// disabled (a job whose configuration did not resolve in the preflight).
func (a *App) Enable(disabled map[string]string) error {
	for _, j := range a.Jobs {
		if reason, off := disabled[j.Name]; off {
			a.Log.Error().Str("job", j.Name).Str("reason", reason).Msg("job disabled: its configuration does not resolve")
			j.Schedule = nil
		}
		if err := a.Scheduler.Add(j); err != nil {
			return fmt.Errorf("schedule %s: %w", j.Name, err)
		}
	}
	return nil
}

// SetUSPSCode tells the jobs which ShipStation carrier code USPS labels use on
// this account (found by the preflight); call it before the scheduler starts.
func (a *App) SetUSPSCode(code string) { a.env.USPSCode = code }

// HasJob reports whether name is one of the jobs.
func (a *App) HasJob(name string) bool {
	for _, j := range a.Jobs {
		if j.Name == name {
			return true
		}
	}
	return false
}

// Close releases the Redis connection.
func (a *App) Close() error { return a.Redis.Close() }

// Ping checks that Redis answers.
func (a *App) Ping(ctx context.Context) error { return a.Store.Ping(ctx) }

// refreshDeadLetters sets the dead-letter gauge of every job from Redis.
func refreshDeadLetters(store *state.Store, m *metrics.Metrics, log zerolog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := store.CountDeadLetters(ctx)
	if err != nil {
		log.Warn().Err(err).Msg("cannot count dead letters for the metric")
		return
	}
	for job, n := range counts {
		m.DeadLetters(job, n)
	}
}

// keyID names a ShipStation key pair in Redis without revealing it: the rate
// budget is shared by every replica using the same pair.
func keyID(apiKey string) string {
	sum := sha256.Sum256([]byte("shipsync rate budget\x00" + apiKey))
	return hex.EncodeToString(sum[:8])
}
