package transport

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestLimiterBlocksAboveTheCurrentLimit(t *testing.T) {
	l := NewLimiter(4)
	ctx := context.Background()
	for range 4 {
		if err := l.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := l.Acquire(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("fifth Acquire at limit 4 = %v, want it to block until its context ends", err)
	}

	// A 429 halves the limit to 2: with 3 still in flight, nothing more
	// goes out until two of them end.
	l.release(kindThrottled)
	if got := l.Limit(); got != 2 {
		t.Fatalf("limit after a 429 = %d, want 2", got)
	}
	got := make(chan error, 1)
	go func() { got <- l.Acquire(ctx) }()
	l.release(kindFinal) // 2 in flight: still not below the limit
	select {
	case err := <-got:
		t.Fatalf("Acquire with 2 in flight at limit 2 returned %v, want it to wait", err)
	case <-time.After(20 * time.Millisecond):
	}
	l.release(kindFinal) // 1 in flight
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}
