package quipt

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shipsync/shipsync/connector/calls"
	"github.com/shipsync/shipsync/connector/retry"
	"github.com/shipsync/shipsync/connector/transport"
)

const shipPath = "/v2/orders/fulfillment/ship"

func shipRequest(orderID, ext string) ShipRequest {
	return ShipRequest{
		OrderID: orderID, ExternalShipmentID: ext, TrackingNumber: "1Z999", CarrierCode: "UPS",
		CarrierMethod: "ups_ground", ShipDate: "2026-03-03", Lines: []LineQuantity{{LineID: "l1", Quantity: 2}},
	}
}

// A 5xx is retried; the retry is signed afresh (the sandbox refuses a reused
// nonce, and the failed attempt's nonce was already accepted).
func TestRetryAfter5xxIsResigned(t *testing.T) {
	srv := newSandbox(t)
	order := seedOrder(srv, "Q-1")
	srv.FailNext(shipPath, 2, http.StatusServiceUnavailable)
	obs := &recordingObserver{}
	c := newTestClient(t, srv.URL(), WithObserver(obs))
	var counter calls.Counter
	ctx := calls.WithCounter(ctxWithTimeout(t), &counter)

	dup, err := c.FulfillmentOrders.Ship(ctx, shipRequest(order.ID, "shipstation:1"))
	if err != nil || dup {
		t.Fatalf("Ship = %v, %v; want success, not duplicate", dup, err)
	}
	if n := srv.Calls(shipPath); n != 3 {
		t.Errorf("sandbox saw %d attempts, want 3", n)
	}
	if counter.Quipt() != 3 {
		t.Errorf("calls counter = %d, want 3", counter.Quipt())
	}
	reqs, _ := obs.snapshot()
	want := []observed{{shipPath, 503}, {shipPath, 503}, {shipPath, 200}}
	if diff := cmp.Diff(want, reqs, cmp.AllowUnexported(observed{})); diff != "" {
		t.Errorf("observed requests (-want +got):\n%s", diff)
	}
	if got, _ := srv.FulfillmentOrder(order.ID); len(got.Shipments) != 1 {
		t.Errorf("order has %d shipments, want 1", len(got.Shipments))
	}
}

func TestRetriesExhausted(t *testing.T) {
	srv := newSandbox(t)
	srv.FailNext("/v2/orders/fulfillment/1/1", 10, http.StatusInternalServerError)
	c := newTestClient(t, srv.URL())
	err := c.Ping(ctxWithTimeout(t))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || IsPermanent(err) {
		t.Fatalf("Ping = %v, want a non-permanent 500 APIError", err)
	}
	if n := srv.Calls(endpointFulfillmentList); n != fastPolicy().Attempts {
		t.Errorf("attempts = %d, want %d", n, fastPolicy().Attempts)
	}
	if !strings.Contains(err.Error(), "after 4 attempts") {
		t.Errorf("error %q does not say how many attempts were made", err)
	}
}

// The write reached the server but the answer was lost: the retry is answered
// as a duplicate and the effect happened once.
func TestDropAfterApplyRetryReportsDuplicate(t *testing.T) {
	srv := newSandbox(t)
	order := seedOrder(srv, "Q-1")
	srv.DropAfterApply(shipPath, 1)
	obs := &recordingObserver{}
	c := newTestClient(t, srv.URL(), WithObserver(obs))

	dup, err := c.FulfillmentOrders.Ship(ctxWithTimeout(t), shipRequest(order.ID, "shipstation:1"))
	if err != nil || !dup {
		t.Fatalf("Ship = %v, %v; want duplicate success", dup, err)
	}
	got, _ := srv.FulfillmentOrder(order.ID)
	if len(got.Shipments) != 1 {
		t.Fatalf("order has %d shipments, want exactly 1", len(got.Shipments))
	}
	want := []observed{{shipPath, 0}, {shipPath, 200}}
	if reqs, _ := obs.snapshot(); !cmp.Equal(want, reqs, cmp.AllowUnexported(observed{})) {
		t.Errorf("observed %v, want %v (status 0 for the dropped connection)", reqs, want)
	}
}

func TestDroppedConnectionRetried(t *testing.T) {
	srv := newSandbox(t)
	order := seedOrder(srv, "Q-1")
	srv.DropNext(shipPath, 1)
	c := newTestClient(t, srv.URL())
	dup, err := c.FulfillmentOrders.Ship(ctxWithTimeout(t), shipRequest(order.ID, "shipstation:1"))
	if err != nil || dup {
		t.Fatalf("Ship = %v, %v; want a first-time success", dup, err)
	}
	if n := srv.Calls(shipPath); n != 2 {
		t.Errorf("attempts = %d, want 2", n)
	}
}

