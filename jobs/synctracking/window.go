package synctracking

import (
	"context"

	"github.com/shipsync/shipsync/jobs"
)

// Overlap is how far before its cursor each pass starts reading
// (jobs.CursorOverlap). It covers the hour that Pacific clocks repeat when
// they fall back (ShipStation's timestamps and filters are Pacific wall-clock
// times without an offset) and items that become visible in the API a little
// after their timestamp.
const Overlap = jobs.CursorOverlap

// Cursor names of the three ShipStation passes, under the job's cursors.
const (
	CursorShipmentsCreated   = "shipments-created"
	CursorShipmentsVoided    = "shipments-voided"
	CursorFulfillmentsCreate = "fulfillments-created"
)

// openWindow returns the time range one pass reads: [cursor − Overlap, now],
// or [now − lookback, now] before the first complete pass.
func (r *runner) openWindow(ctx context.Context, cursor string) (*jobs.Window, error) {
	return r.Env.OpenWindow(ctx, r.run, cursor, r.lookback())
}

// closeWindow advances the cursor after the whole window was processed (see
// jobs.Env.AdvanceCursor) and reports its lag.
func (r *runner) closeWindow(ctx context.Context, w *jobs.Window) error {
	return r.Env.AdvanceCursor(ctx, r.run, w)
}
