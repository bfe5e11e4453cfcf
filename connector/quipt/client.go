// Package quipt is the client of the Quipt Merchant/Retailer API v2 as fixed
// by docs/quipt-api.md, shaped like package shipstation (after
// google/go-github): a Client built from options that can fail, one service
// per resource (c.FulfillmentOrders, c.PurchaseOrders, c.Inventory), ctx first
// on every call, typed errors. It adds OAuth 1.0a HMAC-SHA1 signing, the
// response envelope, paged lists that tolerate malformed items and idempotent
// writes to the request path of package transport (retries, a circuit breaker
// that counts HTTP requests, call counting, metrics).
package quipt

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shipsync/shipsync/connector/calls"
	"github.com/shipsync/shipsync/connector/transport"
)

// DefaultBaseURL is Quipt's production API root.
const DefaultBaseURL = "https://api.getquipt.com"

// defaultTimeout bounds one attempt unless WithHTTPClient says otherwise.
const defaultTimeout = 30 * time.Second

// maxRetryAfterWait is the longest Retry-After the client waits out in-process;
// beyond it the *RateLimitError is returned so the run can end and a later run
// resumes.
const maxRetryAfterWait = time.Minute

// Observer receives request and breaker measurements, e.g. to export them as
// metrics.
type Observer = transport.Observer

// Client talks to one Quipt tenant. It is safe for concurrent use.
type Client struct {
	baseURL   string // without a trailing slash
	creds     *credentials
	settings  transport.Settings
	now       func() time.Time
	nonce     func() string
	signer    signer
	limiter   *transport.Limiter // nil: requests in flight unbounded
	transport *transport.Transport
	orders    *orderDecoder // decodes listed and read orders without reflection

	// FulfillmentOrders lists, reads, acknowledges, ships and cancels the
	// orders Quipt expects the merchant to fulfil.
	FulfillmentOrders *FulfillmentOrdersService
	// PurchaseOrders lists and creates orders placed through the Retailer API.
	PurchaseOrders *PurchaseOrdersService
	// Inventory lists physical inventory.
	Inventory *InventoryService
}

// service is the common base of the resource services.
type service struct{ client *Client }

// FulfillmentOrdersService handles the orders Quipt expects the merchant to
// fulfil (Merchant API).
type FulfillmentOrdersService service

// PurchaseOrdersService handles the orders placed through the Retailer API.
type PurchaseOrdersService service

// InventoryService reads the physical inventory.
type InventoryService service

// NewClient builds a Client. WithCredentials is required.
func NewClient(opts ...Option) (*Client, error) {
	c := &Client{
		baseURL:  DefaultBaseURL,
		settings: transport.DefaultSettings(defaultTimeout),
		now:      time.Now,
		nonce:    rand.Text,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("quipt: %w", err)
		}
	}
	if c.creds == nil {
		return nil, errors.New("quipt: credentials are required (WithCredentials)")
	}
	c.baseURL = strings.TrimSuffix(c.baseURL, "/")
	c.signer = newSigner(*c.creds, c.now, c.nonce)
	c.orders = newOrderDecoder()
	var err error
	c.transport, err = transport.New(transport.Config{
		Name: "quipt", Upstream: calls.Quipt, API: wire{c}, Settings: c.settings,
		MaxRateLimitWait: maxRetryAfterWait, Limiter: c.limiter, ErrBreakerOpen: ErrBreakerOpen,
	})
	if err != nil {
		return nil, fmt.Errorf("quipt: %w", err)
	}
	s := service{client: c}
	c.FulfillmentOrders = (*FulfillmentOrdersService)(&s)
	c.PurchaseOrders = (*PurchaseOrdersService)(&s)
	c.Inventory = (*InventoryService)(&s)
	return c, nil
}

// BreakerState returns the circuit breaker's state: "closed", "half-open" or "open".
func (c *Client) BreakerState() string { return c.transport.BreakerState() }

// Concurrency returns the most requests the client lets be in flight at once
// (WithConcurrency), 1 when it was not set: how many items a job may apply
// at once.
func (c *Client) Concurrency() int {
	if c.limiter == nil {
		return 1
	}
	return c.limiter.Max()
}

// ConcurrencyLimit returns the current adaptive bound on the requests in
// flight (at most Concurrency), 0 when the client does not bound them.
func (c *Client) ConcurrencyLimit() int {
	if c.limiter == nil {
		return 0
	}
	return c.limiter.Limit()
}
