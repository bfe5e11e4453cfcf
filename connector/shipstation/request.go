package shipstation

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/shipsync/shipsync/connector/calls"
	"github.com/shipsync/shipsync/connector/retry"
)

const (
	// maxRateLimitRetries bounds how often one request is repeated after 429s.
	maxRateLimitRetries = 6
	// maxResponseBytes bounds a response body; a 500-order page is a few MB.
	maxResponseBytes = 64 << 20
)

// request describes one API call.
type request struct {
	method   string
	endpoint string // path template for metrics, e.g. "/orders/{id}"
	path     string // path below the base URL, e.g. "/orders/123"
	query    url.Values
	body     any // JSON-encoded when not nil
	// atMostOnce marks a write that must not be sent again when an attempt
	// may have been applied; only failures that prove nothing was applied
	// (429, a connection that was never made) are retried.
	atMostOnce bool
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

// do performs r and returns the 2xx body. Rate-limited attempts are repeated
// once the pacer allows (at most maxRateLimitRetries times); 5xx, 408,
// timeouts and dropped connections are repeated under the retry policy.
// createorders is repeated too, since it upserts by orderKey; the writes
// without a key (assignuser, markasshipped) are atMostOnce and are repeated
// only when the failure proves they were not sent. Nothing is repeated once
// ctx is done.
//
// Every attempt passes the circuit breaker, which counts HTTP requests
// (DESIGN.md §6: it opens after breakerThreshold consecutive failed requests,
// retries included; see newBreaker). While it is open nothing is sent, no rate
// slot is claimed, and the error wraps ErrBreakerOpen.
func (c *Client) do(ctx context.Context, r request) ([]byte, error) {
	var payload []byte
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, r.wrap(fmt.Errorf("encode body: %w", err))
		}
		payload = b
	}
	return c.retrying(ctx, r, payload)
}

// retrying sends r until it succeeds, fails for good, runs out of attempts or
// finds the breaker open. An attempt whose failure opened the breaker ends
// the call at once, without waiting to retry.
func (c *Client) retrying(ctx context.Context, r request, payload []byte) ([]byte, error) {
	failures, limited := 0, 0
	for {
		body, err := c.attempt(ctx, r, payload)
		if err == nil {
			return body, nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, r.wrap(ctxErr)
		}
		var rateErr *RateLimitError
		switch {
		case errors.Is(err, ErrBreakerOpen):
			return nil, err
		case errors.As(err, &rateErr):
			limited++
			if limited > maxRateLimitRetries {
				return nil, err
			}
			// The pacer has been told; its next Wait holds until the reset.
			c.log.Warn().Str("endpoint", r.endpoint).Int("attempt", limited).Int("limit", rateErr.Limit).
				Int64("reset_ms", rateErr.Reset.Milliseconds()).Msg("shipstation rate limited; waiting for the window to reset")
		case retryable(err) && r.atMostOnce && !notSent(err):
			return nil, fmt.Errorf("%w: %w", ErrUncertain, err)
		case retryable(err):
			failures++
			if failures >= c.retry.Attempts {
				return nil, err
			}
			if c.breaker.State() == gobreaker.StateOpen {
				return nil, r.wrap(fmt.Errorf("%w, not retried (last attempt: %v)", ErrBreakerOpen, err))
			}
			delay := c.retry.Delay(failures)
			c.log.Warn().Err(err).Str("endpoint", r.endpoint).Int("attempt", failures).
				Int64("delay_ms", delay.Milliseconds()).Msg("shipstation request failed; retrying")
			if err := retry.Sleep(ctx, delay); err != nil {
				return nil, r.wrap(err)
			}
		default:
			return nil, err
		}
	}
}

