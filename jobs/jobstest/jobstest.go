// Package jobstest builds the world a job test runs in: the ShipStation and
// Quipt sandboxes, a Redis (real when SHIPSYNC_TEST_REDIS_URL is set), real
// connector clients pointed at the sandboxes, the state store and a scheduler
// through which runs take their lease exactly as in production.
package jobstest

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/connector/retry"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/internal/redistest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/scheduler"
	"github.com/shipsync/shipsync/state"
)

// Credentials the sandboxes of a World check.
const (
	SSKey          = "test-ss-key-6f1c"
	SSSecret       = "test-ss-secret-9a7d"
	ConsumerKey    = "test-consumer-key"
	ConsumerSecret = "test-consumer-secret-4b2e"
	Token          = "test-token"
	TokenSecret    = "test-token-secret-8c3a"
)

// FastRetry is a retry policy with the production attempt count and
// millisecond waits, so fault tests stay fast.
var FastRetry = retry.Policy{Attempts: 6, Base: time.Millisecond, Max: 5 * time.Millisecond}

// World is one test's pair of sandboxes and everything wired to them.
type World struct {
	SS          *shipstationtest.Server
	Q           *quipttest.Server
	Redis       *redistest.Redis
	Store       *state.Store
	ShipStation *shipstation.Client
	Quipt       *quipt.Client
	Env         *jobs.Env
	// Now is the world's clock.
	Now func() time.Time
	// Log receives every job log line; tests may inspect it.
	Log *LogBuffer
	log zerolog.Logger
}

// Options change how New builds a World.
type Options struct {
	// RateLimit and RateWindow set the ShipStation sandbox's limit and the
	// client's pace; zero turns the sandbox limit off and paces at 10,000/s.
	RateLimit  int
	RateWindow time.Duration
	// ServerRateLimit, when set, is the sandbox's limit per RateWindow
	// instead of RateLimit: a key pair whose server limit is above this
	// worker's share.
	ServerRateLimit int
	// Start, when set, is the time the world's clock shows at New; the clock
	// then advances in real time. It drives the jobs and the ShipStation
	// sandbox (creation dates, rate windows). Zero means the real clock.
	Start time.Time
	// Clock, when set, is the world's clock instead (a test that steps time
	// itself); it drives the jobs and the ShipStation sandbox as Start does.
	Clock func() time.Time
	// QuiptTransport, when set, wraps the Quipt client's transport (to fail
	// or cut requests in tests).
	QuiptTransport func(http.RoundTripper) http.RoundTripper
	// SharedRedis, when set, is used instead of a fresh one (several replicas).
	SharedRedis *redistest.Redis
	// ShipStationOptions and QuiptOptions are added after the World's own
	// client options (to set a breaker threshold, say).
	ShipStationOptions []shipstation.Option
	QuiptOptions       []quipt.Option
	// QuiptSandbox are added after the Quipt sandbox's own options (to add
	// latency, say).
	QuiptSandbox []quipttest.Option
}

// clock is the world's clock: Clock, else one that starts at Start and
// advances in real time, else nil (the real clock).
func (o Options) clock() func() time.Time {
	if o.Clock != nil {
		return o.Clock
	}
	if o.Start.IsZero() {
		return nil
	}
	base, began := o.Start, time.Now()
	return func() time.Time { return base.Add(time.Since(began)) }
}

