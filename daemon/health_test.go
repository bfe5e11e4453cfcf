package daemon

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shipsync/shipsync/jobs/jobstest"
)

// heldTransport holds every upstream request until release is closed: a
// preflight that takes as long as the test wants.
type heldTransport struct{ release chan struct{} }

func (h heldTransport) RoundTrip(r *http.Request) (*http.Response, error) {
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
	held := heldTransport{release: make(chan struct{})}
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
