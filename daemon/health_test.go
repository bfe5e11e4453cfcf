package daemon

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/ops"
	"github.com/shipsync/shipsync/state"
)

// heldTransport holds every upstream request until release is closed (a
// preflight that takes as long as the test wants), and tells held of each
// request it starts holding.
type heldTransport struct {
	release chan struct{}
	held    chan struct{}
	// off, when set and true, lets requests through unheld.
	off *atomic.Bool
}

func (h heldTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if h.off != nil && h.off.Load() {
		return http.DefaultTransport.RoundTrip(r)
	}
	select {
	case h.held <- struct{}{}:
	default:
	}
	select {
	case <-h.release:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// probe GETs path on addr; code 0 means no answer.
func probe(addr, path string) (int, string) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + addr + path)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestHealthFromTheFirstSecond: /healthz answers while the preflight is still
// waiting for an upstream, and /readyz says "preflight running" until it ends.
func TestHealthFromTheFirstSecond(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	var logs jobstest.LogBuffer
	held := heldTransport{release: make(chan struct{}), held: make(chan struct{}, 1)}
	addr := jobstest.FreeAddr(t)
	app := newAppWith(t, w, &logs, Options{Retry: &jobstest.FastRetry, HTTPClient: &http.Client{Transport: held}}, "HTTP_ADDR", addr)
	started := make(chan error, 1)
	go func() { started <- app.Start(context.Background()) }()

	for {
		code, _ := probe(addr, "/healthz")
		if code == http.StatusOK {
			break
		}
		select {
		case err := <-started:
			t.Fatalf("Start returned (%v) before /healthz answered", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if code, body := probe(addr, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "preflight running") {
		t.Errorf("/readyz during the preflight = %d %q, want 503 preflight running", code, body)
	}
	close(held.release)
	if err := <-started; err != nil {
		t.Fatalf("Start: %v\n%s", err, logs.String())
	}
	if code, body := probe(addr, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after the preflight = %d %q, want 200", code, body)
	}
	if err := app.Stop(context.Background()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

// TestNotReadyWhileAnUpstreamIsUnreachable: the daemon starts when Quipt
// cannot be reached (nothing is known against it), but is not ready.
func TestNotReadyWhileAnUpstreamIsUnreachable(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	var logs jobstest.LogBuffer
	app := newApp(t, w, &logs, "QUIPT_BASE_URL", "http://"+jobstest.FreeAddr(t))
	if err := app.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v\n%s", err, logs.String())
	}
	defer func() { _ = app.Stop(context.Background()) }()
	if code, body := probe(app.Addr(), "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "quipt") {
		t.Errorf("/readyz with Quipt unreachable = %d %q, want 503 naming quipt", code, body)
	}
}

// TestSkippedRunsAreCounted: while another replica holds get-orders' lease,
// the scheduled runs here are skipped, and counted as such.
func TestSkippedRunsAreCounted(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	if _, err := w.Store.AcquireLease(context.Background(), "get-orders", "another-replica", time.Minute); err != nil {
		t.Fatal(err)
	}
	var logs jobstest.LogBuffer
	app := newApp(t, w, &logs, "GET_ORDERS_SCHEDULE", "@every 1s")
	if err := app.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v\n%s", err, logs.String())
	}
	defer func() { _ = app.Stop(context.Background()) }()
	const want = `shipsync_runs_skipped_total{job="get-orders",reason="lease_held"}`
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, body := probe(app.Addr(), "/metrics")
		if strings.Contains(body, want) {
			if !strings.Contains(body, "shipsync_build_info{") {
				t.Error("/metrics lacks shipsync_build_info")
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s after 20 s of scheduled runs", want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestShutdownThatCancelledRunsIsClean: a run still waiting on an upstream
// when SHUTDOWN_GRACE ends is cancelled, returns, and the stop is clean (nil:
// exit 0); the log says runs were cancelled.
func TestShutdownThatCancelledRunsIsClean(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	var logs jobstest.LogBuffer
	var off atomic.Bool
	off.Store(true)
	hang := heldTransport{release: make(chan struct{}), held: make(chan struct{}, 1), off: &off}
	app := newAppWith(t, w, &logs, Options{Retry: &jobstest.FastRetry, HTTPClient: &http.Client{Transport: hang}},
		"SHUTDOWN_GRACE", "1s", "GET_ORDERS_SCHEDULE", "@every 1s")
	if err := app.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v\n%s", err, logs.String())
	}
	off.Store(false) // from now on every upstream request hangs until its context ends
	<-hang.held      // a scheduled run is waiting on an upstream
	if err := app.Stop(context.Background()); err != nil {
		t.Fatalf("Stop after cancelling a run = %v, want a clean stop\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), `"event":"runs_cancelled"`) {
		t.Errorf("the log does not say runs were cancelled:\n%s", logs.String())
	}
}

// TestReadyzAnswersWhenRedisHangs: a Redis that accepts connections and never
// answers (go-redis then waits for its own read timeout, not the probe's
// context) makes /readyz answer 503 instead of hanging.
func TestReadyzAnswersWhenRedisHangs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	defer func() { _ = ln.Close(); <-served }()
	go func() { // holds every connection open, never answering, until ln closes
		defer close(served)
		var conns []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range conns {
					_ = c.Close()
				}
				return
			}
			conns = append(conns, c)
		}
	}()
	rdb := redis.NewClient(&redis.Options{Addr: ln.Addr().String(), MaxRetries: -1})
	defer rdb.Close()
	store := state.New(rdb, "hang")
	gate := &ops.Gate{}
	gate.Open(&ops.Readiness{Ping: store.Ping, LastSuccess: store.LastSuccess, Started: time.Now()})
	srv := httptest.NewServer(ops.Handler(prometheus.NewRegistry(), gate))
	defer srv.Close()
	code, body := probe(strings.TrimPrefix(srv.URL, "http://"), "/readyz")
	if code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with a hung Redis = %d %q, want 503", code, body)
	}
}
