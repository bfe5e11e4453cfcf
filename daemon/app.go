package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime"
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
	"github.com/shipsync/shipsync/metrics"
	"github.com/shipsync/shipsync/scheduler"
	"github.com/shipsync/shipsync/state"
)

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
	// Version is the build's version, for the start line and
	// shipsync_build_info; Revision its VCS revision.
	Version, Revision string
	// Schedule, when set, is the schedule of every job, whatever the
	// configuration says (the demo runs every job every few seconds).
	Schedule *config.Schedule
}

// App is one shipsync process: its parts and its jobs. Start and Stop run it
// as the daemon (daemon.go); Once, Check and the dead-letter commands use
// the same parts.
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
	Jobs []Job
	// disabled are the jobs the preflight disabled, with why (enable).
	disabled map[string]string
	env      *jobs.Env
	// reach remembers the upstreams the preflight could not reach (readiness).
	reach *reachability

	version string
	// The life cycle (daemon.go).
	addr    string             // the ops server's address, once started
	cancel  context.CancelFunc // asks the running daemon to stop
	stopped chan struct{}      // closed once it has stopped
	err     error              // why it stopped, set before stopped closes
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
	m.BuildInfo(opts.Version, opts.Revision, runtime.Version())

	window := time.Minute
	if opts.RateWindow > 0 {
		window = opts.RateWindow
		log.Info().Int64("rate_window_ms", window.Milliseconds()).Msg("the ShipStation rate budget is renewed every rate window instead of every minute")
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
		quipt.WithConcurrency(cfg.QuiptConcurrency),
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
	reach := &reachability{}
	schedOpts := []scheduler.Option{scheduler.WithHooks(scheduler.Hooks{OnRunDone: func(job string, _ time.Time, d time.Duration, err error) {
		m.RunDone(job, d, err)
		if err == nil {
			reach.runSucceeded()
		}
		refreshDeadLetters(store, m, log)
	}, OnRunSkipped: func(job string, leaseHeld bool) {
		reason := metrics.SkipRedisUnavailable
		if leaseHeld {
			reason = metrics.SkipLeaseHeld
		}
		m.RunSkipped(job, reason)
	}})}
	schedOpts = append(schedOpts, scheduler.WithLeaseTTL(cfg.LeaseTTL))
	if opts.Owner != "" {
		schedOpts = append(schedOpts, scheduler.WithOwner(opts.Owner))
	}
	a := &App{
		Config:      cfg,
		Log:         log,
		version:     opts.Version,
		reach:       reach,
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
			WriteSettle: cfg.WriteSettle,
			RateWindow:  window,
		},
	}
	a.Jobs = jobList(cfg, a.env, a.Scheduler, a.idle)
	if opts.Schedule != nil {
		log.Info().Stringer("schedule", opts.Schedule).Msg("every job runs on this schedule, whatever the configured schedules say")
		for i := range a.Jobs {
			a.Jobs[i].Schedule = *opts.Schedule
		}
	}
	return a, nil
}

// Close releases the Redis connection.
func (a *App) Close() error { return a.Redis.Close() }

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
