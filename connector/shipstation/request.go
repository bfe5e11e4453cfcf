package shipstation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/shipsync/shipsync/connector/transport"
)

// maxRateLimitRetries bounds how often one request is repeated after 429s.
const maxRateLimitRetries = 6

// request describes one API call.
type request struct {
	method   string
	endpoint string // path template for metrics, e.g. "/orders/{id}"
	path     string // path below the base URL, e.g. "/orders/123"
	query    url.Values
	body     any    // JSON-encoded when not nil
	encoded  []byte // a body already encoded, sent as it is (body is then nil)
	// atMostOnce marks a write that must not be sent again when an attempt
	// may have been applied; only failures that prove nothing was applied
	// (429, a connection that was never made) are retried.
	atMostOnce bool
	// uncertain, when not nil, is set to whether an earlier attempt of a
	// successful write may have been applied too (transport.Answer.Uncertain).
	uncertain *bool
}

// wrap adds the call to an error that does not name it already.
func (r request) wrap(err error) error {
	return fmt.Errorf("shipstation %s %s: %w", r.method, r.path, err)
}

// doJSON performs r and decodes the 2xx body into out (unless out is nil).
func (c *Client) doJSON(ctx context.Context, r request, out any) error {
	body, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return r.wrap(fmt.Errorf("decode response: %w", err))
	}
	return nil
}

// do performs r through the transport and returns the 2xx body. Rate-limited
// attempts are repeated once the pacer allows (at most maxRateLimitRetries
// times); 5xx, 408, timeouts and dropped connections are repeated under the
// retry policy. createorders is repeated too, since it upserts by orderKey;
// the writes without a key (assignuser, markasshipped) are atMostOnce and are
// repeated only when the failure proves they were not sent (else the error
// wraps ErrUncertain). While the breaker is open nothing is sent, no rate slot
// is claimed, and the error wraps ErrBreakerOpen.
func (c *Client) do(ctx context.Context, r request) ([]byte, error) {
	tr := transport.Request{Method: r.method, Endpoint: r.endpoint, Path: r.path, URL: c.url(r), AtMostOnce: r.atMostOnce, Body: r.encoded}
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, r.wrap(fmt.Errorf("encode body: %w", err))
		}
		tr.Body = b
	}
	a, err := c.transport.Do(ctx, tr)
	if r.uncertain != nil {
		*r.uncertain = a.Uncertain
	}
	return a.Body, err
}

// url returns the address of r below the base URL.
func (c *Client) url(r request) string {
	u := *c.baseURL
	u.Path = strings.TrimSuffix(u.Path, "/") + r.path
	u.RawPath = ""
	u.RawQuery = r.query.Encode()
	return u.String()
}

// wire is ShipStation's part of the shared transport: Basic auth, the
// rate-limit headers and the error bodies.
type wire struct{ c *Client }

// Authorize sets Basic auth, the user agent and the partner key.
func (w wire) Authorize(req *http.Request) error {
	req.SetBasicAuth(w.c.apiKey, w.c.apiSecret)
	req.Header.Set("User-Agent", w.c.userAgent)
	if w.c.partnerKey != "" {
		req.Header.Set("x-partner", w.c.partnerKey)
	}
	return nil
}

// Check passes the answer's rate-limit headers to the pacer and the observer,
// and turns a rate-limited answer into a *RateLimitError and any other non-2xx
// into an *APIError.
func (w wire) Check(ctx context.Context, r transport.Request, a transport.Answer) error {
	rate := readRateLimit(a.Status, a.Header, a.Body)
	w.c.observeRate(ctx, rate)
	switch {
	case rate.limited:
		return &RateLimitError{Endpoint: r.Path, Reset: rate.reset, Limit: rate.limit}
	case a.Status < 200 || a.Status > 299:
		return newAPIError(a.Status, r.Path, a.Body, w.c.redact)
	}
	return nil
}

// Throttled reports a *RateLimitError and the reset it carries.
func (wire) Throttled(err error) (time.Duration, bool) {
	var rateErr *RateLimitError
	if errors.As(err, &rateErr) {
		return rateErr.Reset, true
	}
	return 0, false
}