// A GET whose connection drops after the server used its nonce must not be
// replayed with the same signature.
func TestDroppedReadRetriedWithNewSignature(t *testing.T) {
	srv := newSandbox(t)
	seedOrder(srv, "Q-1")
	c := newTestClient(t, srv.URL())
	ctx := ctxWithTimeout(t)
	if err := c.Ping(ctx); err != nil { // warm a keep-alive connection
		t.Fatal(err)
	}
	srv.DropAfterApply("/v2/orders/fulfillment/200/1", 1)
	pages, err := collect(t, c.FulfillmentOrders.List(ctx, FulfillmentListOptions{}))
	if err != nil || len(pages) != 1 || len(pages[0].Items) != 1 {
		t.Fatalf("list after a dropped read = %v pages, %v", len(pages), err)
	}
}

func TestTimeoutRetried(t *testing.T) {
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		w.Write([]byte(`{"Success":true,"Result":[]}`))
	}))
	t.Cleanup(ts.Close)
	c := newTestClient(t, ts.URL, WithHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}))
	if err := c.Ping(ctxWithTimeout(t)); err != nil {
		t.Fatalf("Ping after one timeout: %v", err)
	}
	if n.Load() != 2 {
		t.Errorf("attempts = %d, want 2", n.Load())
	}
}

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	srv := newSandbox(t)
	srv.RateLimitNext(1, time.Second)
	c := newTestClient(t, srv.URL())
	start := time.Now()
	if err := c.Ping(ctxWithTimeout(t)); err != nil {
		t.Fatalf("Ping after 429: %v", err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("retried after %v, before Retry-After (1s)", waited)
	}
	if n := srv.Calls(endpointFulfillmentList); n != 2 {
		t.Errorf("attempts = %d, want 2", n)
	}
}

