package quipt

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
)

// The client signs requests the sandbox (an independent implementation)
// accepts, with the API under a path prefix.
func TestSignedRequestAcceptedUnderPathPrefix(t *testing.T) {
	srv := newSandbox(t, quipttest.WithPathPrefix("/api"))
	if !strings.HasSuffix(srv.URL(), "/api") {
		t.Fatalf("sandbox URL %s lacks the prefix", srv.URL())
	}
	c := newTestClient(t, srv.URL()+"/")
	if err := c.Ping(ctxWithTimeout(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if n := srv.Calls(endpointFulfillmentList); n != 1 {
		t.Fatalf("sandbox saw %d list calls, want 1", n)
	}
}

func TestWrongCredentialsRejectedAndNotRetried(t *testing.T) {
	srv := newSandbox(t)
	for name, creds := range map[string][4]string{
		"consumer secret": {testConsumerKey, "wrong", testToken, testTokenSecret},
		"token secret":    {testConsumerKey, testConsumerSecret, testToken, "wrong"},
		"consumer key":    {"other-key", testConsumerSecret, testToken, testTokenSecret},
		"token":           {testConsumerKey, testConsumerSecret, "other-token", testTokenSecret},
	} {
		t.Run(name, func(t *testing.T) {
			before := srv.Calls(endpointFulfillmentList)
			c := newTestClient(t, srv.URL(), WithCredentials(creds[0], creds[1], creds[2], creds[3]))
			err := c.Ping(ctxWithTimeout(t))
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
				t.Fatalf("Ping = %v, want a 401 APIError", err)
			}
			if IsPermanent(err) {
				t.Error("401 is reported as a permanent failure of the item; it is the credentials'")
			}
			if n := srv.Calls(endpointFulfillmentList) - before; n != 1 {
				t.Errorf("sent %d attempts, want 1 (no retry on 401)", n)
			}
		})
	}
}

// tamperingTransport flips one character of the OAuth signature.
type tamperingTransport struct{ next http.RoundTripper }

func (tt tamperingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	h := r.Header.Get("Authorization")
	i := strings.Index(h, `oauth_signature="`) + len(`oauth_signature="`)
	flipped := byte('A')
	if h[i] == 'A' {
		flipped = 'B'
	}
	r.Header.Set("Authorization", h[:i]+string(flipped)+h[i+1:])
	return tt.next.RoundTrip(r)
}

func TestTamperedSignatureRejected(t *testing.T) {
	srv := newSandbox(t)
	c := newTestClient(t, srv.URL(), WithHTTPClient(&http.Client{Transport: tamperingTransport{http.DefaultTransport}}))
	err := c.Ping(ctxWithTimeout(t))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("Ping = %v, want 401", err)
	}
	if !strings.Contains(err.Error(), "invalid signature") {
		t.Errorf("error %q does not carry the server's reason", err)
	}
}

// tamperQueryTransport changes the query after signing: the signature covers it.
type tamperQueryTransport struct{ next http.RoundTripper }

func (tt tamperQueryTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.RawQuery = url.Values{"orderStatus": {"8"}}.Encode()
	return tt.next.RoundTrip(r)
}

func TestSignatureCoversQuery(t *testing.T) {
	srv := newSandbox(t)
	c := newTestClient(t, srv.URL(), WithHTTPClient(&http.Client{Transport: tamperQueryTransport{http.DefaultTransport}}))
	_, err := collect(t, c.FulfillmentOrders.List(ctxWithTimeout(t), FulfillmentListOptions{Statuses: []int{StatusOpen}}))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("list with a query changed after signing = %v, want 401", err)
	}
}

func TestReplayedNonceRejected(t *testing.T) {
	srv := newSandbox(t)
	c := newTestClient(t, srv.URL(), WithNonceSource(func() string { return "same-nonce" }))
	ctx := ctxWithTimeout(t)
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("first Ping: %v", err)
	}
	err := c.Ping(ctx)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized || !strings.Contains(err.Error(), "nonce") {
		t.Fatalf("replayed nonce: %v, want 401 about the nonce", err)
	}
}

func TestTimestampWindow(t *testing.T) {
	now := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	srv := newSandbox(t, quipttest.WithClock(func() time.Time { return now }))
	for _, tc := range []struct {
		skew time.Duration
		ok   bool
	}{
		{-11 * time.Minute, false},
		{11 * time.Minute, false},
		{-9 * time.Minute, true},
		{9 * time.Minute, true},
	} {
		c := newTestClient(t, srv.URL(), WithClock(func() time.Time { return now.Add(tc.skew) }))
		err := c.Ping(ctxWithTimeout(t))
		if tc.ok && err != nil {
			t.Errorf("skew %v: %v, want accepted", tc.skew, err)
		}
		var apiErr *APIError
		if !tc.ok && (!errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized) {
			t.Errorf("skew %v: %v, want 401", tc.skew, err)
		}
	}
}

// Secrets must not appear in errors or logs, raw or percent-encoded.
func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	srv := newSandbox(t)
	var logs bytes.Buffer
	logger := zerolog.New(&logs).Level(zerolog.DebugLevel)
	ctx := ctxWithTimeout(t)
	var errs []error

	srv.FailNext("/v2/orders/fulfillment/1/1", 1, http.StatusServiceUnavailable)
	good := newTestClient(t, srv.URL(), WithLogger(logger))
	if err := good.Ping(ctx); err != nil {
		t.Fatalf("Ping after one 503: %v", err)
	}
	bad := newTestClient(t, srv.URL(), WithLogger(logger), WithCredentials(testConsumerKey, testConsumerSecret+"x", testToken, testTokenSecret+"x"))
	errs = append(errs, bad.Ping(ctx))
	srv.FailNext("/v2/orders/fulfillment/1/1", 10, http.StatusBadGateway)
	errs = append(errs, good.Ping(ctx))
	_, err := NewClient(WithCredentials(testConsumerKey, testConsumerSecret, testToken, ""))
	errs = append(errs, err)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	errs = append(errs, good.Ping(cancelled))

	if !strings.Contains(logs.String(), "retrying") {
		t.Fatalf("expected retry log lines, got %q", logs.String())
	}
	for _, secret := range []string{testConsumerSecret, testTokenSecret} {
		for _, form := range []string{secret, percentEncode(secret), url.QueryEscape(secret)} {
			if strings.Contains(logs.String(), form) {
				t.Errorf("logs contain secret %q", form)
			}
			for _, err := range errs {
				if err == nil {
					t.Fatal("expected every scenario to fail")
				}
				if strings.Contains(err.Error(), form) {
					t.Errorf("error %q contains secret %q", err, form)
				}
			}
		}
	}
}