// attempt sends r once through the circuit breaker, when the pacer lets it.
// The breaker decides first, so an open breaker (or a half-open one whose
// probe is out) refuses the attempt before it waits for, and spends, a rate
// slot; the refusal wraps ErrBreakerOpen.
func (c *Client) attempt(ctx context.Context, r request, payload []byte) ([]byte, error) {
	req, err := c.newRequest(ctx, r, payload)
	if err != nil {
		return nil, r.wrap(err)
	}
	body, err := c.breaker.Execute(func() ([]byte, error) {
		if err := c.pacer.Wait(ctx); err != nil {
			return nil, &pacerError{r.wrap(fmt.Errorf("wait for rate budget: %w", err))}
		}
		return c.send(ctx, r, req)
	})
	if breakerRefused(err) {
		return nil, r.wrap(ErrBreakerOpen)
	}
	return body, err
}

// newRequest builds the HTTP request for one attempt of r.
func (c *Client) newRequest(ctx context.Context, r request, payload []byte) (*http.Request, error) {
	u := *c.baseURL
	u.Path = strings.TrimSuffix(u.Path, "/") + r.path
	u.RawPath = ""
	u.RawQuery = r.query.Encode()
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.SetBasicAuth(c.apiKey, c.apiSecret)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	} else {
		preventTransportReplay(req)
	}
	if c.partnerKey != "" {
		req.Header.Set("x-partner", c.partnerKey)
	}
	return req, nil
}

// preventTransportReplay stops net/http from re-sending a GET by itself:
// http.Transport silently replays a body-less request whose reused connection
// failed after it was written, and a replay the pacer never saw could push a
// minute past the rate limit. A body that is not http.NoBody and has no
// GetBody makes the request non-replayable (the transport still sends it
// without a body); our own retry loop repeats it through the pacer.
func preventTransportReplay(req *http.Request) {
	req.Body = io.NopCloser(http.NoBody)
	req.GetBody = nil
}

// send performs one HTTP exchange and turns everything but a 2xx into an error.
func (c *Client) send(ctx context.Context, r request, req *http.Request) ([]byte, error) {
	calls.Add(ctx, calls.ShipStation)
	start := time.Now()
	resp, err := c.httpClient.Do(req)
	if err != nil {
		c.observer.ObserveRequest(r.endpoint, 0, time.Since(start))
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, newTransportError(r, err)
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	c.observer.ObserveRequest(r.endpoint, resp.StatusCode, time.Since(start))

	rate := readRateLimit(resp.StatusCode, resp.Header, body)
	c.observeRate(ctx, rate)
	switch {
	case rate.limited:
		return nil, &RateLimitError{Endpoint: r.path, Reset: rate.reset, Limit: rate.limit}
	case readErr != nil:
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, newTransportError(r, readErr)
	case len(body) > maxResponseBytes:
		return nil, r.wrap(fmt.Errorf("response body larger than %d bytes", maxResponseBytes))
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, newAPIError(resp.StatusCode, r.path, body, c.redact)
	}
	return body, nil
}

// transportError is a request that got no complete HTTP response.
type transportError struct {
	method, path string
	err          error
}

// newTransportError wraps err, dropping the *url.Error layer whose text
// repeats the full URL with its query.
func newTransportError(r request, err error) *transportError {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return &transportError{method: r.method, path: r.path, err: err}
}

func (e *transportError) Error() string {
	return fmt.Sprintf("shipstation %s %s: %v", e.method, e.path, e.err)
}

func (e *transportError) Unwrap() error { return e.err }

// temporary reports whether the failure may go away on another attempt:
// timeouts, dropped or reset connections, a response cut off half-way. Only a
// failed certificate check is final, since repeating it cannot help.
func (e *transportError) temporary() bool {
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	switch {
	case errors.As(e.err, &certErr), errors.As(e.err, &unknownAuthority), errors.As(e.err, &hostname):
		return false
	}
	return true
}

// notSent reports whether err proves the request never reached ShipStation:
// the connection could not be made.
func notSent(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// retryable reports whether err is worth another attempt under the retry policy.
func retryable(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500 || apiErr.StatusCode == http.StatusRequestTimeout
	}
	var te *transportError
	return errors.As(err, &te) && te.temporary()
}