// A Retry-After beyond maxRetryAfterWait is not waited out in-process.
func TestLongRetryAfterReturnsRateLimitError(t *testing.T) {
	srv := newSandbox(t)
	srv.RateLimitNext(1, 120*time.Second)
	c := newTestClient(t, srv.URL())
	start := time.Now()
	err := c.Ping(ctxWithTimeout(t))
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 120*time.Second {
		t.Fatalf("Ping = %v, want RateLimitError with RetryAfter 2m", err)
	}
	if IsPermanent(err) {
		t.Error("a 429 is reported as permanent")
	}
	if time.Since(start) > time.Second {
		t.Error("client waited instead of returning")
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	c := newTestClient(t, "http://example.invalid", WithClock(func() time.Time { return now }))
	for in, want := range map[string]time.Duration{
		"3":                             3 * time.Second,
		"0":                             0,
		"":                              time.Second,
		"soon":                          time.Second,
		"-4":                            time.Second,
		"Mon, 02 Mar 2026 17:00:05 GMT": 5 * time.Second,
		"Mon, 02 Mar 2026 16:00:00 GMT": 0,
	} {
		if got := c.retryAfter(in); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestEnvelopeFailureOnHTTP200IsAnError(t *testing.T) {
	srv := newSandbox(t)
	srv.FailEnvelopeNext("/v2/orders/fulfillment/1/1", 1)
	c := newTestClient(t, srv.URL())
	err := c.Ping(ctxWithTimeout(t))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusOK {
		t.Fatalf("Ping = %v, want an APIError with status 200", err)
	}
	if !strings.Contains(err.Error(), "injected envelope failure") || apiErr.TransactionID == "" {
		t.Errorf("error %q / TransactionID %q lack the envelope's details", err, apiErr.TransactionID)
	}
	if n := srv.Calls(endpointFulfillmentList); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}
}

func TestErrorMessageInSuccessfulEnvelopeIsAnError(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"Success":true,"Result":null,"Messages":[{"Severity":"Warning","Code":"W","Description":"fine"},{"Severity":"Error","Code":"E1","Description":"broken"}]}`))
	}))
	t.Cleanup(ts.Close)
	err := newTestClient(t, ts.URL).Ping(ctxWithTimeout(t))
	if err == nil || !strings.Contains(err.Error(), "E1: broken") {
		t.Fatalf("Ping = %v, want the Error message", err)
	}
}

func TestNonEnvelopeErrorBodyIsTruncated(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("<html>" + strings.Repeat("x", 5000) + "</html>"))
	}))
	t.Cleanup(ts.Close)
	err := newTestClient(t, ts.URL).Ping(ctxWithTimeout(t))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 || IsPermanent(err) {
		t.Fatalf("Ping = %v, want a 403 that is not an item's permanent failure", err)
	}
	if len(apiErr.Body) > maxErrorBody+len("…") || len(err.Error()) > 400 {
		t.Errorf("body kept %d bytes, message %d bytes: not truncated", len(apiErr.Body), len(err.Error()))
	}
}

func TestMalformedSuccessBodyNotRetried(t *testing.T) {
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Write([]byte(`not json`))
	}))
	t.Cleanup(ts.Close)
	err := newTestClient(t, ts.URL).Ping(ctxWithTimeout(t))
	if err == nil || !strings.Contains(err.Error(), "decode response") || n.Load() != 1 {
		t.Fatalf("Ping = %v after %d attempts, want one decode error", err, n.Load())
	}
}

// cancelOnRequest cancels a context when the first attempt completes.
type cancelOnRequest struct{ cancel context.CancelFunc }

func (c cancelOnRequest) ObserveRequest(string, int, time.Duration) { c.cancel() }
func (c cancelOnRequest) ObserveBreakerState(string)                {}

func TestContextCancelStopsRetries(t *testing.T) {
	srv := newSandbox(t)
	srv.FailNext("/v2/orders/fulfillment/1/1", 10, http.StatusServiceUnavailable)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := newTestClient(t, srv.URL(), WithObserver(cancelOnRequest{cancel}))
	err := c.Ping(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Ping = %v, want the context's error", err)
	}
	if n := srv.Calls(endpointFulfillmentList); n != 1 {
		t.Errorf("attempts = %d, want 1 (nothing after the context ended)", n)
	}
	if c.BreakerState() != "closed" {
		t.Error("a cancelled call counted against the breaker")
	}
}

func TestContextDeadlineInterruptsBackoff(t *testing.T) {
	srv := newSandbox(t)
	srv.FailNext("/v2/orders/fulfillment/1/1", 10, http.StatusServiceUnavailable)
	c := newTestClient(t, srv.URL(), WithRetryPolicy(retry.Policy{Attempts: 6, Base: time.Hour, Max: time.Hour}))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := c.Ping(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Ping = %v, want context.DeadlineExceeded", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Error("Ping did not return when the deadline passed")
	}
}

func TestBreakerOpensAndRecovers(t *testing.T) {
	srv := newSandbox(t)
	obs := &recordingObserver{}
	c := newTestClient(t, srv.URL(), WithBreaker(2, 50*time.Millisecond), WithObserver(obs),
		WithRetryPolicy(retry.Policy{Attempts: 1}))
	ctx := ctxWithTimeout(t)

	// Permanent errors never open it.
	for range 5 {
		if _, err := c.FulfillmentOrders.Get(ctx, "missing"); !IsPermanent(err) {
			t.Fatalf("FulfillmentOrders.Get(missing) = %v, want a permanent 404", err)
		}
	}
	if c.BreakerState() != "closed" {
		t.Fatalf("breaker %s after 404s, want closed", c.BreakerState())
	}

	srv.FailNext("/v2/orders/fulfillment/1/1", 2, http.StatusBadGateway)
	for range 2 {
		if err := c.Ping(ctx); err == nil {
			t.Fatal("Ping succeeded during an outage")
		}
	}
	before := srv.Calls(endpointFulfillmentList)
	err := c.Ping(ctx)
	if !errors.Is(err, ErrBreakerOpen) || c.BreakerState() != "open" {
		t.Fatalf("Ping = %v, state %s; want ErrBreakerOpen", err, c.BreakerState())
	}
	if srv.Calls(endpointFulfillmentList) != before {
		t.Error("a request was sent while the breaker was open")
	}

	time.Sleep(60 * time.Millisecond)
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping after the open period: %v", err)
	}
	_, states := obs.snapshot()
	// The first is the state at construction.
	if want := []string{"closed", "open", "half-open", "closed"}; !cmp.Equal(states, want) {
		t.Errorf("breaker states %v, want %v", states, want)
	}
}

// The breaker counts HTTP requests, not calls (DESIGN.md §6): the retries of
// one call open it once threshold attempts in a row failed, and the call then
// stops without sending (or sleeping) more.
func TestBreakerCountsAttempts(t *testing.T) {
	srv := newSandbox(t)
	c := newTestClient(t, srv.URL(), WithBreaker(3, time.Hour),
		WithRetryPolicy(retry.Policy{Attempts: 6, Base: time.Millisecond, Max: time.Millisecond}))
	ctx := ctxWithTimeout(t)

	// Two failed attempts, then a success: the success resets the count.
	srv.FailNext("/v2/orders/fulfillment/1/1", 2, http.StatusServiceUnavailable)
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping after 2 failed attempts: %v", err)
	}
	srv.FailNext("/v2/orders/fulfillment/1/1", 2, http.StatusBadGateway)
	if err := c.Ping(ctx); err != nil || c.BreakerState() != "closed" {
		t.Fatalf("Ping = %v, breaker %s; want success and closed (failures were not consecutive)", err, c.BreakerState())
	}

	before := srv.Calls(endpointFulfillmentList)
	srv.FailNext("/v2/orders/fulfillment/1/1", 10, http.StatusInternalServerError)
	err := c.Ping(ctx)
	if !errors.Is(err, ErrBreakerOpen) || c.BreakerState() != "open" {
		t.Fatalf("Ping during an outage = %v, breaker %s; want ErrBreakerOpen after 3 failed attempts", err, c.BreakerState())
	}
	if n := srv.Calls(endpointFulfillmentList) - before; n != 3 {
		t.Errorf("sent %d attempts, want 3: the attempt that opened the breaker is the last", n)
	}
	// Open: the next call fails fast without sending.
	before = srv.Calls(endpointFulfillmentList)
	if err := c.Ping(ctx); !errors.Is(err, ErrBreakerOpen) || srv.Calls(endpointFulfillmentList) != before {
		t.Errorf("Ping while open = %v after %d requests; want ErrBreakerOpen and none", err, srv.Calls(endpointFulfillmentList)-before)
	}
}

// Transport failures and 408 count as failures; timeouts are attempts too.
func TestBreakerCountsDroppedAndTimedOutAttempts(t *testing.T) {
	srv := newSandbox(t)
	c := newTestClient(t, srv.URL(), WithBreaker(3, time.Hour),
		WithRetryPolicy(retry.Policy{Attempts: 6, Base: time.Millisecond, Max: time.Millisecond}))
	srv.DropNext("/v2/orders/fulfillment/1/1", 2)
	srv.FailNext("/v2/orders/fulfillment/1/1", 5, http.StatusRequestTimeout)
	if err := c.Ping(ctxWithTimeout(t)); !errors.Is(err, ErrBreakerOpen) {
		t.Fatalf("Ping = %v, want ErrBreakerOpen after 2 drops and a 408", err)
	}
	if n := srv.Calls(endpointFulfillmentList); n != 3 {
		t.Errorf("sent %d attempts, want 3", n)
	}
}

// A 429 storm is a busy upstream, not a broken one: rate-limited attempts
// are neither failures nor successes.
func TestRateLimitStormDoesNotOpenBreaker(t *testing.T) {
	srv := newSandbox(t)
	c := newTestClient(t, srv.URL(), WithBreaker(2, time.Hour),
		WithRetryPolicy(retry.Policy{Attempts: 6, Base: time.Millisecond, Max: time.Millisecond}))
	ctx := ctxWithTimeout(t)
	srv.RateLimitNext(18, 0)
	for range 3 {
		var rl *RateLimitError
		if err := c.Ping(ctx); !errors.As(err, &rl) {
			t.Fatalf("Ping = %v, want a RateLimitError", err)
		}
	}
	if n := srv.Calls(endpointFulfillmentList); n != 18 || c.BreakerState() != "closed" {
		t.Fatalf("%d rate-limited attempts left the breaker %s, want 18 and closed", n, c.BreakerState())
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping after the storm: %v", err)
	}

	// Neither does a 429 reset the count of failures around it: 503, 429,
	// 503 are two consecutive failures.
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 2:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		w.Write([]byte(`{"Success":false}`))
	}))
	t.Cleanup(ts.Close)
	c = newTestClient(t, ts.URL, WithBreaker(2, time.Hour),
		WithRetryPolicy(retry.Policy{Attempts: 6, Base: time.Millisecond, Max: time.Millisecond}))
	if err := c.Ping(ctx); !errors.Is(err, ErrBreakerOpen) || n.Load() != 3 {
		t.Errorf("Ping = %v after %d attempts, want ErrBreakerOpen after 3 (503, 429, 503)", err, n.Load())
	}
}

// A 301 on a list to another host is an error naming the target: no signed
// request goes there, and the list is not answered by that host.
func TestQuiptRedirectToAnotherHostIsRefused(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`{"Success":true,"Result":{"Orders":[]}}`))
	}))
	t.Cleanup(other.Close)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusMovedPermanently)
	}))
	t.Cleanup(ts.Close)
	err := newTestClient(t, ts.URL).Ping(ctxWithTimeout(t))
	if !errors.Is(err, transport.ErrRedirect) || !strings.Contains(err.Error(), other.URL) {
		t.Fatalf("Ping = %v, want a refused redirect naming %s", err, other.URL)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the other host got %d requests, want 0", n)
	}
}
