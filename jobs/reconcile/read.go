package reconcile

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// snapshot is both systems over the window, as their lists show them.
type snapshot struct {
	since time.Time
	// ShipStation, created since the window's start.
	orders       []shipstation.Order
	shipments    []shipstation.Shipment
	fulfillments []shipstation.Fulfillment
	// Quipt, every status (its lists have no date filter).
	fulfillmentOrders []quipt.Order
	purchaseOrders    []quipt.Order
}

// read lists both systems over the window: three ShipStation lists, paced
// within the job's share of the budget, and two Quipt lists, with a progress
// line per page.
func (j *Reconcile) read(ctx context.Context, run *jobs.Run, pace *pacer) (*snapshot, error) {
	s := &snapshot{since: j.Env.Clock().In(shipstation.Pacific()).AddDate(0, 0, -j.Days)}
	ss := j.Env.ShipStation
	var err error
	if s.orders, err = readSS(ctx, run, pace, "shipstation orders", ss.Orders.Pages(ctx, shipstation.OrderListOptions{CreateDateStart: s.since, PageSize: j.PageSize})); err != nil {
		return nil, err
	}
	if s.shipments, err = readSS(ctx, run, pace, "shipstation shipments", ss.Shipments.Pages(ctx, shipstation.ShipmentListOptions{CreateDateStart: s.since, PageSize: j.PageSize})); err != nil {
		return nil, err
	}
	if s.fulfillments, err = readSS(ctx, run, pace, "shipstation fulfillments", ss.Fulfillments.Pages(ctx, shipstation.FulfillmentListOptions{CreateDateStart: s.since, PageSize: j.PageSize})); err != nil {
		return nil, err
	}
	q := j.Env.Quipt
	include := []string{quipt.IncludeShipments, quipt.IncludeCancellations}
	if s.fulfillmentOrders, err = readQuipt(run, "quipt fulfillment orders", q.FulfillmentOrders.List(ctx, quipt.FulfillmentListOptions{Include: include})); err != nil {
		return nil, err
	}
	if s.purchaseOrders, err = readQuipt(run, "quipt purchase orders", q.PurchaseOrders.List(ctx, quipt.PurchaseListOptions{Include: include})); err != nil {
		return nil, err
	}
	return s, nil
}

// readSS collects every item of a ShipStation list, one paced request per
// page (an empty list is one request that yields no page). Malformed items are left to the owning jobs, which dead-letter them.
func readSS[T any](ctx context.Context, run *jobs.Run, pace *pacer, what string, pages iter.Seq2[*shipstation.Page[T], error]) ([]T, error) {
	var out []T
	if err := pace.wait(ctx); err != nil {
		return nil, err
	}
	answered := false
	for page, err := range pages {
		pace.note()
		answered = true
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", what, err)
		}
		out = append(out, page.Items...)
		progress(run, what, page.Page, page.Pages, len(out))
		if err := pace.wait(ctx); err != nil {
			return nil, err
		}
	}
	if !answered { // an empty list yields no page, but its request was sent
		pace.note()
		progress(run, what, 1, 1, 0)
	}
	return out, nil
}

// readQuipt collects every item of a Quipt list.
func readQuipt(run *jobs.Run, what string, pages iter.Seq2[*quipt.Page[quipt.Order], error]) ([]quipt.Order, error) {
	var out []quipt.Order
	for page, err := range pages {
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", what, err)
		}
		out = append(out, page.Items...)
		progress(run, what, page.PageNumber, 0, len(out))
	}
	return out, nil
}

// progress logs one page read.
func progress(run *jobs.Run, what string, page, pages, total int) {
	ev := run.Log.Info().Str("event", "reconcile_page").Str("list", what).Int("page", page).Int("items_so_far", total)
	if pages > 0 {
		ev = ev.Int("pages", pages)
	}
	ev.Msg("read page")
}
