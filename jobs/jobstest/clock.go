package jobstest

import (
	"sync/atomic"
	"time"
)

// JobsClock is the jobs' clock of a World that a test moves forward: the
// world's clock plus an offset. Unlike Clock, it leaves the sandboxes'
// clock alone.
type JobsClock struct{ offset atomic.Int64 }

// Advance moves the clock forward by d.
func (c *JobsClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// InjectClock makes the jobs' clock (Env.Now) one the test moves forward;
// the sandboxes keep the world's clock.
func (w *World) InjectClock() *JobsClock {
	c := &JobsClock{}
	base := w.Now
	w.Env.Now = func() time.Time { return base().Add(time.Duration(c.offset.Load())) }
	return c
}
