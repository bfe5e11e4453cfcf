package ops

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// httpGet GETs url and returns the status and body.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestGateSaysPreflightRunningUntilOpen: before Open /readyz is 503
// "preflight running" and /healthz 200; after, the Readiness answers.
func TestGateSaysPreflightRunningUntilOpen(t *testing.T) {
	gate := &Gate{}
	srv := httptest.NewServer(Handler(prometheus.NewRegistry(), gate))
	defer srv.Close()
	get := func(path string) (int, string) { return httpGet(t, srv.URL+path) }
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz before Open = %d", code)
	}
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "preflight running") {
		t.Errorf("/readyz before Open = %d %q", code, body)
	}
	gate.Open(&Readiness{Ping: func(context.Context) error { return nil }, Started: time.Now()})
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after Open = %d %q", code, body)
	}
}

// TestGateBoundsAHungRedisAndCachesTheAnswer: a ping that never returns by
// itself ends with the check's deadline, and the answer is reused by the next
// probe instead of asking Redis again.
func TestGateBoundsAHungRedisAndCachesTheAnswer(t *testing.T) {
	var pings atomic.Int32
	gate := &Gate{}
	gate.Open(&Readiness{Ping: func(ctx context.Context) error {
		pings.Add(1)
		<-ctx.Done() // a Redis that accepted the connection and never answers
		return ctx.Err()
	}, Started: time.Now()})
	// The answer is the ping's deadline (or, on a machine too busy to give
	// it in time, the gate's own bound): not ready either way.
	err := gate.Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "redis unreachable") && !strings.Contains(err.Error(), "no answer within") {
		t.Fatalf("Check with a hung Redis = %v, want not ready: redis unreachable", err)
	}
	if err2 := gate.Check(context.Background()); err2 == nil || pings.Load() != 1 {
		t.Errorf("second Check = %v after %d pings, want the cached answer from one ping", err2, pings.Load())
	}
}

// TestGateAnswersWhileAPingIgnoresItsDeadline: a client that does not honour
// the context (go-redis applies its own read timeout, not the context's)
// still gets an answer within the gate's bound; the check in flight is joined,
// not repeated, and its answer is used once it comes.
func TestGateAnswersWhileAPingIgnoresItsDeadline(t *testing.T) {
	release := make(chan struct{})
	var pings atomic.Int32
	gate := &Gate{}
	gate.Open(&Readiness{Ping: func(context.Context) error {
		pings.Add(1)
		<-release // ignores ctx
		return errors.New("i/o timeout")
	}, Started: time.Now()})
	for range 2 {
		if err := gate.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "no answer within") {
			t.Fatalf("Check while the ping hangs = %v, want no answer within the bound", err)
		}
	}
	if n := pings.Load(); n != 1 {
		t.Errorf("%d pings for two probes while one hangs, want 1", n)
	}
	close(release)
	for {
		gate.mu.Lock()
		running := gate.running
		gate.mu.Unlock()
		if running == nil {
			break
		}
		<-running
	}
	if err := gate.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "i/o timeout") {
		t.Errorf("Check after the ping returned = %v, want its answer", err)
	}
}

// TestReadinessNamesAnUnusableUpstream: Upstreams' answer makes it not ready.
func TestReadinessNamesAnUnusableUpstream(t *testing.T) {
	r := &Readiness{Ping: func(context.Context) error { return nil }, Started: time.Now(),
		Upstreams: func() error { return errors.New("quipt circuit breaker open") }}
	if err := r.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "quipt") {
		t.Errorf("Check = %v, want not ready naming quipt", err)
	}
}
