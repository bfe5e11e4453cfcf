package state

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

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

// One claim of several slots takes as many as the burst and the limit leave
// free, in one script call: the first stamped now, the others hold later
// (so each may be sent until then plus half the margin), and never more than
// the limit or the burst allow; a budget with nothing free grants none.
func TestClaimSeveralSlotsKeepsTheLimitAndTheBurst(t *testing.T) {
	r := redistest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// limit 6 a minute: bursts of 3 (minBurst) per half window.
	spread := NewRateBudget(r.Client, r.Prefix, "spread", 6, time.Minute)
	granted, wait, err := spread.claimN(ctx, 5)
	if err != nil || granted != 3 || wait != 0 {
		t.Fatalf("claimN(5) on a fresh budget of burst 3 = %d, %v, %v; want 3 granted", granted, wait, err)
	}
	scores, err := r.Client.ZRangeWithScores(ctx, spread.keys[0], 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != 3 {
		t.Fatalf("claim log holds %d claims, want 3", len(scores))
	}
	if hold := spread.hold; hold != (time.Minute+claimMargin(time.Minute))/holdDivisor {
		t.Fatalf("hold = %v, want claimWindow/%d", hold, holdDivisor)
	}
	first := time.UnixMilli(int64(scores[0].Score))
	for _, z := range scores[1:] {
		if at := time.UnixMilli(int64(z.Score)); at.Sub(first) != spread.hold {
			t.Errorf("further slot stamped %v after the first, want the hold %v", at.Sub(first), spread.hold)
		}
	}
	if granted, wait, err := spread.claimN(ctx, 5); err != nil || granted != 0 || wait <= 0 {
		t.Fatalf("claimN(5) with the burst spent = %d, %v, %v; want none granted and a wait", granted, wait, err)
	}

	// limit 3, no spreading (the burst is the limit): the window caps it.
	small := NewRateBudget(r.Client, r.Prefix, "small", 3, time.Minute)
	if granted, _, err := small.claimN(ctx, 10); err != nil || granted != 3 {
		t.Fatalf("claimN(10) on a budget of 3 = %d, %v; want 3", granted, err)
	}
	if granted, wait, err := small.claimN(ctx, 1); err != nil || granted != 0 || wait <= 0 {
		t.Fatalf("claim on a full budget = %d, %v, %v; want none and a wait", granted, wait, err)
	}
	if n, err := r.Client.ZCard(ctx, small.keys[0]).Result(); err != nil || n != 3 {
		t.Fatalf("claim log of the full budget holds %d, %v; want 3", n, err)
	}

	// The further slots may be used until hold plus half the margin after
	// the claim began.
	start := time.Unix(1000, 0)
	by := spread.further(start, 2)
	want := start.Add(spread.hold + claimMargin(time.Minute)/2)
	if len(by) != 2 || !by[0].Equal(want) || !by[1].Equal(want) {
		t.Fatalf("further(start, 2) = %v, want 2 × %v", by, want)
	}
	if spread.further(start, 0) != nil {
		t.Fatal("further(start, 0) is not nil")
	}
}

// Three replicas claiming from one budget as fast as it lets them never put
// more than limit claims into one claim window (the window plus its safety
// margin), by the Redis server's clock, which stamps the claims: the times
// a test process reads after each claim would trail them by its own
// scheduling delays. Each replica loops as WaitN does: claim, else wait
// what the budget says.
func TestClaimsNeverExceedTheLimitPerWindowAcrossReplicas(t *testing.T) {
	r := redistest.New(t)
	opts, err := redis.ParseURL(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	const (
		limit  = 5
		window = 300 * time.Millisecond
		claims = 40
	)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var (
		mu    sync.Mutex
		times []time.Time
		wg    sync.WaitGroup
	)
	for range 3 {
		c := redis.NewClient(opts)
		t.Cleanup(func() { c.Close() })
		b := NewRateBudget(c, r.Prefix, "key-abc123", limit, window)
		wg.Go(func() {
			for {
				granted, wait, at, err := b.claimAt(ctx, 1)
				if err != nil {
					t.Errorf("claim: %v", err)
					return
				}
				if granted == 0 {
					time.Sleep(wait)
					continue
				}
				mu.Lock()
				if len(times) == claims {
					mu.Unlock()
					return
				}
				times = append(times, at)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(times) != claims {
		t.Fatalf("got %d claims, want %d", len(times), claims)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	claimWindow := window + claimMargin(window)
	for i := 0; i+limit < len(times); i++ {
		if span := times[i+limit].Sub(times[i]); span <= claimWindow {
			t.Errorf("claims %d..%d (%d claims) within %v by the server's clock, want at most %d per %v", i, i+limit, limit+1, span, limit, claimWindow)
		}
	}
	// The budget cannot be faster than limit per claim window; how close it
	// comes is BenchmarkRateBudgetSharedKey's figure, not a test's.
	if span, minimum := times[claims-1].Sub(times[0]), (claims/limit-1)*claimWindow; span < minimum {
		t.Errorf("40 claims spanned %v by the server's clock, want at least %v", span, minimum)
	}
}
