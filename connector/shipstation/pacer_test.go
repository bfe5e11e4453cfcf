package shipstation

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"
)

// TestLocalPacerWindowExact drives the sliding-window log with a synthetic
// clock: every request goes out as early as the pacer allows, and no interval
// of length window may hold more than limit of them.
func TestLocalPacerWindowExact(t *testing.T) {
	const (
		limit  = 4
		window = time.Minute
	)
	p := NewLocalPacer(limit, window)
	now := time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC)
	var sent []time.Time
	for i := range 30 {
		// Irregular arrivals: bursts and pauses.
		now = now.Add(time.Duration(i%7) * 3 * time.Second)
		for d := p.claim(now); d > 0; d = p.claim(now) {
			now = now.Add(d)
		}
		sent = append(sent, now)
	}
	for i := 0; i+limit < len(sent); i++ {
		if gap := sent[i+limit].Sub(sent[i]); gap < window {
			t.Fatalf("requests %d..%d fit in %v: more than %d per %v", i, i+limit, gap, limit, window)
		}
	}
	// The pacer must not be slower than needed: request limit+k goes out
	// exactly one window after request k when it was waiting for it.
	waited := 0
	for i := limit; i < len(sent); i++ {
		if sent[i].Equal(sent[i-limit].Add(window)) {
			waited++
		}
	}
	if waited == 0 {
		t.Error("no request was released exactly when the window allowed it")
	}
}

// TestLocalPacerSlidingWindow sends many requests from several goroutines and
// checks, on the wall clock, that no interval of length window held more than
// limit of them.
func TestLocalPacerSlidingWindow(t *testing.T) {
	const (
		limit   = 5
		window  = 200 * time.Millisecond
		workers = 4
		each    = 4 // 16 requests: at least three full windows of waiting
	)
	// Slack for the gap between the pacer's clock reading and ours on a busy CPU.
	const slack = 20 * time.Millisecond
	p := NewLocalPacer(limit, window)
	var (
		mu    sync.Mutex
		stamp []time.Time
		wg    sync.WaitGroup
	)
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for range each {
				if err := p.Wait(t.Context()); err != nil {
					t.Error(err)
					return
				}
				now := time.Now()
				mu.Lock()
				stamp = append(stamp, now)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	sort.Slice(stamp, func(i, j int) bool { return stamp[i].Before(stamp[j]) })
	if len(stamp) != workers*each {
		t.Fatalf("%d sends, want %d", len(stamp), workers*each)
	}
	for i := 0; i+limit < len(stamp); i++ {
		if gap := stamp[i+limit].Sub(stamp[i]); gap < window-slack {
			t.Errorf("sends %d and %d are %v apart: %d requests within one %v window", i, i+limit, gap, limit+1, window)
		}
	}
	// 16 sends at 5 per window need the fourth window to start.
	if min := 3*window - slack; elapsed < min {
		t.Errorf("took %v, want at least %v", elapsed, min)
	}
}

func TestLocalPacerFirstBurstIsImmediate(t *testing.T) {
	p := NewLocalPacer(3, time.Hour)
	start := time.Now()
	for range 3 {
		if err := p.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("first %d requests took %v", 3, d)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	if err := p.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("fourth Wait = %v, want deadline exceeded", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.sent) != 3 {
		t.Errorf("a cancelled Wait claimed a slot: %d recorded", len(p.sent))
	}
}

func TestLocalPacerPausesWhenNothingRemains(t *testing.T) {
	p := NewLocalPacer(100, time.Minute)
	p.Observe(t.Context(), 5, 10*time.Second, false) // budget left: no pause
	start := time.Now()
	if err := p.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Millisecond {
		t.Errorf("Wait with budget left took %v", d)
	}

	p.Observe(t.Context(), 0, 150*time.Millisecond, false)
	start = time.Now()
	if err := p.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 140*time.Millisecond {
		t.Errorf("Wait after remaining=0 took %v, want the 150ms reset", d)
	}
}

func TestLocalPacerPausesAfter429WithJitter(t *testing.T) {
	p := NewLocalPacer(100, time.Minute)
	p.minJitter = 50 * time.Millisecond
	p.Observe(t.Context(), 0, 100*time.Millisecond, true)
	start := time.Now()
	if err := p.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	// reset (100ms) + jitter in [minJitter, max(minJitter, 20% of reset)] = [150ms, 150ms].
	if d < 140*time.Millisecond || d > 400*time.Millisecond {
		t.Errorf("Wait after 429 took %v, want about 150ms", d)
	}
}

func TestLocalPacerJitterBounds(t *testing.T) {
	p := NewLocalPacer(1, time.Minute)
	reset := 20 * time.Second
	seen := map[bool]bool{}
	for range 200 {
		j := p.jitter(reset)
		if j < defaultMinJitter || j > reset/5 {
			t.Fatalf("jitter(%v) = %v, want within [%v, %v]", reset, j, defaultMinJitter, reset/5)
		}
		seen[j > reset/10] = true
	}
	if !seen[true] || !seen[false] {
		t.Error("jitter does not spread over its range")
	}
	if j := p.jitter(0); j != defaultMinJitter {
		t.Errorf("jitter(0) = %v, want %v", j, defaultMinJitter)
	}
}

func TestLocalPacerPauseOnlyGrows(t *testing.T) {
	p := NewLocalPacer(100, time.Minute)
	p.Observe(t.Context(), 0, time.Hour, false)
	p.Observe(t.Context(), 0, time.Millisecond, false)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := p.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v; a shorter reset ended a longer pause", err)
	}
}

func TestNewLocalPacerClampsArguments(t *testing.T) {
	p := NewLocalPacer(0, 0)
	if p.limit != 1 || p.window != time.Minute {
		t.Errorf("NewLocalPacer(0, 0) = limit %d, window %v", p.limit, p.window)
	}
}
