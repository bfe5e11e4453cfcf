package quipt

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
)

// get reads fulfillment order id and fails the test on an error.
func get(t *testing.T, c *Client, id string) {
	t.Helper()
	if _, err := c.FulfillmentOrders.Get(context.Background(), id); err != nil {
		t.Fatalf("get: %v", err)
	}
}

func TestConcurrencyHalvesOnRateLimitAndServerErrorsAndRecovers(t *testing.T) {
	s := newSandbox(t)
	o := s.AddFulfillmentOrder(quipttest.Order{})
	c := newTestClient(t, s.URL(), WithConcurrency(8))
	if got := c.ConcurrencyLimit(); got != 8 {
		t.Fatalf("limit at start = %d, want 8", got)
	}

	s.RateLimitNext(1, 0)
	get(t, c, o.ID)
	if got := c.ConcurrencyLimit(); got != 4 {
		t.Fatalf("limit after a 429 = %d, want 4 (halved); the retry's success does not raise it yet", got)
	}
	s.FailNext("", 1, 503)
	get(t, c, o.ID)
	if got := c.ConcurrencyLimit(); got != 2 {
		t.Fatalf("limit after a 503 = %d, want 2", got)
	}
	s.FailNext("", 6, 502) // every attempt of one call
	if _, err := c.FulfillmentOrders.Get(context.Background(), o.ID); err == nil {
		t.Fatal("get succeeded through six 502s")
	}
	if got := c.ConcurrencyLimit(); got != 1 {
		t.Fatalf("limit after six 502s = %d, want 1 (never below)", got)
	}

	// Additive increase: one more after as many successes as the limit.
	for want := 1; want < 8; want++ {
		for range want - 1 {
			get(t, c, o.ID)
		}
		if got := c.ConcurrencyLimit(); got != want {
			t.Fatalf("limit = %d after %d successes at %d, want it unchanged", got, want-1, want)
		}
		get(t, c, o.ID)
	}
	for range 20 {
		get(t, c, o.ID)
	}
	if got := c.ConcurrencyLimit(); got != 8 {
		t.Fatalf("limit after many successes = %d, want 8 (the setting, never above)", got)
	}
}

func TestConcurrencyBoundsRequestsInFlight(t *testing.T) {
	s := newSandbox(t, quipttest.WithLatency(20*time.Millisecond))
	o := s.AddFulfillmentOrder(quipttest.Order{})
	c := newTestClient(t, s.URL(), WithConcurrency(3))
	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() { get(t, c, o.ID) })
	}
	wg.Wait()
	if got := s.MaxInFlight(); got != 3 {
		t.Errorf("%d requests were in flight at once, want the setting, 3", got)
	}

}

func TestConcurrencyMustBePositive(t *testing.T) {
	if _, err := NewClient(WithCredentials("a", "b", "c", "d"), WithConcurrency(0)); err == nil {
		t.Error("WithConcurrency(0) accepted")
	}
}
