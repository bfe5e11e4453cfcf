package main

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shipsync/shipsync/internal/redistest"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// The chaos test's length: the short form (30 s of faults) runs with the
// package's tests, -short skips it; the long form is `go test -run Chaos
// -timeout 30m ./cmd/shipsync/ -args -chaos.duration=5m` (README, "Fault
// suite").
var (
	chaosDuration = flag.Duration("chaos.duration", 30*time.Second, "how long the chaos test injects faults")
	chaosLogDir   = flag.String("chaos.logs", "", "directory for the chaos replicas' logs (default: a temporary one, removed)")
)

// The chaos test's scaled time constants: production's 60 s client timeout,
// 60 s LEASE_TTL, 10 min WRITE_SETTLE and one-minute rate window, divided by
// 12 to 30 so that minutes of production happen in seconds.
const (
	chaosReplicas      = 3
	chaosClientTimeout = 2 * time.Second
	chaosLeaseTTL      = 2 * time.Second
	chaosWriteSettle   = 6 * time.Second // > client timeout + LEASE_TTL
	chaosRateWindow    = 5 * time.Second // the scaled "60 s" window
	chaosRateLimit     = 100             // SHIPSTATION_RATE_LIMIT per window
	chaosHold          = 3 * time.Second // > client timeout, < WRITE_SETTLE
	chaosPause         = 3500 * time.Millisecond
)

// TestChaosReplicasLoseAndDuplicateNothing runs several `shipsync run`
// replicas against both sandboxes and Redis while simulated staff work on
// both sides and faults are injected (chaosFaults), then lets the replicas
// drain with faults off, stops them with SIGTERM and compares both sides:
// every effect of every kind exactly once (chaosStaff.compare), each replica
// exits 0, and no rate window holds more ShipStation requests than the budget.
func TestChaosReplicasLoseAndDuplicateNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the chaos test takes 40 s or more")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, %s of faults, %d replicas", seed, *chaosDuration, chaosReplicas)
	w := jobstest.New(t, jobstest.Options{RateLimit: chaosRateLimit, RateWindow: chaosRateWindow})
	redisURL, err := url.Parse(w.Redis.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := redistest.NewProxy(t, redisURL.Host)
	redisURL.Host = proxy.Addr()
	env := with(testEnv(w),
		"REDIS_URL", redisURL.String(), "LOG_LEVEL", "info",
		"GET_ORDERS_SCHEDULE", "@every 1s", "PUSH_ORDERS_SCHEDULE", "@every 1s",
		"SYNC_TRACKING_SCHEDULE", "@every 1s", "SYNC_CANCELS_SCHEDULE", "@every 1s",
		"LINK_LISTINGS_SCHEDULE", "off", "RECONCILE_SCHEDULE", "off",
		"LEASE_TTL", chaosLeaseTTL.String(), "SHUTDOWN_GRACE", "5s",
		"WRITE_SETTLE", "70s", // valid against the production timeout; the replica scales it
		"SHIPSTATION_RATE_LIMIT", fmt.Sprint(chaosRateLimit),
		chaosClientTimeoutEnv, chaosClientTimeout.String(),
		chaosWriteSettleEnv, chaosWriteSettle.String(),
		chaosRateWindowEnv, chaosRateWindow.String(),
	)
	dir := *chaosLogDir
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f := newFleet(t, env, chaosReplicas, dir)
	staff := newChaosStaff(w, rand.New(rand.NewPCG(seed, 1)))
	faults := &chaosFaults{
		w: w, fleet: f, proxy: proxy, rng: rand.New(rand.NewPCG(seed, 2)),
		holdFor: chaosHold, pauseFor: chaosPause, outage: 1500 * time.Millisecond, counts: map[string]int{},
	}

	ctx, cancel := context.WithTimeout(context.Background(), *chaosDuration)
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctx.Err() == nil {
			staff.act()
			time.Sleep(150 * time.Millisecond)
		}
	})
	faults.run(ctx, *chaosDuration)
	wg.Wait()
	cancel()

	drainStart := time.Now()
	drainMax := max(2*time.Minute, *chaosDuration/2)
	v := staff.compare()
	for !v.settled() && time.Since(drainStart) < drainMax {
		faults.restartExited()
		time.Sleep(time.Second)
		v = staff.compare()
	}
	drained := time.Since(drainStart)
	badExits := f.stop(time.Minute)
	v = staff.compare()

	maxWindow := w.SS.MaxInWindow(chaosRateWindow)
	t.Logf("chaos figures: %s", chaosFigures(faults, staff, v, f.started, drained, maxWindow))
	t.Logf("replica logs in %s", dir)
	for _, line := range badExits {
		t.Error(line)
	}
	if !v.settled() {
		t.Errorf("after %s of draining, both sides still differ:\n%s", drained.Round(time.Second), v.summary(40))
	}
	if len(v.stale) > 0 && !staleVersionsAsserted {
		t.Logf("%d orders in ShipStation carry an older version than Quipt's latest (issue 7 item 3, not asserted yet):\n%s",
			len(v.stale), strings.Join(v.stale[:min(len(v.stale), 20)], "\n"))
	}
	if maxWindow > chaosRateLimit {
		t.Errorf("ShipStation saw %d requests within one %s window, over the budget of %d", maxWindow, chaosRateWindow, chaosRateLimit)
	}
	assertChaosHappened(t, faults)
}

// assertChaosHappened fails the test when a fault class it depends on was
// never injected: the test would prove nothing about it.
func assertChaosHappened(t *testing.T, c *chaosFaults) {
	t.Helper()
	for _, kind := range []string{"sigkill", "sigstop_lease_holder", "redis_wipe", "redis_outage"} {
		if c.counts[kind] == 0 {
			t.Errorf("no %s was injected: the test proves nothing about it", kind)
		}
	}
	if c.held() == 0 {
		t.Error("no request was held past the client's timeout")
	}
}

// chaosFigures is the one line of figures a chaos run reports.
func chaosFigures(c *chaosFaults, s *chaosStaff, v *chaosVerdict, started int, drained time.Duration, maxWindow int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	line := fmt.Sprintf("%d replica processes started; faults %s; held past the client timeout and applied late %s; staff %s, %d pushed orders handled before their acknowledgement; effects checked %s; drained in %s; busiest %s window %d of %d ShipStation requests; %d stale versions",
		started, kv(c.counts), kv(c.heldByEndpoint()), kv(s.acts), s.unacked, kv(v.checked),
		drained.Round(100*time.Millisecond), chaosRateWindow, maxWindow, chaosRateLimit, len(v.stale))
	return line
}

// kv renders a map as sorted key=value pairs.
func kv(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return "{" + strings.Join(parts, " ") + "}"
}