// New builds a World and registers its clean-up with t.
func New(t testing.TB, o Options) *World {
	t.Helper()
	ssOpts := []shipstationtest.Option{shipstationtest.WithCredentials(SSKey, SSSecret), shipstationtest.WithDefaultAccount()}
	limit, window := 10000, time.Second
	if o.RateLimit > 0 {
		limit, window = o.RateLimit, o.RateWindow
		ssOpts = append(ssOpts, shipstationtest.WithRateLimit(max(o.RateLimit, o.ServerRateLimit), o.RateWindow))
	} else {
		ssOpts = append(ssOpts, shipstationtest.WithRateLimit(0, 0))
	}
	clock := o.clock()
	if clock != nil {
		ssOpts = append(ssOpts, shipstationtest.WithClock(clock))
	}
	w := &World{
		SS:  shipstationtest.New(ssOpts...),
		Q:   quipttest.New(append([]quipttest.Option{quipttest.WithCredentials(ConsumerKey, ConsumerSecret, Token, TokenSecret)}, o.QuiptSandbox...)...),
		Log: &LogBuffer{},
	}
	t.Cleanup(w.SS.Close)
	t.Cleanup(w.Q.Close)
	w.Redis = o.SharedRedis
	if w.Redis == nil {
		w.Redis = redistest.New(t)
	}
	w.Store = state.New(w.Redis.Client, w.Redis.Prefix)

	w.log = zerolog.New(w.Log).Level(zerolog.DebugLevel)
	log := w.log
	pacer := state.NewRateBudget(w.Redis.Client, w.Redis.Prefix, "test", limit, window)
	var err error
	ssClientOpts := []shipstation.Option{
		shipstation.WithBaseURL(w.SS.URL()),
		shipstation.WithCredentials(SSKey, SSSecret),
		shipstation.WithPacer(pacer),
		shipstation.WithRetryPolicy(FastRetry),
		shipstation.WithLogger(log),
	}
	w.ShipStation, err = shipstation.NewClient(append(ssClientOpts, o.ShipStationOptions...)...)
	if err != nil {
		t.Fatal(err)
	}
	qOpts := []quipt.Option{
		quipt.WithBaseURL(w.Q.URL()),
		quipt.WithCredentials(ConsumerKey, ConsumerSecret, Token, TokenSecret),
		quipt.WithRetryPolicy(FastRetry),
		quipt.WithLogger(log),
	}
	if o.QuiptTransport != nil {
		qOpts = append(qOpts, quipt.WithHTTPClient(&http.Client{Timeout: 30 * time.Second, Transport: o.QuiptTransport(http.DefaultTransport)}))
	}
	w.Quipt, err = quipt.NewClient(append(qOpts, o.QuiptOptions...)...)
	if err != nil {
		t.Fatal(err)
	}
	w.Env = &jobs.Env{ShipStation: w.ShipStation, Quipt: w.Quipt, Store: w.Store, Now: clock}
	w.Now = clock
	if w.Now == nil {
		w.Now = time.Now
	}
	return w
}

// Run runs fn once as job name, through a scheduler: it takes the job's
// lease, so fenced state writes behave as in production.
func (w *World) Run(ctx context.Context, name string, fn scheduler.RunFunc) error {
	sch := scheduler.New(w.Store, w.log, scheduler.WithOwner("jobstest"))
	if err := sch.Add(scheduler.Job{Name: name, Run: fn}); err != nil {
		return err
	}
	return sch.RunOnce(ctx, name)
}

// DeadLetters returns job's dead letters by ID.
func (w *World) DeadLetters(t testing.TB, job string) map[string]state.DeadLetter {
	t.Helper()
	dls, err := w.Store.DeadLetters(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]state.DeadLetter, len(dls))
	for _, d := range dls {
		out[d.ID] = d
	}
	return out
}

// PutRecords writes records in namespace ns under a lease of its own, as
// another job (or an earlier run that crashed) would have written them.
func (w *World) PutRecords(t testing.TB, ns string, kv map[string]string) {
	t.Helper()
	ctx := context.Background()
	l, err := w.Store.AcquireLease(ctx, "test-seed", "jobstest", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Store.ReleaseLease(ctx, l) }()
	if err := w.Store.PutRecords(ctx, l, ns, kv); err != nil {
		t.Fatal(err)
	}
}

// Environ returns the variables that point shipsync at this world: Redis and
// its key prefix, both sandboxes and their credentials. Tests add the job
// settings they need.
func (w *World) Environ() map[string]string {
	return map[string]string{
		"REDIS_URL":              w.Redis.URL,
		"STATE_PREFIX":           w.Redis.Prefix,
		"SHIPSTATION_BASE_URL":   w.SS.URL(),
		"SHIPSTATION_API_KEY":    SSKey,
		"SHIPSTATION_API_SECRET": SSSecret,
		"QUIPT_BASE_URL":         w.Q.URL(),
		"QUIPT_CONSUMER_KEY":     ConsumerKey,
		"QUIPT_CONSUMER_SECRET":  ConsumerSecret,
		"QUIPT_TOKEN":            Token,
		"QUIPT_TOKEN_SECRET":     TokenSecret,
	}
}

// Clock is a clock a test steps by hand; pass its Now as Options.Clock. It
// shows UTC times.
type Clock struct{ ns atomic.Int64 }

// NewClock returns a Clock showing t.
func NewClock(t time.Time) *Clock {
	c := &Clock{}
	c.Set(t)
	return c
}

// Now returns the time the clock shows.
func (c *Clock) Now() time.Time { return time.Unix(0, c.ns.Load()).UTC() }

// Set makes the clock show t.
func (c *Clock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.ns.Add(int64(d)) }
