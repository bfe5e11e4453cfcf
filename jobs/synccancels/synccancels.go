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
	"iter"
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
	return j.Env.Execute(ctx, run, func(ctx context.Context, r *jobs.Run) error {
		c := &canceller{job: j, run: r, cancelType: cancelType}
		r.Log.Debug().Str("mode", j.mode()).Msg("listing cancelled ShipStation orders")
		_, err := j.pass(c).Run(ctx, r)
		return err
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

// pass is the job's cursor pass over the cancelled orders modified in the
// window, oldest first. An order that leaves the window during the scan
// (modified again, or no longer cancelled) shifts the pages, so the cursor
// then stays and the next run reads the window again.
func (j *SyncCancels) pass(c *canceller) jobs.CursorPass[shipstation.Order] {
	// Keyed by the Quipt order, so the two halves of a split are cancelled
	// once, one after the other; QUIPT_CONCURRENCY orders at once.
	pipe := jobs.Pipeline[shipstation.Order, candidate]{
		Handler: c, Namespaces: []string{jobs.NSCancelled, jobs.NSPushed}, Concurrency: j.Env.QuiptConcurrency(),
	}
	return jobs.CursorPass[shipstation.Order]{
		Cursor:   CursorName,
		Lookback: j.lookback(),
		List:     "list cancelled ShipStation orders",
		Pages: func(ctx context.Context, w *jobs.Window) iter.Seq2[*shipstation.Page[shipstation.Order], error] {
			return j.Env.ShipStation.Orders.Pages(ctx, shipstation.OrderListOptions{
				OrderStatus:     shipstation.StatusCancelled,
				ModifyDateStart: w.Start,
				ModifyDateEnd:   w.End,
				SortBy:          "ModifyDate",
				SortDir:         "ASC",
			})
		},
		Stamp:       func(o *shipstation.Order) time.Time { return o.ModifyDate.Time },
		Page:        pipe.ShipStationPage(c.run, jobs.KindShipStationOrder),
		KeepOnShift: true,
	}
}

// lookback is the window of the first run, before the job has a cursor.
func (j *SyncCancels) lookback() time.Duration {
	if j.InitialLookback > 0 {
		return j.InitialLookback
	}
	return DefaultInitialLookback
}
