package reconcile

import (
	"context"
	"time"

	"github.com/shipsync/shipsync/connector/retry"
)

// pacer keeps reconcile's own ShipStation reads within its share of the
// budget: at most n in any window. Reads are sequential; each is stamped when
// its answer arrived (after the server counted it), and a read waits until
// the one n before it was stamped a window ago. The shared rate budget
// (state.RateBudget) still paces every request of every job; this keeps the
// rest of it for the other jobs. Retries of a failed read are the
// transport's and are not counted here.
type pacer struct {
	n      int
	window time.Duration
	done   []time.Time
}

// newPacer allows share of limit requests per window (a minute when zero),
// at least one.
func newPacer(limit int, window time.Duration, share float64) *pacer {
	if window <= 0 {
		window = time.Minute
	}
	return &pacer{n: max(1, int(float64(limit)*share)), window: window}
}

// wait blocks until one more read fits in the window.
func (p *pacer) wait(ctx context.Context) error {
	if len(p.done) < p.n {
		return nil
	}
	return retry.Sleep(ctx, time.Until(p.done[0].Add(p.window)))
}

// note stamps a read whose answer has arrived.
func (p *pacer) note() {
	p.done = append(p.done, time.Now())
	if len(p.done) > p.n {
		p.done = p.done[1:]
	}
}
