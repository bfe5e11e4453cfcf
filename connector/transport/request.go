package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/shipsync/shipsync/connector/calls"
)

// maxResponseBytes bounds a response body; a 500-order page is a few MB.
const maxResponseBytes = 64 << 20

// Request is one logical call; every attempt builds a fresh *http.Request from it.
type Request struct {
	Method string
	// Endpoint is the path template, for metrics and logs ("/orders/{id}").
	Endpoint string
	// Path names the call in errors ("/orders/123"); it carries no query.
	Path string
	// URL is the full address, query included.
	URL string
	// Body is sent as JSON when not nil.
	Body []byte
	// AtMostOnce marks a write without an idempotency key: it is not sent
	// again once an attempt may have been applied, only when the failure
	// proves nothing was (a rate limit, a connection never made).
	AtMostOnce bool
}

// Answer is one complete HTTP response.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
	// Uncertain is true when an earlier attempt of this write failed after
	// it may have reached the server: that attempt can still be applied
	// later (a request held in a proxy), after this answer.
	Uncertain bool
}

// wrap names r's call in err.
func (t *Transport) wrap(r Request, err error) error {
	return fmt.Errorf("%s %s %s: %w", t.cfg.Name, r.Method, r.Path, err)
}

// newRequest builds the HTTP request for one attempt of r.
func (t *Transport) newRequest(ctx context.Context, r Request) (*http.Request, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return nil, t.wrap(r, fmt.Errorf("build request: %w", err))
	}
	req.Header.Set("Accept", "application/json")
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	} else {
		preventTransportReplay(req)
	}
	if err := t.cfg.API.Authorize(req); err != nil {
		return nil, t.wrap(r, fmt.Errorf("authorize: %w", err))
	}
	return req, nil
}

// preventTransportReplay stops net/http from re-sending a body-less request
// by itself: http.Transport silently replays a GET whose reused connection
// failed after it was written, and a replay is unseen by the pacer (it could
// push a minute past the rate limit) and repeats a signature's nonce (which
// Quipt refuses). A body that is not http.NoBody and has no GetBody makes the
// request non-replayable (the transport still sends it without a body); the
// retry loop repeats it through the pacer, authorized anew.
func preventTransportReplay(req *http.Request) {
	req.Body = io.NopCloser(http.NoBody)
	req.GetBody = nil
}

// send performs one HTTP exchange, after the pacer granted a slot, and turns
// everything the connector's Check refuses into an error.
func (t *Transport) send(ctx context.Context, r Request, req *http.Request) (Answer, error) {
	if t.cfg.Pacer != nil {
		if err := t.wait(ctx); err != nil {
			return Answer{}, &pacerError{t.wrap(r, fmt.Errorf("wait for rate budget: %w", err))}
		}
	}
	if r.AtMostOnce {
		if err := beforeSend(ctx); err != nil {
			return Answer{}, &pacerError{t.wrap(r, fmt.Errorf("before sending: %w", err))}
		}
	}
	calls.Add(ctx, t.cfg.Upstream)
	start := time.Now()
	resp, err := t.cfg.HTTPClient.Do(req)
	if err != nil {
		t.cfg.Observer.ObserveRequest(r.Endpoint, 0, time.Since(start))
		return Answer{}, t.sendFailure(ctx, r, err)
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	t.cfg.Observer.ObserveRequest(r.Endpoint, resp.StatusCode, time.Since(start))
	t.log(ctx).Debug().Str("upstream", t.cfg.Name).Str("endpoint", r.Endpoint).Int("status", resp.StatusCode).
		Int64("duration_ms", time.Since(start).Milliseconds()).Msg("request")
	a := Answer{Status: resp.StatusCode, Header: resp.Header, Body: body}
	switch {
	case err != nil:
		return Answer{}, t.sendFailure(ctx, r, fmt.Errorf("read response: %w", err))
	case len(body) > maxResponseBytes:
		return Answer{}, &answerError{a.Status, t.wrap(r, fmt.Errorf("response body larger than %d bytes", maxResponseBytes))}
	case isRedirect(a):
		return Answer{}, t.redirectError(r, a)
	}
	if err := t.cfg.API.Check(ctx, r, a); err != nil {
		return Answer{}, &answerError{a.Status, err}
	}
	return a, nil
}

// readBody reads an answer's body, at most maxResponseBytes+1 bytes of it
// (the caller refuses more). A body of declared length is read into one
// buffer of that size, where io.ReadAll would grow one from 512 bytes; the
// read after it sees the end, so that net/http keeps the connection (a body
// closed before its end is seen costs the connection).
func readBody(resp *http.Response) ([]byte, error) {
	n := resp.ContentLength
	if n < 0 || n > maxResponseBytes {
		return io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	}
	body := make([]byte, n, n+1)
	if _, err := io.ReadFull(resp.Body, body); err != nil {
		return nil, err
	}
	if _, err := resp.Body.Read(body[n : n+1]); err != nil && err != io.EOF {
		return nil, err
	}
	return body, nil
}

// sendFailure is the error of an attempt that got no complete response: the
// context's error when it ended, else a *sendError.
func (t *Transport) sendFailure(ctx context.Context, r Request, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	// url.Error repeats the full URL with its query; keep only the cause.
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return &sendError{t.wrap(r, err)}
}

// answerError is an answer the connector's Check refused, with its status
// for the breaker and the retry loop; Do returns the connector's error inside.
type answerError struct {
	status int
	err    error
}

func (e *answerError) Error() string { return e.err.Error() }

func (e *answerError) Unwrap() error { return e.err }

// sendError is a request that got no complete response.
type sendError struct{ err error }

func (e *sendError) Error() string { return e.err.Error() }

func (e *sendError) Unwrap() error { return e.err }

// temporary reports whether the failure may go away on another attempt:
// timeouts, dropped or reset connections, a response cut off half-way. Only a
// failed certificate check is final, since repeating it cannot help.
func (e *sendError) temporary() bool {
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	switch {
	case errors.As(e.err, &certErr), errors.As(e.err, &unknownAuthority), errors.As(e.err, &hostname):
		return false
	}
	return true
}

// notSent reports whether err proves the request never reached the server:
// the connection could not be made.
func notSent(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}
