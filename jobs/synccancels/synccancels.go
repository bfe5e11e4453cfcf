// Package synccancels is the sync-cancels job (DESIGN.md §2): ShipStation
// orders that shipsync pushed and that are now cancelled are cancelled in
// Quipt, soft or hard per CANCEL_MODE, exactly once. Orders shipsync did not
// push are left alone: an order is shipsync's when its orderKey is
// quipt:<Id> and push-orders holds a record of sending Quipt order Id
// (jobs.NSPushed).
package synccancels

import (
	"context"
	"fmt"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/scheduler"
)

// The values of SyncCancels.Mode (config.CancelMode).
const (
	// ModeSoft cancels the warehouse's shipment: the Quipt order goes to
	// "Cancelled By Warehouse" (SubStatus 95) so its inventory can be reassigned.
	ModeSoft = "soft"
	// ModeHard cancels the quantities: the Quipt order is cancelled (Status 16)
	// and the buyer refunded.
	ModeHard = "hard"
)

// CursorName is the job's cursor: the latest ShipStation modifyDate of the
// last window that was processed completely, or that window's end minus
// Overlap when it is later (a quiet account), so that its lag stays bounded.
const CursorName = "orders-modified"

// Overlap is how far before the cursor each run starts reading
// (jobs.CursorOverlap). It covers the hour repeated when Pacific clocks fall
// back, in which ShipStation's offset-less modifyDate reads up to an hour
// earlier than the instant it was written.
const Overlap = jobs.CursorOverlap

// DefaultInitialLookback is the window of the first run, before the job has a
// cursor.
const DefaultInitialLookback = 7 * 24 * time.Hour

// SyncCancels cancels in Quipt the orders shipsync pushed to ShipStation that
// were cancelled there (DESIGN.md §2, sync-cancels).
type SyncCancels struct {
	Env *jobs.Env
	// Mode is ModeSoft or ModeHard (CANCEL_MODE); "" means ModeSoft.
	Mode string
	// InitialLookback is how far back the first run reads; zero means
	// DefaultInitialLookback.
	InitialLookback time.Duration
}

// Run processes the cancelled orders modified since the cursor (minus
// Overlap). It is safe to repeat: a cancel already applied is recorded and
// skipped; an order that shows the cancel already (Status 16, SubStatus 95
// for a soft cancel, or a cancellation of the same type) is recorded without
// a write; and Quipt's cancel is idempotent on order and type, so a lost
// answer or a crash between the cancel and its record is harmless. A cancel
// Quipt refuses is dead-lettered unless the order, read again, shows it.
func (j *SyncCancels) Run(ctx context.Context, run *scheduler.Run) error {
	cancelType, err := j.cancelType()
	if err != nil {
		return err
	}
	return j.Env.Execute(ctx, run, func(ctx context.Context, jr *jobs.Run) error {
		return j.run(ctx, run, jr.Sum, cancelType)
	})
}

// cancelType maps Mode to Quipt's cancel type.
func (j *SyncCancels) cancelType() (string, error) {
	switch j.mode() {
	case ModeSoft:
		return quipt.CancelSoft, nil
	case ModeHard:
		return quipt.CancelHard, nil
	default:
		return "", fmt.Errorf("sync-cancels: unknown cancel mode %q (want %q or %q)", j.Mode, ModeSoft, ModeHard)
	}
}

func (j *SyncCancels) mode() string {
	if j.Mode == "" {
		return ModeSoft
	}
	return j.Mode
}

func (j *SyncCancels) run(ctx context.Context, run *scheduler.Run, sum *jobs.Summary, cancelType string) error {
	w, err := j.Env.OpenWindow(ctx, run, CursorName, j.lookback())
	if err != nil {
		return err
	}
	run.Log.Debug().Time("modified_since", w.Start).Time("modified_until", w.End).Str("mode", j.mode()).Msg("listing cancelled ShipStation orders")

	p := pageProcessor{job: j, run: run, sum: sum, cancelType: cancelType}
	firstTotal := -1
	windowChanged := false
	for page, err := range j.Env.ShipStation.Orders.Pages(ctx, shipstation.OrderListOptions{
		OrderStatus:     shipstation.StatusCancelled,
		ModifyDateStart: w.Start,
		ModifyDateEnd:   w.End,
		SortBy:          "ModifyDate",
		SortDir:         "ASC",
	}) {
		if err != nil {
			return fmt.Errorf("list cancelled ShipStation orders: %w", err)
		}
		if firstTotal < 0 {
			firstTotal = page.Total
		} else if page.Total != firstTotal {
			windowChanged = true
		}
		if err := p.process(ctx, page); err != nil {
			return err
		}
		for _, o := range page.Items {
			w.See(o.ModifyDate.Time)
		}
		if run.Stopping() {
			run.Log.Info().Str("event", "checkpoint").Msg("shutdown requested: stopping after this page; the cursor stays")
			return nil
		}
	}
	if windowChanged {
		// An order left the window during the scan (modified again, or no
		// longer cancelled), so the pages shifted and one order may have been
		// skipped: keep the cursor so that the next run reads the window again.
		run.Log.Info().Str("event", "window_changed").Msg("orders left the window during the scan; the cursor stays")
		j.Env.ReportCursorLag(run, w)
		return nil
	}
	// The whole window succeeded: the cursor moves to the newest modifyDate
	// seen, or, on a quiet account, to the window's end minus the overlap.
	return j.Env.AdvanceCursor(ctx, run, w)
}

// lookback is the window of the first run, before the job has a cursor.
func (j *SyncCancels) lookback() time.Duration {
	if j.InitialLookback > 0 {
		return j.InitialLookback
	}
	return DefaultInitialLookback
}
