package quipt

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/connector/retry"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Secrets used by the tests, distinctive enough to grep for in output.
const (
	testConsumerKey    = "ck-test"
	testConsumerSecret = "cs-SECRET-7f3a"
	testToken          = "tok-test"
	testTokenSecret    = "ts-SECRET-91bc"
)

// fastPolicy keeps retry tests quick.
func fastPolicy() retry.Policy {
	return retry.Policy{Attempts: 4, Base: time.Millisecond, Max: 20 * time.Millisecond}
}

// newSandbox starts a sandbox that accepts the test credentials.
func newSandbox(t *testing.T, opts ...quipttest.Option) *quipttest.Server {
	t.Helper()
	opts = append([]quipttest.Option{quipttest.WithCredentials(testConsumerKey, testConsumerSecret, testToken, testTokenSecret)}, opts...)
	srv := quipttest.New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// newTestClient builds a client for srv with fast retries; opts come last so
// they win.
func newTestClient(t *testing.T, baseURL string, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{
		WithBaseURL(baseURL),
		WithCredentials(testConsumerKey, testConsumerSecret, testToken, testTokenSecret),
		WithRetryPolicy(fastPolicy()),
	}, opts...)
	c, err := NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// newNonceCounter returns a nonce source yielding n1, n2, ...
func newNonceCounter() func() string {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("n%d", n.Add(1)) }
}

// recordingObserver remembers every observation.
type recordingObserver struct {
	mu       sync.Mutex
	requests []observed
	states   []string
}

type observed struct {
	endpoint string
	status   int
}

func (o *recordingObserver) ObserveRequest(endpoint string, status int, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.requests = append(o.requests, observed{endpoint, status})
}

func (o *recordingObserver) ObserveBreakerState(state string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.states = append(o.states, state)
}

func (o *recordingObserver) snapshot() ([]observed, []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]observed{}, o.requests...), append([]string{}, o.states...)
}

// collect drains a page iterator.
func collect[T any](t *testing.T, pages func(func(*Page[T], error) bool)) ([]*Page[T], error) {
	t.Helper()
	var out []*Page[T]
	for p, err := range pages {
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
	return out, nil
}

// seedOrder adds an open fulfillment order with two lines (l1 ×2, l2 ×1).
func seedOrder(srv *quipttest.Server, number string) quipttest.Order {
	return srv.AddFulfillmentOrder(quipttest.Order{
		OrderNumber: number,
		Status:      StatusOpen,
		Lines: []quipttest.Line{
			{ID: "l1", SKU: "CASE-IP15-BLK", Quantity: 2, UnitPrice: 19.99},
			{ID: "l2", SKU: "CABLE-USB-C", Quantity: 1, UnitPrice: 9.99},
		},
	})
}

func ctxWithTimeout(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
