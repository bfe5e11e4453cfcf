package main

import (
	"context"
	"maps"
	"math/rand/v2"
	"time"

	"github.com/shipsync/shipsync/internal/redistest"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// writeEndpoint is a write of one of the upstreams and the job that sends it.
type writeEndpoint struct {
	shipStation bool
	path        string
	job         string
}

// chaosWrites are the write endpoints of both systems that shipsync uses,
// the frequentWrites first (every new order of the staff sends them).
var chaosWrites = []writeEndpoint{
	{true, "/orders/createorders", "push-orders"},
	{true, "/orders/assignuser", "get-orders"},
	{false, "/v2/orders/purchase", "get-orders"},
	{false, "/v2/orders/fulfillment/acknowledge", "push-orders"},
	{true, "/orders/markasshipped", "sync-tracking"},
	{false, "/v2/orders/fulfillment/ship", "sync-tracking"},
	{false, "/v2/orders/fulfillment/ship/void", "sync-tracking"},
	{false, "/v2/orders/fulfillment/cancel", "sync-cancels"},
}

const frequentWrites = 4

// chaosFaults injects the faults while the staff work: replica kills,
// pauses of a lease holder while its write is held, requests held past the
// client's timeout, 5xx, dropped connections (before and after the write is
// applied), 429s, one wipe of the test's Redis keys and one Redis outage.
type chaosFaults struct {
	w        *jobstest.World
	fleet    *fleet
	proxy    *redistest.Proxy
	rng      *rand.Rand
	holdFor  time.Duration // longer than the clients' timeout, shorter than WRITE_SETTLE
	pauseFor time.Duration // longer than LEASE_TTL
	outage   time.Duration // how long Redis is cut off
	next     int           // the write endpoint the next hold is for
	counts   map[string]int
	// heldTotal is how many requests the sandboxes had held at heldAt, the
	// last tick at which that number changed.
	heldTotal int
	heldAt    time.Time
}

// noteHeld notes when the sandboxes last held a request.
func (c *chaosFaults) noteHeld() {
	n := 0
	for _, v := range c.heldByEndpoint() {
		n += v
	}
	if n != c.heldTotal {
		c.heldTotal, c.heldAt = n, time.Now()
	}
}

// wipeDue reports whether the wipe is due and no held request may still be
// on the wire. A wipe erases the intent of a write in flight, and README
// says what that costs ("an in-flight markasshipped/assignuser intent is
// gone ... read as it is then"): a request held across the wipe and applied
// after the next run's read would be sent twice by design, so the wipe waits
// until every hold has ended. Until then no new hold is armed.
func (c *chaosFaults) wipeDue(elapsed, d time.Duration) (due, waiting bool) {
	if elapsed <= d/3 || c.counts["redis_wipe"] != 0 {
		return false, false
	}
	return time.Since(c.heldAt) > c.holdFor+time.Second, true
}

// run injects faults until ctx ends: one fault every 300 ms, at random,
// except that the first SIGKILL and the first pause of a lease holder are
// due after a fifth of the time, the wipe after a third and the Redis
// outage after two thirds, so that every class happens in every run.
func (c *chaosFaults) run(ctx context.Context, d time.Duration) {
	start := time.Now()
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		c.restartExited()
		c.noteHeld()
		elapsed := time.Since(start)
		wipe, wiping := c.wipeDue(elapsed, d)
		switch {
		case elapsed > d/5 && c.counts["sigkill"] == 0:
			c.fleet.kill(c.rng)
			c.counts["sigkill"]++
		case elapsed > d/5 && c.counts["sigstop_lease_holder"] == 0:
			c.holdAndPause(ctx, chaosWrites[c.rng.IntN(frequentWrites)])
		case wipe:
			c.w.Redis.Wipe()
			c.counts["redis_wipe"]++
		case elapsed > 2*d/3 && c.counts["redis_outage"] == 0:
			c.proxy.Cut()
			time.Sleep(c.outage)
			c.proxy.Restore()
			c.counts["redis_outage"]++
		case wiping:
			c.transient(c.rng.IntN(21))
		default:
			c.one(ctx)
		}
	}
}

