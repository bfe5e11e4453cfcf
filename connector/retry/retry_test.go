package retry

import (
	"context"
	"testing"
	"time"
)

func TestCeilingDoublesToCap(t *testing.T) {
	p := Default()
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i, w := range want {
		if got := p.Ceiling(i + 1); got != w {
			t.Errorf("Ceiling(%d) = %v, want %v", i+1, got, w)
		}
	}
}

func TestDelayStaysWithinCeiling(t *testing.T) {
	p := Policy{Attempts: 6, Base: 10 * time.Millisecond, Max: 40 * time.Millisecond}
	seen := map[time.Duration]bool{}
	for n := 1; n <= 5; n++ {
		for range 200 {
			d := p.Delay(n)
			if d < 0 || d > p.Ceiling(n) {
				t.Fatalf("Delay(%d) = %v outside [0, %v]", n, d, p.Ceiling(n))
			}
			seen[d] = true
		}
	}
	if len(seen) < 10 {
		t.Fatalf("Delay is not jittered: only %d distinct values", len(seen))
	}
}

func TestSleepReturnsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := Sleep(ctx, time.Hour); err != context.Canceled {
		t.Fatalf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if time.Since(start) > time.Second {
		t.Fatal("Sleep did not return promptly")
	}
}
