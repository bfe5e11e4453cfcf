package synctracking

import (
	"context"
	"fmt"
	"time"
)

// Overlap is how far before its cursor each pass starts reading. It covers
// the hour that Pacific clocks repeat when they fall back (ShipStation's
// timestamps and filters are Pacific wall-clock times without an offset) and
// items that become visible in the API a little after their timestamp.
const Overlap = 65 * time.Minute

// Cursor names of the three ShipStation passes, under the job's cursors.
const (
	CursorShipmentsCreated   = "shipments-created"
	CursorShipmentsVoided    = "shipments-voided"
	CursorFulfillmentsCreate = "fulfillments-created"
)

// window is the time range one pass reads: [cursor − Overlap, now], or
// [now − lookback, now] before the first complete pass.
type window struct {
	cursor     string
	start, end time.Time
	// newest is the latest timestamp seen in the window.
	newest time.Time
}

func (r *runner) openWindow(ctx context.Context, cursor string) (*window, error) {
	end := r.Env.Clock()
	w := &window{cursor: cursor, start: end.Add(-r.lookback()), end: end}
	at, ok, err := r.Env.Store.Cursor(ctx, r.run.Job, cursor)
	if err != nil {
		return nil, fmt.Errorf("read cursor %s: %w", cursor, err)
	}
	if ok {
		w.start = at.Add(-Overlap)
	}
	r.run.Log.Debug().Str("cursor", cursor).Time("window_start", w.start).Time("window_end", w.end).Msg("reading window")
	return w, nil
}

// see notes the timestamp of an item listed in the window.
func (w *window) see(t time.Time) {
	if t.After(w.newest) {
		w.newest = t
	}
}

// close advances the cursor after the whole window was processed: to the
// newest timestamp seen, or to the window's end minus Overlap when that is
// later (so a quiet source does not make every later window longer). The
// next window then starts at least Overlap before anything not yet seen
// could be stamped: everything stamped before the new cursor was listed in
// this window, and the listing repeats the last Overlap of it. A dry run does
// not move cursors.
func (r *runner) closeWindow(ctx context.Context, w *window) error {
	if r.Env.DryRun {
		return nil
	}
	to := w.end.Add(-Overlap)
	if w.newest.After(to) {
		to = w.newest
	}
	if err := r.Env.Store.AdvanceCursor(ctx, r.run.Lease, w.cursor, to); err != nil {
		return fmt.Errorf("advance cursor %s: %w", w.cursor, err)
	}
	return nil
}
