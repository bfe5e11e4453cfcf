package getorders

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// The cursors of get-orders (state.Store cursors of the job).
const (
	// ModifiedCursor is the high-water mark of the orders' modifyDate: a run
	// between two sweeps reads only the orders modified since it (minus
	// jobs.CursorOverlap).
	ModifiedCursor = "orders-modified"
	// sweepCursor is when the last complete sweep of the whole window began.
	sweepCursor = "orders-sweep"
)

// sweepDue reports whether this run reads the whole created-within window:
// on the first run, when Sweep is zero, and once Sweep has passed since the
// last complete sweep began.
func (j *GetOrders) sweepDue(ctx context.Context, run *jobs.Run) (bool, error) {
	last, ok, err := j.Env.Store.Cursor(ctx, run.Job, sweepCursor)
	if err != nil {
		return false, fmt.Errorf("read the time of the last sweep: %w", err)
	}
	return !ok || j.Env.Clock().Sub(last) >= j.Sweep, nil
}

// recordSweep notes that a complete sweep began at began, so that the runs
// of the next Sweep read only what changed. A dry run records nothing.
func (j *GetOrders) recordSweep(ctx context.Context, run *jobs.Run, began time.Time) error {
	if j.Env.DryRun {
		return nil
	}
	if err := j.Env.Store.AdvanceCursor(ctx, run.Lease, sweepCursor, began); err != nil {
		return fmt.Errorf("record the sweep: %w", err)
	}
	run.Log.Info().Str("event", "swept").Time("began", began).Int64("next_within_ms", j.Sweep.Milliseconds()).
		Msg("read the whole window; the runs until the next sweep read only the orders modified since the cursor")
	return nil
}

// sweepPages lists every candidate order of the window: with a tag through
// /orders/listbytag, which has no date filter (the window is applied per
// order), else /orders with createDateStart.
func (j *GetOrders) sweepPages(ctx context.Context, since time.Time) iter.Seq2[*shipstation.Page[shipstation.Order], error] {
	if j.TagID != 0 {
		return j.Env.ShipStation.Orders.PagesByTag(ctx, shipstation.ListByTagOptions{OrderStatus: j.Status, TagID: j.TagID})
	}
	return j.Env.ShipStation.Orders.Pages(ctx, shipstation.OrderListOptions{OrderStatus: j.Status, CreateDateStart: since})
}

// changedPages lists the orders of the window modified within the cursor
// window w, oldest modification first, through /orders: both ends of the
// modify window are fixed, so an order modified during the scan leaves the
// list and is read by the next run. /orders/listbytag has no date filter, so with a tag the
// changed orders of every tag are read and Pick keeps the tagged ones: one
// call a run while fewer than 500 orders of the status changed in the window.
func (j *GetOrders) changedPages(ctx context.Context, since time.Time, w *jobs.Window) iter.Seq2[*shipstation.Page[shipstation.Order], error] {
	return j.Env.ShipStation.Orders.Pages(ctx, shipstation.OrderListOptions{
		OrderStatus:     j.Status,
		CreateDateStart: since,
		ModifyDateStart: w.Start,
		ModifyDateEnd:   w.End,
		SortBy:          "ModifyDate",
		SortDir:         "ASC",
	})
}
