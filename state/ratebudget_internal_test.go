package state

import (
	"context"
	"testing"
	"time"

	"github.com/shipsync/shipsync/internal/redistest"
)

// The pause after a 429 lies between the reset and the reset plus jitter, and
// the jitter differs between observations.
func TestObserveLimitedJitter(t *testing.T) {
	r := redistest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const reset = time.Second
	seen := map[int64]bool{}
	for i := range 20 {
		b := NewRateBudget(r.Client, r.Prefix, "key-"+string(rune('a'+i)), 10, time.Minute)
		before := time.Now()
		b.Observe(ctx, -1, reset, true)
		after := time.Now()
		until, err := r.Client.Get(ctx, b.keys[1]).Int64()
		if err != nil {
			t.Fatal(err)
		}
		// Server and test share a clock here, so the script ran between
		// before and after: the pause it set lies between until-after and
		// until-before, give or take the whole-ms rounding of server times.
		// Its jitter is drawn from [0, max(reset/5, 250 ms)).
		const rounding = 2 * time.Millisecond
		longest, shortest := time.UnixMilli(until).Sub(before), time.UnixMilli(until).Sub(after)
		if longest < reset-rounding || shortest > reset+minLimitedJitter+rounding {
			t.Fatalf("pause after a 429 with reset %v = between %v and %v, want within [%v, %v)",
				reset, shortest, longest, reset, reset+minLimitedJitter)
		}
		seen[longest.Milliseconds()/10] = true
	}
	if len(seen) < 3 {
		t.Fatalf("20 pauses after a 429 fall into %d distinct 10 ms buckets; want jitter", len(seen))
	}
}

// A saturated budget frees its next slot only a safety margin after the
// oldest claim left the window: the server counts arrivals, which trail the
// claims by connection set-up, so freeing at exactly window would let
// limit+1 arrivals into one of the server's windows.
func TestClaimWindowHasSafetyMargin(t *testing.T) {
	r := redistest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const (
		limit  = 2
		window = 10 * time.Second
		margin = window / 50 // 200 ms
	)
	if got := claimMargin(window); got != margin {
		t.Fatalf("claimMargin(%v) = %v, want %v", window, got, margin)
	}
	if got := claimMargin(10 * time.Millisecond); got != time.Millisecond {
		t.Fatalf("claimMargin(10ms) = %v, want the 1 ms floor", got)
	}
	b := NewRateBudget(r.Client, r.Prefix, "margin", limit, window)
	start := time.Now()
	for range limit {
		if wait, err := b.claim(ctx); err != nil || wait != 0 {
			t.Fatalf("claim within the limit = %v, %v; want it granted", wait, err)
		}
	}
	wait, err := b.claim(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The oldest claim was made at or after start (server and test share a
	// clock here; 2 ms for the whole-ms rounding of server times), so the slot
	// frees window+margin after start at the earliest.
	if earliest := window + margin - time.Since(start) - 2*time.Millisecond; wait < earliest || wait > window+margin+time.Millisecond {
		t.Fatalf("wait for a slot of a full budget = %v, want within [%v, %v]", wait, earliest, window+margin+time.Millisecond)
	}
}
