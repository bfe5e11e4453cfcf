package quipt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/shipsync/shipsync/connector/calls"
	"github.com/shipsync/shipsync/connector/retry"
	"github.com/sony/gobreaker/v2"
)

// maxResponseBody caps how much of a response the client reads.
const maxResponseBody = 64 << 20

// defaultRetryAfter is the wait after a 429 whose Retry-After is absent or unreadable.
const defaultRetryAfter = time.Second

// maxRetryAfterWait is the longest Retry-After the client waits out in-process;
// beyond it the *RateLimitError is returned so the run can end and a later run
// resumes.
const maxRetryAfterWait = time.Minute

// request is one logical API call; every attempt builds and signs a fresh
// *http.Request from it.
type request struct {
	method   string
	template string // path template, for metrics, logs and errors
	path     string // escaped path below the base URL, starting with /
	query    url.Values
	body     []byte // JSON; nil for GET
}

// do sends req, with retries, and returns the successful envelope. Every
// attempt passes the circuit breaker (see breakerOutcome); while it is open
// nothing is sent and the error wraps ErrBreakerOpen.
func (c *Client) do(ctx context.Context, req request) (*envelope, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("quipt: %s %s: %w", req.method, req.template, err)
	}
	return c.withRetries(ctx, req)
}

// breakerOutcome classifies one attempt for the circuit breaker, which counts
// HTTP requests, retries included (DESIGN.md §6: it opens after 10
// consecutive failed requests):
//
//   - a 2xx answer is a success, even when its envelope reports a failure or
//     cannot be decoded: Quipt is up, and the item's problem is the item's;
//   - a 5xx or 408 answer and a transport failure (refused, dropped or timed-out
//     connection) are failures;
//   - a 429, a permanent 4xx, invalid input and the caller's cancellation are
//     neither: a busy upstream, a caller's mistake and a run that ends are no
//     outage, and they leave the count of consecutive failures as it was.
func breakerOutcome(err error) outcome {
	var (
		rl        *RateLimitError
		apiErr    *APIError
		decodeErr *decodeError
	)
	switch {
	case err == nil:
		return outcomeSuccess
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.As(err, &rl):
		return outcomeExcluded
	case errors.As(err, &apiErr):
		switch {
		case apiErr.StatusCode >= 200 && apiErr.StatusCode < 300:
			return outcomeSuccess
		case apiErr.StatusCode == http.StatusRequestTimeout || apiErr.StatusCode >= 500:
			return outcomeFailure
		default:
			return outcomeExcluded
		}
	case errors.As(err, &decodeErr):
		return outcomeSuccess
	case IsPermanent(err):
		return outcomeExcluded
	default:
		return outcomeFailure
	}
}

// outcome is how the circuit breaker counts one attempt.
type outcome int

const (
	outcomeSuccess outcome = iota
	outcomeFailure
	outcomeExcluded
)

// breakerAttempt sends one attempt of req through the circuit breaker. A
// refusal (open, or half-open with its probe already out) wraps
// ErrBreakerOpen; nothing was sent then.
func (c *Client) breakerAttempt(ctx context.Context, req request) (*envelope, error) {
	env, err := c.breaker.Execute(func() (*envelope, error) { return c.attempt(ctx, req) })
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return nil, fmt.Errorf("%w: %s %s not sent", ErrBreakerOpen, req.method, req.template)
	}
	return env, err
}

// withRetries runs the attempts of one request, each through the circuit
// breaker. 5xx, 408, timeouts and dropped connections are retried with the
// policy's jittered backoff; a 429 waits Retry-After (plus up to Policy.Base of
// jitter) and uses an attempt too; a Retry-After longer than maxRetryAfterWait
// is not waited out and the *RateLimitError is returned. Nothing is sent once
// ctx is done, and nothing more once the breaker is open: a failed attempt that
// opened it ends the call at once, without waiting to retry.
func (c *Client) withRetries(ctx context.Context, req request) (*envelope, error) {
	for attempt := 1; ; attempt++ {
		env, err := c.breakerAttempt(ctx, req)
		if err == nil {
			return env, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("quipt: %s %s: %w", req.method, req.template, ctx.Err())
		}
		if errors.Is(err, ErrBreakerOpen) || !retryable(err) {
			return nil, err
		}
		if attempt >= c.policy.Attempts {
			return nil, fmt.Errorf("quipt: giving up after %d attempts: %w", attempt, err)
		}
		if c.breaker.State() == gobreaker.StateOpen {
			return nil, fmt.Errorf("%w: %s %s not retried (last attempt: %v)", ErrBreakerOpen, req.method, req.template, err)
		}
		wait := c.policy.Delay(attempt)
		var rl *RateLimitError
		if errors.As(err, &rl) {
			if rl.RetryAfter > maxRetryAfterWait {
				return nil, err
			}
			wait = rl.RetryAfter + c.policy.Delay(1)
		}
		c.logger.Warn().Err(err).Str("upstream", "quipt").Str("endpoint", req.template).
			Int("attempt", attempt).Dur("retry_in", wait).Msg("quipt request failed, retrying")
		if err := retry.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("quipt: %s %s: %w", req.method, req.template, err)
		}
	}
}

