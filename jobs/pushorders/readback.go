package pushorders

import (
	"context"
	"fmt"

	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// readBack reads what ShipStation holds for the orders of ups, by orderKey,
// batched: one listing of the orders modified since the earliest last push
// among them (less the cursor overlap; a push modifies the order, so each is
// in it), oldest modification first, 500 a call, filtered by store when all
// of them are in one, until every order is found. That is at most
// ceil(U/500)+1 calls for U orders unless the window also holds many other
// orders (an order last pushed weeks ago): past that budget the listing goes
// on only while its remaining pages are fewer than the orders still missing,
// and those are then read one by one (readOne).
func (p *pass) readBack(ctx context.Context, ups []*push) (map[string]shipstation.Order, error) {
	since := p.job.Env.Clock()
	keys := map[string]bool{}
	for _, b := range ups {
		keys[b.ss.OrderKey] = true
		at := b.prior.PushedAt
		if at.IsZero() {
			at = b.order.CreatedAt
		}
		if at.Before(since) {
			since = at
		}
	}
	budget := (len(keys)+shipstation.MaxPageSize-1)/shipstation.MaxPageSize + 1
	opts := shipstation.OrderListOptions{
		ModifyDateStart: since.Add(-jobs.CursorOverlap), StoreID: oneStore(ups),
		SortBy: "ModifyDate", SortDir: "ASC", PageSize: shipstation.MaxPageSize,
	}
	found := map[string]shipstation.Order{}
	calls := 0
	for page, err := range p.job.Env.ShipStation.Orders.Pages(ctx, opts) {
		calls++
		if err != nil {
			return nil, fmt.Errorf("read back the %d ShipStation orders to update: %w", len(keys), err)
		}
		for _, o := range page.Items {
			if keys[o.OrderKey] {
				found[o.OrderKey] = o
			}
		}
		missing := len(keys) - len(found)
		if missing == 0 || (calls >= budget && page.Pages-page.Page >= missing) {
			break
		}
	}
	singles, err := p.readMissing(ctx, ups, found)
	if err != nil {
		return nil, err
	}
	p.run.Log.Info().Str("event", "read_back").Int("orders", len(keys)).Int("found", len(found)).
		Int("list_calls", calls).Int("single_reads", singles).
		Time("modified_since", opts.ModifyDateStart).Int64("store_id", opts.StoreID).
		Msg("read what ShipStation holds for the orders to update")
	return found, nil
}

// readMissing reads one by one the orders of ups the listing did not find,
// by the orderId of their record, into found, and returns how many reads it
// sent. An order ShipStation no longer has, or holds under another key, is
// left out.
func (p *pass) readMissing(ctx context.Context, ups []*push, found map[string]shipstation.Order) (int, error) {
	n := 0
	for _, b := range ups {
		if _, ok := found[b.ss.OrderKey]; ok || b.prior.SSOrderID == 0 {
			continue
		}
		n++
		o, err := p.job.Env.ShipStation.Orders.Get(ctx, b.prior.SSOrderID)
		switch {
		case shipstation.IsPermanent(err):
			continue
		case err != nil:
			return n, fmt.Errorf("read back ShipStation order %d to update: %w", b.prior.SSOrderID, err)
		case o.OrderKey == b.ss.OrderKey:
			found[o.OrderKey] = *o
		}
	}
	return n, nil
}

// oneStore returns the store of every order of ups when they share one and
// each was sent to it before (an order keeps the store it was created in),
// else 0: no store filter.
func oneStore(ups []*push) int64 {
	var store int64
	for _, b := range ups {
		id := b.ss.AdvancedOptions.StoreID
		if (store != 0 && id != store) || b.prior.Groups["store"] != groupHashes(&b.ss)["store"] {
			return 0
		}
		store = id
	}
	return store
}
