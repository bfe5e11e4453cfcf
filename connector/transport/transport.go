package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/rs/zerolog"
	"github.com/sony/gobreaker/v2"

	"github.com/shipsync/shipsync/connector/calls"
)

// API is what a connector adds to the shared request path.
type API interface {
	// Authorize adds the credentials to one attempt's request (a Basic auth
	// header, an OAuth signature); it is called anew for every attempt.
	Authorize(req *http.Request) error
	// Check turns a complete answer to r into nil (the call succeeded as far
	// as HTTP goes) or the connector's typed error for it. ctx is the call's.
	Check(ctx context.Context, r Request, a Answer) error
	// Throttled reports whether err, returned by Check, says the server is
	// rate limiting, and how long the server asked to wait.
	Throttled(err error) (wait time.Duration, ok bool)
}

// Config describes one connector's transport. Name, API, Settings.HTTPClient
// and ErrBreakerOpen are required.
type Config struct {
	// Name names the upstream in errors, logs and the breaker ("shipstation").
	Name string
	// Upstream is the counter calls.Add increments for every attempt sent.
	Upstream calls.Upstream
	// API is the connector's part of the request path.
	API API
	// Settings are the connector's options for its transport.
	Settings
	// Pacer, when not nil, grants every attempt a slot of the shared rate
	// budget and learns the server's rate-limit answers (see Observe). Without
	// one, a rate-limited call waits out the server's wait in-process.
	Pacer Pacer
	// RateLimitRetries, when positive, gives rate-limited attempts their own
	// budget of that many repeats beside Retry's attempts; when 0 a
	// rate-limited attempt uses one of Retry's attempts.
	RateLimitRetries int
	// MaxRateLimitWait, when positive, is the longest wait the server may ask
	// for that is waited out in-process; beyond it the rate-limit error is
	// returned so the run can end and a later run resumes.
	MaxRateLimitWait time.Duration
	// Limiter, when not nil, bounds the attempts in flight at once and
	// adapts that bound to rate limits and failures (see Limiter); it may be
	// shared with other transports to the same upstream.
	Limiter *Limiter
	// ErrBreakerOpen is the connector's error wrapped when the breaker refuses
	// an attempt or a call's own failure opened it.
	ErrBreakerOpen error
	// ErrUncertain is the connector's error wrapped when an AtMostOnce
	// request failed after it may have been applied (default: one saying
	// "outcome unknown").
	ErrUncertain error
}

// Transport sends one connector's requests. It is safe for concurrent use.
type Transport struct {
	cfg     Config
	breaker *gobreaker.CircuitBreaker[Answer]
}

// New returns the Transport of cfg.
func New(cfg Config) (*Transport, error) {
	switch {
	case cfg.Name == "" || cfg.API == nil || cfg.HTTPClient == nil:
		return nil, errors.New("transport: name, API and HTTP client are required")
	case cfg.ErrBreakerOpen == nil:
		return nil, errors.New("transport: the breaker-open error is required")
	}
	if err := cfg.SetRetry(cfg.Retry); err != nil {
		return nil, fmt.Errorf("transport: %w", err)
	}
	if err := cfg.SetBreaker(cfg.BreakerThreshold, cfg.BreakerOpenFor); err != nil {
		return nil, fmt.Errorf("transport: %w", err)
	}
	if cfg.ErrUncertain == nil {
		cfg.ErrUncertain = errors.New(cfg.Name + ": outcome unknown")
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
	cfg.HTTPClient = withRedirectPolicy(cfg.HTTPClient)
	t := &Transport{cfg: cfg}
	t.breaker = t.newBreaker()
	cfg.Observer.ObserveBreakerState(t.BreakerState())
	return t, nil
}

// BreakerState returns the circuit breaker's state: "closed", "half-open" or "open".
func (t *Transport) BreakerState() string { return t.breaker.State().String() }

// log returns the logger for events of a call made with ctx: the one ctx
// carries (a job run's, with job and run_id), else the connector's.
func (t *Transport) log(ctx context.Context) *zerolog.Logger {
	if l := zerolog.Ctx(ctx); l.GetLevel() != zerolog.Disabled {
		return l
	}
	return &t.cfg.Logger
}