// one injects one random fault.
func (c *chaosFaults) one(ctx context.Context) {
	switch n := c.rng.IntN(21); {
	case n < 2:
		c.fleet.kill(c.rng)
		c.counts["sigkill"]++
	case n < 4:
		c.holdAndPause(ctx, chaosWrites[c.rng.IntN(len(chaosWrites))])
	case n < 7:
		c.hold()
	default:
		c.transient(n)
	}
}

// hold makes the next request to the next write endpoint wait past the
// clients' timeout before it is applied.
func (c *chaosFaults) hold() writeEndpoint {
	e := chaosWrites[c.next%len(chaosWrites)]
	c.next++
	if e.shipStation {
		c.w.SS.HoldNext(e.path, 1, c.holdFor)
	} else {
		c.w.Q.HoldNext(e.path, 1, c.holdFor)
	}
	c.counts["holds_armed"]++
	return e
}

// holdAndPause holds a write and, once a replica sent it, SIGSTOPs the
// replica holding the lease of the job that sends it for longer than
// LEASE_TTL: the write is on the wire while its sender loses its lease.
func (c *chaosFaults) holdAndPause(ctx context.Context, e writeEndpoint) {
	before := c.heldByEndpoint()[e.path]
	if e.shipStation {
		c.w.SS.HoldNext(e.path, 1, c.holdFor)
	} else {
		c.w.Q.HoldNext(e.path, 1, c.holdFor)
	}
	c.counts["holds_armed"]++
	for deadline := time.Now().Add(2 * c.holdFor); c.heldByEndpoint()[e.path] == before; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) || ctx.Err() != nil {
			c.counts["pause_no_write_sent"]++
			return // nobody sent one in time; the hold stays armed
		}
	}
	r := c.fleet.byPID(leasePID(ctx, c.w, e.job))
	if r == nil {
		c.counts["pause_no_lease_holder"]++
		return
	}
	c.fleet.pause(r, c.pauseFor)
	c.counts["sigstop_lease_holder"]++
}

// held is how many requests the sandboxes have held so far.
func (c *chaosFaults) held() int {
	n := 0
	for _, m := range []map[string]int{c.w.SS.Held(), c.w.Q.Held()} {
		for _, v := range m {
			n += v
		}
	}
	return n
}

// transient arms one short fault on either system.
func (c *chaosFaults) transient(n int) {
	ss, q := c.w.SS, c.w.Q
	writes := func(shipStation bool) string {
		for {
			if e := chaosWrites[c.rng.IntN(len(chaosWrites))]; e.shipStation == shipStation {
				return e.path
			}
		}
	}
	kinds := []func() string{
		func() string {
			ss.FailNext("", 1+c.rng.IntN(2), []int{500, 502, 503}[c.rng.IntN(3)])
			return "shipstation_5xx"
		},
		func() string { ss.DropNext("", 1); return "shipstation_drop" },
		func() string { ss.DropAfterApply(writes(true), 1); return "shipstation_drop_after_apply" },
		func() string { ss.DropAfterApply("/orders/createorders", 1); return "createorders_answer_lost" },
		func() string { ss.FailNext("", 1, 429); return "shipstation_429" },
		func() string { q.FailNext("", 1+c.rng.IntN(2), 503); return "quipt_5xx" },
		func() string { q.DropNext("", 1); return "quipt_drop" },
		func() string { q.DropAfterApply(writes(false), 1); return "quipt_drop_after_apply" },
		func() string { q.RateLimitNext(1, time.Second); return "quipt_429" },
	}
	c.counts[kinds[n%len(kinds)]()]++
}

// restartExited starts a new replica in every slot whose process ended by
// itself (a start that found Redis cut off, say), as a supervisor would.
func (c *chaosFaults) restartExited() {
	for i, r := range c.fleet.running() {
		select {
		case <-r.done:
			c.counts["exited_by_itself"]++
			c.fleet.start(i)
		default:
		}
	}
}

// heldByEndpoint is how many requests each sandbox held, by path.
func (c *chaosFaults) heldByEndpoint() map[string]int {
	out := maps.Clone(c.w.SS.Held())
	if out == nil {
		out = map[string]int{}
	}
	maps.Copy(out, c.w.Q.Held())
	return out
}
