package transport

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/retry"
)

// Defaults of Settings, as DESIGN.md §6 fixes them.
const (
	defaultBreakerThreshold = 10
	defaultBreakerOpenFor   = 30 * time.Second
	// maxIdleConnsPerHost is how many idle connections to one host the
	// default HTTP client keeps: as many as a client may have requests in
	// flight (QUIPT_CONCURRENCY is at most 64). http.DefaultTransport keeps
	// 2, so that 8 concurrent requests closed and dialled connections anew
	// all the time.
	maxIdleConnsPerHost = 64
)

// Settings are what both connectors let their options set on the transport.
// The Set methods validate, so a connector's option is one line.
type Settings struct {
	// HTTPClient sends the attempts.
	HTTPClient *http.Client
	// Retry is the backoff for 5xx, 408, timeouts and dropped connections.
	Retry retry.Policy
	// BreakerThreshold consecutive failed attempts open the breaker for
	// BreakerOpenFor.
	BreakerThreshold uint32
	BreakerOpenFor   time.Duration
	// Logger is used where the call's context carries no logger, and for
	// breaker changes.
	Logger zerolog.Logger
	// Observer receives request and breaker measurements; nil means none.
	Observer Observer
}

// DefaultSettings returns the defaults: an HTTP client with the given
// timeout per attempt (and a connection pool of its own, see
// NewHTTPTransport), retry.Default(), a breaker opening after 10 failed
// attempts for 30 s, no logging, no observer.
func DefaultSettings(timeout time.Duration) Settings {
	return Settings{
		HTTPClient:       &http.Client{Timeout: timeout, Transport: NewHTTPTransport()},
		Retry:            retry.Default(),
		BreakerThreshold: defaultBreakerThreshold,
		BreakerOpenFor:   defaultBreakerOpenFor,
		Logger:           zerolog.Nop(),
	}
}

// NewHTTPTransport returns http.DefaultTransport's settings with a pool that
// keeps up to 64 idle connections per host instead of 2, so that concurrent
// requests to one upstream reuse their connections instead of dialling new
// ones.
func NewHTTPTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	return t
}

// SetHTTPClient sets the HTTP client; nil is refused.
func (s *Settings) SetHTTPClient(hc *http.Client) error {
	if hc == nil {
		return errors.New("HTTP client must not be nil")
	}
	s.HTTPClient = hc
	return nil
}

// SetRetry sets the retry policy: at least one attempt, no negative waits.
func (s *Settings) SetRetry(p retry.Policy) error {
	if p.Attempts < 1 || p.Base < 0 || p.Max < 0 {
		return fmt.Errorf("retry policy: want at least one attempt and non-negative waits, got %+v", p)
	}
	s.Retry = p
	return nil
}

// SetBreaker sets how many consecutive failed attempts open the breaker and
// how long it stays open before letting one attempt through; both must be
// positive.
func (s *Settings) SetBreaker(threshold uint32, openFor time.Duration) error {
	if threshold == 0 || openFor <= 0 {
		return fmt.Errorf("breaker: want a positive threshold and open duration, got %d and %s", threshold, openFor)
	}
	s.BreakerThreshold, s.BreakerOpenFor = threshold, openFor
	return nil
}
