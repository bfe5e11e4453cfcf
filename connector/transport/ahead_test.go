package transport_test

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/transport"
)

// slotPacer is a SlotPacer that counts its calls and grants, at each WaitN,
// every further slot asked for, usable until by.
type slotPacer struct {
	mu           sync.Mutex
	waits, waitN int
	asked        []int
	by           time.Time
}

func (p *slotPacer) Wait(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.waits++
	return nil
}

func (p *slotPacer) WaitN(_ context.Context, n int) ([]time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.waitN++
	p.asked = append(p.asked, n)
	out := make([]time.Time, n-1)
	for i := range out {
		out[i] = p.by
	}
	return out, nil
}

func (p *slotPacer) Observe(context.Context, int, time.Duration, bool) error { return nil }

func (p *slotPacer) calls() (waits, waitN int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waits, p.waitN
}

// get sends n GETs through tr with ctx.
func get(t *testing.T, tr *transport.Transport, ctx context.Context, url string, n int) {
	t.Helper()
	for range n {
		if _, err := tr.Do(ctx, transport.Request{Method: http.MethodGet, Endpoint: "/x", Path: "/x", URL: url + "/x"}); err != nil {
			t.Fatal(err)
		}
	}
}

// Three requests announced ahead cost one claim of three slots; without the
// announcement each costs a claim of its own.
func TestRequestsAheadShareOneClaim(t *testing.T) {
	var fallback bytes.Buffer
	p := &slotPacer{by: time.Now().Add(time.Hour)}
	tr, url := newTransport(t, &fallback, func(c *transport.Config) { c.Pacer = p })

	get(t, tr, transport.WithRequestsAhead(t.Context(), 3), url, 3)
	if waits, waitN := p.calls(); waits != 0 || waitN != 1 || p.asked[0] != 3 {
		t.Fatalf("3 requests ahead: %d Wait, %d WaitN (asked %v); want one WaitN of 3", waits, waitN, p.asked)
	}
	get(t, tr, t.Context(), url, 2)
	if waits, waitN := p.calls(); waits != 2 || waitN != 1 {
		t.Fatalf("2 requests not announced: %d Wait, %d WaitN in all; want 2 Wait more", waits, waitN)
	}
}

// A request beyond those announced, and one whose slot has expired, waits for
// the pacer as usual; an expired slot is never used.
func TestExpiredOrMissingSlotsWaitForThePacer(t *testing.T) {
	var fallback bytes.Buffer
	p := &slotPacer{by: time.Now().Add(-time.Hour)} // every further slot already expired
	tr, url := newTransport(t, &fallback, func(c *transport.Config) { c.Pacer = p })

	get(t, tr, transport.WithRequestsAhead(t.Context(), 3), url, 4)
	// 1st: WaitN(3); 2nd: its slot expired, WaitN(2) for the 2 still to go;
	// 3rd: expired again, Wait (only 1 left); 4th: beyond the 3, Wait.
	if waits, waitN := p.calls(); waits != 2 || waitN != 2 {
		t.Fatalf("%d Wait, %d WaitN (asked %v); want 2 WaitN (3, 2) and 2 Wait", waits, waitN, p.asked)
	}
}

// A throttled answer drops the slots held ahead: the next request waits for
// the pacer, which holds it until the pause ends.
func TestThrottledAnswerDropsTheSlotsAhead(t *testing.T) {
	var fallback bytes.Buffer
	p := &slotPacer{by: time.Now().Add(time.Hour)}
	tr, url := newTransport(t, &fallback, func(c *transport.Config) { c.Pacer = p })

	ctx := transport.WithRequestsAhead(t.Context(), 3)
	get(t, tr, ctx, url, 1)
	tr.Observe(ctx, 0, time.Second, false) // nothing remaining
	get(t, tr, ctx, url, 1)
	if waits, waitN := p.calls(); waitN != 2 || waits != 0 || p.asked[1] != 2 {
		t.Fatalf("%d Wait, %d WaitN (asked %v); want the 2nd request to claim anew (WaitN of 2)", waits, waitN, p.asked)
	}
}
