package shipstation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/shipsync/shipsync/connector/retry"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	testKey    = "k3y-ABCDEF123456"
	testSecret = "s3cr3t-9f8e7d6c5b4a"
	testBase   = "/api"
)

// fastRetry keeps backoff waits in tests to a few milliseconds.
var fastRetry = retry.Policy{Attempts: 3, Base: time.Millisecond, Max: 2 * time.Millisecond}

// setup starts a server whose API is mounted under /api and returns a client
// pointed at it (a recording pacer, fast retries) plus the mux to register
// handlers on, with paths relative to the base URL. Requests outside /api fail
// the test.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux, *recordingPacer) {
	t.Helper()
	mux := http.NewServeMux()
	root := http.NewServeMux()
	root.Handle(testBase+"/", http.StripPrefix(testBase, mux))
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)

	pacer := &recordingPacer{}
	base := []Option{
		WithBaseURL(srv.URL + testBase + "/"),
		WithCredentials(testKey, testSecret),
		WithPacer(pacer),
		WithRetryPolicy(fastRetry),
		WithHTTPClient(srv.Client()),
	}
	c, err := NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, mux, pacer
}

// observation is one Pacer.Observe call.
type observation struct {
	remaining int
	reset     time.Duration
	limited   bool
}

// recordingPacer never waits and records what it is told.
type recordingPacer struct {
	waits atomic.Int64
	mu    sync.Mutex
	seen  []observation
}

func (p *recordingPacer) Wait(ctx context.Context) error {
	p.waits.Add(1)
	return ctx.Err()
}

func (p *recordingPacer) Observe(_ context.Context, remaining int, reset time.Duration, limited bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen = append(p.seen, observation{remaining, reset, limited})
	return nil
}

func (p *recordingPacer) observations() []observation {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]observation(nil), p.seen...)
}

// recordingObserver records what the client reports.
type recordingObserver struct {
	mu        sync.Mutex
	requests  []string // "endpoint status"
	remaining []int
	states    []string
}

func (o *recordingObserver) ObserveRequest(endpoint string, status int, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.requests = append(o.requests, fmt.Sprintf("%s %d", endpoint, status))
}

func (o *recordingObserver) ObserveRateRemaining(remaining int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.remaining = append(o.remaining, remaining)
}

func (o *recordingObserver) ObserveBreakerState(state string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.states = append(o.states, state)
}

func (o *recordingObserver) snapshot() (requests []string, remaining []int, states []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.requests...), append([]int(nil), o.remaining...), append([]string(nil), o.states...)
}

// writeJSON answers with v as JSON.
func writeJSON(t *testing.T, w http.ResponseWriter, status int, v any) {
	t.Helper()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		t.Errorf("encode response: %v", err)
	}
}

// readBody decodes a request body as generic JSON; it runs in handlers, so it
// reports problems with Errorf and returns nil.
func readBody(t *testing.T, r *http.Request) any {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("read body: %v", err)
		return nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Errorf("request body is not JSON: %v: %s", err, b)
		return nil
	}
	return v
}

// wantQuery fails the test when r's query differs from want (every key, exactly).
func wantQuery(t *testing.T, r *http.Request, want map[string]string) {
	t.Helper()
	got := r.URL.Query()
	for k, v := range want {
		if g := got.Get(k); g != v {
			t.Errorf("query %s = %q, want %q", k, g, v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected query parameter %s=%q", k, got.Get(k))
		}
	}
}

// mustReadFile reads a sample from testdata/shipstation.
func mustReadFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "shipstation", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
