package shipstation

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

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
	redactor   *redactor
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

// redactor keeps the credentials out of text received from the server.
type redactor struct {
	// masks blanks each credential as sent, and as a server commonly echoes
	// it: percent-encoded, escaped in a JSON string.
	masks *strings.Replacer
	// credentials are the strings that must never be kept, as sent.
	credentials []string
}

// withheld replaces a whole text that still shows a credential once
// unescaped (redactor.redact).
const withheld = "[withheld: the answer echoed a credential]"

// newRedactor returns the redactor of the client's credentials: the key, the
// secret, both as the Basic auth token, the partner key.
func newRedactor(key, secret, partner string) *redactor {
	const mask = "[redacted]"
	r := &redactor{}
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
		r.credentials = append(r.credentials, s)
		quoted, _ := json.Marshal(s) // a string always marshals
		inJSON := string(quoted[1 : len(quoted)-1])
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), inJSON, strings.ReplaceAll(inJSON, "/", `\/`)} {
			if !seen[form] {
				seen[form] = true
				pairs = append(pairs, form, mask)
			}
		}
	}
	r.masks = strings.NewReplacer(pairs...)
	return r
}

// redact returns s with every credential masked where it shows as sent or
// in a common escape. A text in which a credential still shows once
// unescaped (HTML entities, percent escapes in either case, any JSON string
// escape) is withheld whole: there is no telling which of its bytes are the
// credential's.
func (r *redactor) redact(s string) string {
	out := r.masks.Replace(s)
	for _, form := range []string{html.UnescapeString(out), unescapePercent(out), unescapeJSON(out)} {
		for _, c := range r.credentials {
			if strings.Contains(form, c) {
				return withheld
			}
		}
	}
	return out
}

// redact removes the credentials from s.
func (c *Client) redact(s string) string { return c.redactor.redact(s) }

// unescapePercent decodes every %XX escape of s (hex digits in either case)
// and leaves anything else as it is.
func unescapePercent(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b = append(b, byte(v))
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

// unescapeJSON decodes every JSON string escape of s (\uXXXX, surrogate
// pairs included, \/, \", \\ and the control escapes) wherever it stands,
// and leaves anything else as it is.
func unescapeJSON(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	simple := map[byte]string{'/': "/", '"': `"`, '\\': `\`, 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t"}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		if r, n := jsonRune(s[i:]); n > 0 {
			b.WriteRune(r)
			i += n - 1
			continue
		}
		if v, ok := simple[s[i+1]]; ok {
			b.WriteString(v)
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// jsonRune decodes the \uXXXX escape (or surrogate pair of two) s starts
// with, returning the rune and the bytes it took, or 0 bytes when s does not
// start with one.
func jsonRune(s string) (rune, int) {
	hex4 := func(s string) (rune, bool) {
		if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(s[2:6], 16, 16)
		return rune(v), err == nil
	}
	r, ok := hex4(s)
	if !ok {
		return 0, 0
	}
	if utf16.IsSurrogate(r) {
		if r2, ok := hex4(s[6:]); ok {
			if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
				return pair, 12
			}
		}
	}
	return r, 6
}
