package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/shipsync/shipsync/scheduler"
)

// CursorOverlap is how far before its cursor each window starts reading
// (DESIGN.md §5). It covers the hour that Pacific clocks repeat when they
// fall back (ShipStation's timestamps and filters are Pacific wall-clock
// times without an offset) and items that become visible in the API a little
// after their timestamp.
const CursorOverlap = 65 * time.Minute

// Window is the time range one pass of a job reads, from its cursor: [cursor
// − CursorOverlap, now], or [now − lookback, now] before the cursor was ever
// set. The pass notes the timestamp of every item it lists (See), and once
// the whole window succeeded, AdvanceCursor moves the cursor.
type Window struct {
	// Name is the cursor's name among the job's cursors.
	Name       string
	Start, End time.Time
	// cursor is the stored cursor when the window was opened, if set.
	cursor    time.Time
	hasCursor bool
	// newest is the latest timestamp seen in the window.
	newest time.Time
}

// OpenWindow reads the job's cursor called name and returns the window that
// ends now and starts CursorOverlap before the cursor, or lookback before now
// when the cursor was never set.
func (e *Env) OpenWindow(ctx context.Context, run *scheduler.Run, name string, lookback time.Duration) (*Window, error) {
	end := e.Clock()
	w := &Window{Name: name, Start: end.Add(-lookback), End: end}
	at, ok, err := e.Store.Cursor(ctx, run.Job, name)
	if err != nil {
		return nil, fmt.Errorf("read cursor %s: %w", name, err)
	}
	if ok {
		w.cursor, w.hasCursor = at, true
		w.Start = at.Add(-CursorOverlap)
	}
	run.Log.Debug().Str("cursor", name).Time("window_start", w.Start).Time("window_end", w.End).Msg("reading window")
	return w, nil
}

// See notes the timestamp of an item listed in the window.
func (w *Window) See(t time.Time) {
	if t.After(w.newest) {
		w.newest = t
	}
}

// AdvanceCursor is called once the whole window was processed. It moves the
// cursor to the newest timestamp seen in the window, or to the window's end
// minus CursorOverlap when that is later, so that a quiet source does not
// make every later window longer nor its lag grow; but never past the
// window's end: min(max(End − CursorOverlap, newest), End). An item stamped
// after the end (an upstream clock ahead of ours, or a time zone misread)
// would otherwise put the cursor in the future, and the next windows, which
// start CursorOverlap before it, would skip what is stamped in between. The
// next window then starts at least CursorOverlap before anything not yet
// seen could be stamped: everything stamped before the new cursor was listed
// in this window, and the listing repeats the last CursorOverlap of it. The
// cursor never moves back, and a dry run never moves it. When Metrics is
// set, the cursor's lag (now − cursor) is reported, also in a dry run.
func (e *Env) AdvanceCursor(ctx context.Context, run *scheduler.Run, w *Window) error {
	if w.newest.After(w.End) {
		run.Log.Warn().Str("event", "cursor_capped").Str("cursor", w.Name).
			Time("newest_seen", w.newest).Time("window_end", w.End).
			Msg("an item is stamped after the window's end (upstream clock ahead, or a time zone misread): the cursor stops at the window's end")
	}
	if e.DryRun {
		e.ReportCursorLag(run, w)
		return nil
	}
	to := cursorTarget(w)
	if !w.hasCursor || to.After(w.cursor) {
		if err := e.Store.AdvanceCursor(ctx, run.Lease, w.Name, to); err != nil {
			return fmt.Errorf("advance cursor %s: %w", w.Name, err)
		}
		w.cursor, w.hasCursor = to, true
	}
	e.ReportCursorLag(run, w)
	return nil
}

// cursorTarget is where a complete window moves the cursor:
// min(max(End − CursorOverlap, newest), End).
func cursorTarget(w *Window) time.Time {
	to := w.End.Add(-CursorOverlap)
	if w.newest.After(to) {
		to = w.newest
	}
	if to.After(w.End) {
		to = w.End
	}
	return to
}

// ReportCursorLag sets the lag metric of the window's cursor as it stands,
// for a pass that keeps its cursor where it was. It does nothing when
// Metrics is nil or the cursor was never set.
func (e *Env) ReportCursorLag(run *scheduler.Run, w *Window) {
	if e.Metrics == nil || !w.hasCursor {
		return
	}
	e.Metrics.CursorLag(run.Job, w.Name, e.Clock().Sub(w.cursor))
}
