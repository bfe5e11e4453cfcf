package quipt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/shipsync/shipsync/connector/transport"
)

// defaultRetryAfter is the wait after a 429 whose Retry-After is absent or unreadable.
const defaultRetryAfter = time.Second

// request is one logical API call; every attempt builds and signs a fresh
// *http.Request from it.
type request struct {
	method   string
	template string // path template, for metrics, logs and errors
	path     string // escaped path below the base URL, starting with /
	query    url.Values
	body     []byte // JSON; nil for GET
}

// do sends req through the transport (retries, circuit breaker; see package
// transport) and returns the successful envelope. While the breaker is open
// nothing is sent and the error wraps ErrBreakerOpen. Writes are idempotent
// on their keys, so they are retried like reads. A 429 waits Retry-After
// (plus a jitter) and uses an attempt; a Retry-After longer than
// maxRetryAfterWait is not waited out and the *RateLimitError is returned.
func (c *Client) do(ctx context.Context, req request) (*envelope, error) {
	a, err := c.send(ctx, req)
	if err != nil {
		return nil, err
	}
	return readAnswer(req, a, nil)
}

// send sends req through the transport and returns the 2xx answer, its body
// not yet read; see do.
func (c *Client) send(ctx context.Context, req request) (transport.Answer, error) {
	target := c.baseURL + req.path
	if q := req.query.Encode(); q != "" {
		target += "?" + q
	}
	return c.transport.Do(ctx, transport.Request{
		Method: req.method, Endpoint: req.template, Path: req.template, URL: target, Body: req.body,
	})
}

// newAPIError builds the error of an answer Quipt refused, with the
// envelope's messages when the body was one (env may be nil).
func newAPIError(method, endpoint string, a transport.Answer, env *envelope) *APIError {
	apiErr := &APIError{StatusCode: a.Status, Method: method, Endpoint: endpoint, Body: transport.Truncate(string(a.Body), maxErrorBody)}
	if env != nil {
		apiErr.Messages, apiErr.TransactionID = env.Messages, env.TransactionID
	}
	return apiErr
}

// decodeError is a 2xx response whose body is not an envelope.
type decodeError struct {
	method, template string
	err              error
}

func (e *decodeError) Error() string {
	return fmt.Sprintf("quipt: %s %s: decode response: %v", e.method, e.template, e.err)
}

func (e *decodeError) Unwrap() error { return e.err }

// wire is Quipt's part of the shared transport: the OAuth signature, 429s
// with Retry-After, and error envelopes.
type wire struct{ c *Client }

// Authorize signs the attempt with a fresh nonce.
func (w wire) Authorize(req *http.Request) error { return w.c.signer.sign(req) }

// Check turns a 429 into a *RateLimitError and any other non-2xx into an
// *APIError. A 2xx passes; its envelope is read once the call succeeded.
func (w wire) Check(_ context.Context, r transport.Request, a transport.Answer) error {
	switch {
	case a.Status == http.StatusTooManyRequests:
		return &RateLimitError{Method: r.Method, Endpoint: r.Endpoint, RetryAfter: w.c.retryAfter(a.Header.Get("Retry-After"))}
	case a.Status >= 200 && a.Status < 300:
		return nil
	}
	var env envelope
	if json.Unmarshal(a.Body, &env) != nil {
		return newAPIError(r.Method, r.Endpoint, a, nil)
	}
	return newAPIError(r.Method, r.Endpoint, a, &env)
}

// Throttled reports a *RateLimitError and its Retry-After.
func (wire) Throttled(err error) (time.Duration, bool) {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.RetryAfter, true
	}
	return 0, false
}

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func (c *Client) retryAfter(v string) time.Duration {
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(c.now()), 0)
	}
	return defaultRetryAfter
}
