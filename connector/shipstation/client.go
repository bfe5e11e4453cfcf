package shipstation

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/shipsync/shipsync/connector/calls"
	"github.com/shipsync/shipsync/connector/transport"
)

// DefaultBaseURL is the ShipStation API v1 root used unless WithBaseURL says otherwise.
const DefaultBaseURL = "https://ssapi.shipstation.com"

const defaultUserAgent = "shipsync"

// DefaultTimeout bounds each attempt of a request (the HTTP client's
// timeout) unless WithHTTPClient sets another client.
const DefaultTimeout = 60 * time.Second

// Client talks to one ShipStation account (one API key pair). It is safe for
// concurrent use.
type Client struct {
	baseURL    *url.URL
	apiKey     string
	apiSecret  string
	partnerKey string
	userAgent  string
	pacer      transport.Pacer // nil: unpaced
	settings   transport.Settings
	observer   Observer
	redactor   *strings.Replacer
	transport  *transport.Transport
	// orderDecoders decode listed orders without reflection.
	orderDecoders *orderDecoders

	// Orders lists, reads and writes orders.
	Orders *OrdersService
	// Shipments lists labels.
	Shipments *ShipmentsService
	// Fulfillments lists mark-as-shipped and provider fulfillments.
	Fulfillments *FulfillmentsService
	// Products lists products.
	Products *ProductsService
	// Carriers lists carrier accounts and their services.
	Carriers *CarriersService
	// Stores lists stores.
	Stores *StoresService
	// Warehouses lists ship-from locations.
	Warehouses *WarehousesService
	// Users lists users.
	Users *UsersService
	// Tags lists order tags.
	Tags *TagsService
}

// service is the common base of the resource services.
type service struct{ client *Client }

// NewClient returns a Client configured by opts. WithCredentials is required.
func NewClient(opts ...Option) (*Client, error) {
	base, err := url.Parse(DefaultBaseURL)
	if err != nil {
		return nil, fmt.Errorf("shipstation: default base URL: %w", err)
	}
	c := &Client{
		baseURL:       base,
		userAgent:     defaultUserAgent,
		settings:      transport.DefaultSettings(DefaultTimeout),
		orderDecoders: newOrderDecoders(),
		observer:      nopObserver{},
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("shipstation: %w", err)
		}
	}
	if c.apiKey == "" {
		return nil, errors.New("shipstation: credentials required (WithCredentials)")
	}
	c.redactor = newRedactor(c.apiKey, c.apiSecret, c.partnerKey)
	c.settings.Observer = c.observer
	c.transport, err = transport.New(transport.Config{
		Name: "shipstation", Upstream: calls.ShipStation, API: wire{c}, Settings: c.settings,
		Pacer: c.pacer, RateLimitRetries: maxRateLimitRetries,
		ErrBreakerOpen: ErrBreakerOpen, ErrUncertain: ErrUncertain,
	})
	if err != nil {
		return nil, fmt.Errorf("shipstation: %w", err)
	}

	s := service{client: c}
	c.Orders = (*OrdersService)(&s)
	c.Shipments = (*ShipmentsService)(&s)
	c.Fulfillments = (*FulfillmentsService)(&s)
	c.Products = (*ProductsService)(&s)
	c.Carriers = (*CarriersService)(&s)
	c.Stores = (*StoresService)(&s)
	c.Warehouses = (*WarehousesService)(&s)
	c.Users = (*UsersService)(&s)
	c.Tags = (*TagsService)(&s)
	return c, nil
}

// BreakerState returns the circuit breaker's state: "closed", "half-open" or "open".
func (c *Client) BreakerState() string { return c.transport.BreakerState() }

// newRedactor returns a replacer that blanks the credentials, raw and as the
// Basic auth token, out of text received from the server: each also as a
// server may echo it, percent-encoded (a query or a form) or escaped in a
// JSON string (encoding/json's escapes, and "\/" as ASP.NET writes it).
func newRedactor(key, secret, partner string) *strings.Replacer {
	const mask = "[redacted]"
	var pairs []string
	seen := map[string]bool{}
	for _, s := range []string{
		base64.StdEncoding.EncodeToString([]byte(key + ":" + secret)),
		key + ":" + secret,
		secret, key, partner,
	} {
		if s == "" {
			continue
		}
		quoted, _ := json.Marshal(s) // a string always marshals
		inJSON := string(quoted[1 : len(quoted)-1])
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), inJSON, strings.ReplaceAll(inJSON, "/", `\/`)} {
			if !seen[form] {
				seen[form] = true
				pairs = append(pairs, form, mask)
			}
		}
	}
	return strings.NewReplacer(pairs...)
}

// redact removes the credentials from s.
func (c *Client) redact(s string) string { return c.redactor.Replace(s) }
