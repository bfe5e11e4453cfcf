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
		until, err := r.Client.Get(ctx, b.keys[1]).Int64()
		if err != nil {
			t.Fatal(err)
		}
		// Server and test share a clock here; allow for the call's latency.
		pause := time.UnixMilli(until).Sub(before)
		if pause < reset-20*time.Millisecond || pause > reset+250*time.Millisecond+50*time.Millisecond {
			t.Fatalf("pause after a 429 with reset %v = %v, want within [%v, %v]", reset, pause, reset, reset+250*time.Millisecond)
		}
		seen[pause.Milliseconds()/10] = true
	}
	if len(seen) < 3 {
		t.Fatalf("20 pauses after a 429 fall into %d distinct 10 ms buckets; want jitter", len(seen))
	}
}
