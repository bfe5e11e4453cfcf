// Package quipt is the client of the Quipt Merchant/Retailer API v2 as fixed
// by docs/quipt-api.md: OAuth 1.0a HMAC-SHA1 signing, the response envelope,
// paged lists that tolerate malformed items, idempotent writes, retries and a
// circuit breaker that counts HTTP requests (every attempt, retries included).
package quipt

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/shipsync/shipsync/connector/retry"
	"github.com/sony/gobreaker/v2"
)

// DefaultBaseURL is Quipt's production API root.
const DefaultBaseURL = "https://api.getquipt.com"

// Observer receives request and breaker metrics.
type Observer interface {
	// ObserveRequest is called once per attempt with the path template (e.g.
	// /v2/orders/fulfillment/{pageSize}/{pageNumber}), the HTTP status (0 when
	// no response arrived) and the attempt's duration.
	ObserveRequest(endpoint string, status int, d time.Duration)
	// ObserveBreakerState is called with "closed", "half-open" or "open" when
	// the breaker changes state.
	ObserveBreakerState(state string)
}

// Client talks to one Quipt tenant. It is safe for concurrent use.
type Client struct {
	baseURL    string // without a trailing slash
	httpClient *http.Client
	signer     signer
	policy     retry.Policy
	breaker    *gobreaker.CircuitBreaker[*envelope]
	logger     zerolog.Logger
	observer   Observer
	now        func() time.Time
}

// NewClient builds a Client. WithCredentials is required.
func NewClient(opts ...Option) (*Client, error) {
	s := settings{
		baseURL:          DefaultBaseURL,
		httpClient:       &http.Client{Timeout: 30 * time.Second},
		policy:           retry.Default(),
		breakerThreshold: 10,
		breakerOpenFor:   30 * time.Second,
		logger:           zerolog.Nop(),
		now:              time.Now,
		nonce:            rand.Text,
	}
	for _, opt := range opts {
		if err := opt(&s); err != nil {
			return nil, fmt.Errorf("quipt: %w", err)
		}
	}
	if s.creds == nil {
		return nil, errors.New("quipt: credentials are required (WithCredentials)")
	}
	c := &Client{
		baseURL:    strings.TrimSuffix(s.baseURL, "/"),
		httpClient: s.httpClient,
		signer:     signer{creds: *s.creds, now: s.now, nonce: s.nonce},
		policy:     s.policy,
		logger:     s.logger,
		observer:   s.observer,
		now:        s.now,
	}
	c.breaker = gobreaker.NewCircuitBreaker[*envelope](gobreaker.Settings{
		Name:    "quipt",
		Timeout: s.breakerOpenFor,
		ReadyToTrip: func(counts gobreaker.Counts) bool {
			return counts.ConsecutiveFailures >= s.breakerThreshold
		},
		IsExcluded:   func(err error) bool { return breakerOutcome(err) == outcomeExcluded },
		IsSuccessful: func(err error) bool { return breakerOutcome(err) == outcomeSuccess },
		OnStateChange: func(_ string, from, to gobreaker.State) {
			c.logger.Warn().Str("upstream", "quipt").Str("from", from.String()).Str("to", to.String()).Msg("circuit breaker state changed")
			if c.observer != nil {
				c.observer.ObserveBreakerState(to.String())
			}
		},
	})
	return c, nil
}

// BreakerState returns the circuit breaker's state: "closed", "half-open" or "open".
func (c *Client) BreakerState() string {
	return c.breaker.State().String()
}

// observeRequest forwards one attempt's outcome to the observer, if any.
func (c *Client) observeRequest(endpoint string, status int, d time.Duration) {
	if c.observer != nil {
		c.observer.ObserveRequest(endpoint, status, d)
	}
}
