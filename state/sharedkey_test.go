package state_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/retry"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/internal/redistest"
	"github.com/shipsync/shipsync/state"
)

// sharing is what one shared-key session measured: the requests shipsync
// (paced by a RateBudget) and the other application sent, and how many of
// each the server answered with 429.
type sharing struct {
	ours, theirs       int
	ours429, theirs429 int
	ourMaxInEighth     int // the most of them in any eighth of a window
	limit, windows     int
	// oursAfterFirst counts shipsync's requests after its first window, in
	// which a new budget still takes the server's count in (RateBudget.Learn).
	oursAfterFirst int
}

// share reports shipsync's requests as a share of its limit over the
// session: 1 is limit requests in each of its windows.
func (s sharing) share() float64 {
	return float64(s.ours) / float64(s.limit*s.windows)
}

// steadyShare is share without the first window: the share of a budget
// running for a while.
func (s sharing) steadyShare() float64 {
	return float64(s.oursAfterFirst) / float64(s.limit*(s.windows-1))
}

// shareKey runs shipsync, paced by a RateBudget of limit per window, and
// another application sending other per window (never faster: it waits a
// little more than window/other after each answer) against a ShipStation
// sandbox that allows serverLimit per window on the key, for windows
// windows, with shipsync always having work. Shipsync lists users, the other
// application carriers, so that the server's log tells them apart.
func shareKey(tb testing.TB, limit, other, serverLimit int, window time.Duration, windows int) sharing {
	tb.Helper()
	r := redistest.New(tb)
	srv := shipstationtest.New(shipstationtest.WithCredentials("k", "s"), shipstationtest.WithDefaultAccount(),
		shipstationtest.WithRateLimit(serverLimit, window))
	tb.Cleanup(srv.Close)
	fast := retry.Policy{Attempts: 6, Base: time.Millisecond, Max: 5 * time.Millisecond}
	client := func(opts ...shipstation.Option) *shipstation.Client {
		c, err := shipstation.NewClient(append([]shipstation.Option{shipstation.WithBaseURL(srv.URL()),
			shipstation.WithCredentials("k", "s"), shipstation.WithRetryPolicy(fast)}, opts...)...)
		if err != nil {
			tb.Fatal(err)
		}
		return c
	}
	budget := state.NewRateBudget(r.Client, r.Prefix, "shared", limit, window)
	ours, theirs := client(shipstation.WithPacer(budget)), client()

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(windows)*window)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctx.Err() == nil {
			_, _ = ours.Users.List(ctx)
		}
	})
	wg.Go(func() {
		for ctx.Err() == nil {
			_, _ = theirs.Carriers.List(ctx)
			sleepCtx(ctx, window/time.Duration(other)+window/50)
		}
	})
	wg.Wait()

	s := sharing{limit: limit, windows: windows, ourMaxInEighth: srv.MaxInWindowOf(window/8, "/users")}
	for _, req := range srv.Requests() {
		mine := req.Path == "/users"
		switch {
		case req.Status == http.StatusTooManyRequests && mine:
			s.ours429++
		case req.Status == http.StatusTooManyRequests:
			s.theirs429++
		case req.Status == 0:
		case mine:
			s.ours++
			if req.Time.After(start.Add(window)) {
				s.oursAfterFirst++
			}
		default:
			s.theirs++
		}
	}
	return s
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// TestRateBudgetSharesTheKeyWithAnotherApp: shipsync at 30 per window and
// another application at 10 on a key the server limits to 40 per window:
// neither ever meets a 429, and shipsync spreads its requests across the
// window instead of spending them in its first moments.
func TestRateBudgetSharesTheKeyWithAnotherApp(t *testing.T) {
	const window = 3 * time.Second
	s := shareKey(t, 30, 10, 40, window, 3)
	if s.ours429 != 0 || s.theirs429 != 0 {
		t.Errorf("429s: shipsync %d, the other application %d; want none", s.ours429, s.theirs429)
	}
	if s.ours == 0 || s.theirs == 0 {
		t.Fatalf("shipsync sent %d, the other application %d: want both to send", s.ours, s.theirs)
	}
	// Bursts of at most 30/4 = 7: never more than a third of the 30 within
	// an eighth of a window.
	if n := s.ourMaxInEighth; n > 10 {
		t.Errorf("shipsync sent %d requests within an eighth of a window, want them spread (at most a third of its 30)", n)
	}
	t.Logf("shipsync sent %d (%.1f %% of its 30 per window), the other application %d", s.ours, 100*s.share(), s.theirs)
}

// BenchmarkRateBudgetSharedKey measures the scenario of
// TestRateBudgetSharesTheKeyWithAnotherApp over longer: SHIPSTATION_RATE_LIMIT
// 30 and another application sending 10 per window on a key limited to 40,
// with the window scaled to 6 s, for 10 windows. It reports share_pct,
// shipsync's requests as a percentage of its 30 per window, steady_share_pct
// the same after the first window (goal ≥ 95: in its first window a new
// budget takes the server's count in, see RateBudget.Learn), and
// the 429s each side met (goal 0).
//
//	go test -run '^$' -bench RateBudgetSharedKey -benchtime 1x ./state/
func BenchmarkRateBudgetSharedKey(b *testing.B) {
	var s sharing
	for b.Loop() {
		s = shareKey(b, 30, 10, 40, 6*time.Second, 10)
	}
	b.ReportMetric(100*s.share(), "share_pct")
	b.ReportMetric(100*s.steadyShare(), "steady_share_pct")
	b.ReportMetric(float64(s.ours429), "ours_429")
	b.ReportMetric(float64(s.theirs429), "theirs_429")
	b.ReportMetric(float64(s.theirs)/10, "theirs/window")
}
