package jobs

import (
	"context"
	"sync"
	"sync/atomic"
)

// Effects is what applying one item did: its counters (the embedded
// Summary: Created++, Skip, Add, ...) and the records to write. Apply merges
// them, in item order, into the run's summary and the page's records, so
// that items can be applied concurrently without sharing anything.
type Effects struct {
	Summary
	run     *Run
	records []noted
}

// noted is one record an item noted: value for id in namespace ns.
type noted struct{ ns, id, value string }

// Record notes value as the record of id in namespace ns, written with the
// page's records.
func (e *Effects) Record(ns, id, value string) {
	e.records = append(e.records, noted{ns, id, value})
}

// DeadLetter is Env.DeadLetter for the item, counted in its Effects.
func (e *Effects) DeadLetter(ctx context.Context, id, reason string, fields map[string]any) error {
	return e.run.Env.DeadLetter(ctx, e.run.Run, &e.Summary, id, reason, fields)
}

// Apply runs effect for every item of items, at most limit at a time (limit
// below 1 means 1: one after the other, in order), and returns the records
// the items noted, merged in item order; their counters are added to the
// run's summary in item order.
//
// An item's own effects are the calls effect makes for it, in order. Items
// whose key is the same (the same upstream object, listed twice) run one
// after the other, in order, never side by side. effect handles a permanent
// failure itself (Effects.DeadLetter) and returns nil; any error it returns
// means "stop": no further item starts, the items that already started end,
// and Apply returns the records of every item that ended with the first
// error in item order. The caller writes the records (Run.Record), so that
// what succeeded is recorded before the run stops.
func Apply[C any](ctx context.Context, run *Run, items []C, key func(C) string, limit int, effect func(context.Context, C, *Effects) error) (Records, error) {
	effs := make([]*Effects, len(items))
	errs := make([]error, len(items))
	var stop atomic.Bool
	one := func(i int) {
		eff := &Effects{run: run}
		errs[i] = effect(ctx, items[i], eff)
		effs[i] = eff
		if errs[i] != nil {
			stop.Store(true)
		}
	}
	if limit <= 1 {
		for i := range items {
			if stop.Load() {
				break
			}
			one(i)
		}
	} else {
		concurrently(len(items), func(i int) string { return key(items[i]) }, limit, &stop, one)
	}

	recs := Records{}
	var first error
	for i, eff := range effs {
		if eff == nil {
			continue
		}
		run.Sum.merge(&eff.Summary)
		for _, n := range eff.records {
			recs.Set(n.ns, n.id, n.value)
		}
		if first == nil {
			first = errs[i]
		}
	}
	return recs, first
}

// concurrently calls one for the indexes 0 to n-1 in order, limit at a
// time, until stop is set: an index whose key an earlier index has waits
// until that one returned, so that the effects on one object stay in order.
// limit workers take the indexes in turn (a goroutine per index would start
// each with a small stack and grow it again for every item's calls), each
// taking its next index itself: handing indexes out from another goroutine
// would wake that goroutine, and often a thread for it, once per item.
func concurrently(n int, key func(int) string, limit int, stop *atomic.Bool, one func(int)) {
	q := &taskQueue{n: n, key: key, stop: stop, last: map[string]chan struct{}{}}
	var wg sync.WaitGroup
	for range min(limit, n) {
		wg.Go(func() {
			for {
				t, ok := q.take()
				if !ok {
					return
				}
				if t.prev != nil {
					<-t.prev
				}
				if !stop.Load() {
					one(t.i)
				}
				close(t.done)
			}
		})
	}
	wg.Wait()
}

// taskQueue hands out the indexes of concurrently in order.
type taskQueue struct {
	mu   sync.Mutex
	next int
	n    int
	key  func(int) string
	stop *atomic.Bool
	// last holds, per key, the done channel of the latest index taken.
	last map[string]chan struct{}
}

// task is one index to call one for. prev is closed when the earlier index
// with the same key returned (nil when there is none); done is closed when
// i returned.
type task struct {
	i          int
	prev, done chan struct{}
}

// take returns the next index, unless all are taken or stop is set. An
// index only ever waits (prev) for an earlier one, which a worker took
// before it, so that the workers cannot wait for each other in a circle.
func (q *taskQueue) take() (task, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.next >= q.n || q.stop.Load() {
		return task{}, false
	}
	i := q.next
	q.next++
	k := q.key(i)
	t := task{i: i, prev: q.last[k], done: make(chan struct{})}
	q.last[k] = t.done
	return t, true
}