// retryable reports whether a failed attempt is worth repeating.
func retryable(err error) bool {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return true
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode == http.StatusRequestTimeout || apiErr.StatusCode >= 500
	}
	var decodeErr *decodeError
	// Everything else that reaches here is a transport failure: refused,
	// dropped or timed-out connections.
	return !errors.As(err, &decodeErr)
}

// decodeError is a 2xx response whose body is not an envelope. It is not
// retried: the server answered, and a write may have been applied.
type decodeError struct {
	method, template string
	err              error
}

func (e *decodeError) Error() string {
	return fmt.Sprintf("quipt: %s %s: decode response: %v", e.method, e.template, e.err)
}

func (e *decodeError) Unwrap() error { return e.err }

// attempt signs and sends req once and maps the response to an envelope or
// one typed error.
func (c *Client) attempt(ctx context.Context, req request) (*envelope, error) {
	httpReq, err := c.newHTTPRequest(ctx, req)
	if err != nil {
		return nil, err
	}
	calls.Add(ctx, calls.Quipt)
	start := time.Now()
	resp, err := c.httpClient.Do(httpReq)
	if err != nil {
		c.observeRequest(req.template, 0, time.Since(start))
		return nil, fmt.Errorf("quipt: %s %s: %w", req.method, req.template, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	c.observeRequest(req.template, resp.StatusCode, time.Since(start))
	if err != nil {
		return nil, fmt.Errorf("quipt: %s %s: read response: %w", req.method, req.template, err)
	}
	if len(body) > maxResponseBody {
		return nil, &decodeError{req.method, req.template, fmt.Errorf("response larger than %d bytes", maxResponseBody)}
	}
	c.logger.Debug().Str("upstream", "quipt").Str("endpoint", req.template).Int("status", resp.StatusCode).
		Dur("duration", time.Since(start)).Msg("quipt request")

	if resp.StatusCode == http.StatusTooManyRequests {
		return nil, &RateLimitError{Method: req.method, Endpoint: req.template, RetryAfter: c.retryAfter(resp.Header.Get("Retry-After"))}
	}
	var env envelope
	envErr := json.Unmarshal(body, &env)
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	switch {
	case ok && envErr != nil:
		return nil, &decodeError{req.method, req.template, envErr}
	case ok && !env.failed():
		return &env, nil
	}
	apiErr := &APIError{StatusCode: resp.StatusCode, Method: req.method, Endpoint: req.template, Body: truncate(string(body), maxErrorBody)}
	if envErr == nil {
		apiErr.Messages, apiErr.TransactionID = env.Messages, env.TransactionID
	}
	return nil, apiErr
}

// newHTTPRequest builds and signs one attempt of req.
func (c *Client) newHTTPRequest(ctx context.Context, req request) (*http.Request, error) {
	target := c.baseURL + req.path
	if q := req.query.Encode(); q != "" {
		target += "?" + q
	}

	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.method, target, body)
	if err != nil {
		return nil, fmt.Errorf("quipt: %s %s: build request: %w", req.method, req.template, err)
	}
	httpReq.Header.Set("Accept", "application/json")
	if req.body != nil {
		httpReq.Header.Set("Content-Type", "application/json")
	} else {
		preventTransportReplay(httpReq)
	}
	if err := c.signer.sign(httpReq); err != nil {
		return nil, fmt.Errorf("quipt: %s %s: sign: %w", req.method, req.template, err)
	}
	return httpReq, nil
}

// preventTransportReplay stops net/http from re-sending a body-less request by
// itself: http.Transport replays a GET whose reused connection failed after
// the request was written, with the same Authorization header, and Quipt
// refuses a nonce it has seen (401). A body that is not http.NoBody and has no
// GetBody makes the request non-replayable; the transport still sends it
// without a body (it probes the empty reader). Our own retry loop re-signs.
func preventTransportReplay(req *http.Request) {
	req.Body = io.NopCloser(http.NoBody)
	req.GetBody = nil
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
