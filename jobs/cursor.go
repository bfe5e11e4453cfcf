package jobs

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/shipsync/shipsync/connector/shipstation"
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
// for a pass that keeps its cursor where it was: now - cursor - CursorOverlap,
// at least zero. The overlap is re-read by design, so it is no lag: a job that
// keeps up reports zero. It does nothing when Metrics is nil or the cursor
// was never set.
func (e *Env) ReportCursorLag(run *scheduler.Run, w *Window) {
	if e.Metrics == nil || !w.hasCursor {
		return
	}
	e.Metrics.CursorLag(run.Job, w.Name, max(0, e.Clock().Sub(w.cursor)-CursorOverlap))
}

// CursorPass is one pass over a cursor window of a ShipStation list of items
// of type T: it opens the window of Cursor (OpenWindow), lists its pages,
// notes every item's timestamp (Window.See), hands each page to Page, and
// once every page was handled moves the cursor (AdvanceCursor). A pass
// stopped early by an error or a shutdown leaves the cursor where it was, so
// the next run reads the window again and skips what is recorded.
type CursorPass[T any] struct {
	// Cursor is the cursor's name among the job's cursors.
	Cursor string
	// Lookback is the window of a pass that has no cursor yet.
	Lookback time.Duration
	// List names the list in the error of a list that breaks off.
	List string
	// Pages lists the items of window w.
	Pages func(ctx context.Context, w *Window) iter.Seq2[*shipstation.Page[T], error]
	// Stamp is the item's timestamp the window filters on.
	Stamp func(item *T) time.Time
	// Page handles one page of the window (a Pipeline, usually).
	Page func(ctx context.Context, page *shipstation.Page[T]) error
	// KeepOnShift keeps the cursor when the list's total changed between
	// pages: items left the window during the scan (modified again, say),
	// so the pages shifted and one item may have been skipped; the next run
	// reads the window again. Lists whose items never leave their window
	// leave it false.
	KeepOnShift bool
}

// Run makes the pass. complete is false when it stopped for a shutdown.
func (p CursorPass[T]) Run(ctx context.Context, run *Run) (complete bool, _ error) {
	w, err := run.Env.OpenWindow(ctx, run.Run, p.Cursor, p.Lookback)
	if err != nil {
		return false, err
	}
	firstTotal, shifted := -1, false
	complete, err = EachPage(ctx, run, p.Pages(ctx, w), p.List, func(ctx context.Context, page *shipstation.Page[T]) error {
		if firstTotal < 0 {
			firstTotal = page.Total
		}
		shifted = shifted || page.Total != firstTotal
		for i := range page.Items {
			w.See(p.Stamp(&page.Items[i]))
		}
		return p.Page(ctx, page)
	})
	if err != nil || !complete {
		return complete, err
	}
	if shifted && p.KeepOnShift {
		run.Log.Info().Str("event", "window_changed").Str("cursor", p.Cursor).
			Msg("items left the window during the scan; the cursor stays")
		run.Env.ReportCursorLag(run.Run, w)
		return true, nil
	}
	// The whole window succeeded: the cursor moves to the newest timestamp
	// seen, or, on a quiet account, to the window's end minus the overlap.
	return true, run.Env.AdvanceCursor(ctx, run.Run, w)
}
