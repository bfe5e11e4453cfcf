package transport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	"github.com/shipsync/shipsync/connector/retry"
	"github.com/shipsync/shipsync/connector/transport"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errOpen = errors.New("test: breaker open")

// plainAPI is the least a connector supplies: no credentials, any non-2xx
// is an error, 429 is a rate limit asking for a millisecond.
type plainAPI struct{}

func (plainAPI) Authorize(*http.Request) error { return nil }

func (plainAPI) Check(_ context.Context, _ transport.Request, a transport.Answer) error {
	if a.Status == http.StatusTooManyRequests {
		return errThrottled
	}
	if a.Status < 200 || a.Status > 299 {
		return fmt.Errorf("status %d", a.Status)
	}
	return nil
}

var errThrottled = errors.New("throttled")

func (plainAPI) Throttled(err error) (time.Duration, bool) {
	return time.Millisecond, errors.Is(err, errThrottled)
}

// failingPacer grants every slot and fails to record what it is told.
type failingPacer struct{}

func (failingPacer) Wait(ctx context.Context) error { return ctx.Err() }

func (failingPacer) Observe(context.Context, int, time.Duration, bool) error {
	return errors.New("redis: connection refused")
}

// newTransport returns a Transport against a server answering with the
// statuses in turn (then 200), logging to fallback, with fast retries; edit,
// when not nil, adjusts its Config.
func newTransport(t *testing.T, fallback *bytes.Buffer, edit func(*transport.Config), statuses ...int) (*transport.Transport, string) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(statuses) {
			w.WriteHeader(statuses[i])
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	cfg := transport.Config{Name: "test", API: plainAPI{}, Settings: transport.DefaultSettings(time.Second), ErrBreakerOpen: errOpen}
	cfg.HTTPClient = srv.Client()
	cfg.Retry = retry.Policy{Attempts: 3, Base: time.Millisecond, Max: time.Millisecond}
	cfg.Logger = zerolog.New(fallback)
	if edit != nil {
		edit(&cfg)
	}
	tr, err := transport.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tr, srv.URL
}

// warnings returns the warn-level lines of a JSON log.
func warnings(t *testing.T, log *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["level"] == "warn" {
			out = append(out, m)
		}
	}
	return out
}

// A job run puts its logger (with job and run_id) on the context; the retry
// warnings of a call made with that context carry both.
func TestRetryWarningsCarryTheRunOfTheContext(t *testing.T) {
	var fallback, runLog bytes.Buffer
	tr, url := newTransport(t, &fallback, nil, http.StatusBadGateway, http.StatusTooManyRequests)
	run := zerolog.New(&runLog).With().Str("job", "get-orders").Str("run_id", "4f2a").Logger()
	ctx := run.WithContext(t.Context())

	if _, err := tr.Do(ctx, transport.Request{Method: http.MethodGet, Endpoint: "/x", Path: "/x", URL: url + "/x"}); err != nil {
		t.Fatal(err)
	}
	got := warnings(t, &runLog)
	if len(got) != 2 {
		t.Fatalf("run log has %d warnings, want 2 (a failure, a rate limit): %s", len(got), runLog.String())
	}
	for _, w := range got {
		if w["job"] != "get-orders" || w["run_id"] != "4f2a" || w["upstream"] != "test" || w["endpoint"] != "/x" {
			t.Errorf("warning %v lacks the run's job and run_id", w)
		}
	}
	if fallback.Len() != 0 {
		t.Errorf("the client's own logger got %q, want nothing", fallback.String())
	}
}

// Without a logger on the context the client's own logger gets the warnings.
func TestRetryWarningsWithoutRunGoToTheClientLogger(t *testing.T) {
	var fallback bytes.Buffer
	tr, url := newTransport(t, &fallback, nil, http.StatusServiceUnavailable)
	if _, err := tr.Do(t.Context(), transport.Request{Method: http.MethodGet, Endpoint: "/x", Path: "/x", URL: url + "/x"}); err != nil {
		t.Fatal(err)
	}
	if got := warnings(t, &fallback); len(got) != 1 || got[0]["message"] != "request failed; retrying" {
		t.Errorf("client log warnings %v, want the one retry", got)
	}
}

// A pacer that cannot record what a response said is logged, on the run's
// logger, and does not fail the call.
func TestObserveFailureIsLogged(t *testing.T) {
	var fallback, runLog bytes.Buffer
	tr, _ := newTransport(t, &fallback, func(c *transport.Config) { c.Pacer = failingPacer{} })
	run := zerolog.New(&runLog).With().Str("job", "sync-tracking").Str("run_id", "77").Logger()
	tr.Observe(run.WithContext(t.Context()), 0, time.Second, false)
	got := warnings(t, &runLog)
	if len(got) != 1 || got[0]["job"] != "sync-tracking" || !strings.Contains(fmt.Sprint(got[0]["error"]), "connection refused") {
		t.Errorf("warnings %v, want the pacer's error with the run's fields", got)
	}
}

// TestRateLimitWaitIsLoggedAsSuch: a 429 is logged as a rate-limit wait with
// its wait in milliseconds, a failure as a retry with retry_in_ms.
func TestRateLimitWaitIsLoggedAsSuch(t *testing.T) {
	var fallback, runLog bytes.Buffer
	tr, url := newTransport(t, &fallback, nil, http.StatusBadGateway, http.StatusTooManyRequests)
	ctx := zerolog.New(&runLog).WithContext(t.Context())
	if _, err := tr.Do(ctx, transport.Request{Method: http.MethodGet, Endpoint: "/x", Path: "/x", URL: url + "/x"}); err != nil {
		t.Fatal(err)
	}
	got := warnings(t, &runLog)
	if len(got) != 2 {
		t.Fatalf("%d warnings, want 2: %s", len(got), runLog.String())
	}
	if _, ok := got[0]["retry_in_ms"]; !ok || got[0]["message"] != "request failed; retrying" {
		t.Errorf("failure line = %v, want a retry with retry_in_ms", got[0])
	}
	if _, ok := got[1]["wait_ms"]; !ok || got[1]["event"] != "rate_limit_wait" || strings.Contains(got[1]["message"].(string), "failed") {
		t.Errorf("429 line = %v, want a rate_limit_wait with wait_ms", got[1])
	}
}
