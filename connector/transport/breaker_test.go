package transport_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/transport"
)

// oneShot makes every call a single attempt and a single counted failure
// open the breaker.
func oneShot(c *transport.Config) {
	c.Retry.Attempts = 1
	c.BreakerThreshold, c.BreakerOpenFor = 1, time.Minute
}

// The breaker counts an attempt answered with a 5xx or 408, and nothing else
// a server answers: with a threshold of one, only those open it.
func TestBreakerCountsOnlyOutages(t *testing.T) {
	for status, opens := range map[int]bool{
		200: false, 400: false, 401: false, 404: false, 409: false, 429: false,
		408: true, 500: true, 502: true, 503: true,
	} {
		var log bytes.Buffer
		tr, url := newTransport(t, &log, oneShot, status)
		_, _ = tr.Do(t.Context(), transport.Request{Method: http.MethodGet, Endpoint: "/x", Path: "/x", URL: url + "/x"})
		if got := tr.BreakerState() == "open"; got != opens {
			t.Errorf("status %d: breaker %s, want open %v", status, tr.BreakerState(), opens)
		}
	}
}

// A call cancelled by its caller does not count either.
func TestBreakerIgnoresCancellation(t *testing.T) {
	var log bytes.Buffer
	tr, url := newTransport(t, &log, oneShot, http.StatusBadGateway)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := tr.Do(ctx, transport.Request{Method: http.MethodGet, Endpoint: "/x", Path: "/x", URL: url + "/x"}); err == nil {
		t.Fatal("cancelled call succeeded")
	}
	if tr.BreakerState() != "closed" {
		t.Errorf("breaker %s after a cancelled call, want closed", tr.BreakerState())
	}
}
