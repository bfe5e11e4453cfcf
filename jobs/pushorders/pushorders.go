// Package pushorders is the push-orders job (DESIGN.md §2): Quipt fulfillment
// orders (Open, and Pending when asked) are routed to a ShipStation store,
// warehouse, carrier and service, upserted with /orders/createorders in
// batches of up to 100 under orderKey quipt:<Quipt order Id>, and then
// acknowledged (accepted) in Quipt.
//
// Every run pages all listed orders (Quipt has no modified-since filter) and
// decides per order from its record in jobs.NSPushed: an order whose content
// hash is unchanged is not sent again, an order older than the version last
// sent is never sent over it, and an order is acknowledged exactly once. The
// writes follow each other so that a crash between any two leaves one
// ShipStation order per Quipt order and one acknowledgement after the next
// run: createorders (an upsert by orderKey), then the records
// (acked=false), then the acknowledgements (idempotent in Quipt), then the
// records again (acked=true).
package pushorders

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/mapping"
	"github.com/shipsync/shipsync/scheduler"
)

// PushOrders sends Quipt fulfillment orders to ShipStation and accepts them
// in Quipt (DESIGN.md §2, push-orders).
type PushOrders struct {
	Env *jobs.Env
	// IncludePending also pushes orders Quipt is still validating
	// (PUSH_PENDING_ORDERS); they are sent as awaiting_payment.
	IncludePending bool
	// SingleStoreID, when not zero, is the ShipStation store of every order
	// (SINGLE_STORE_ID); otherwise ChannelStores routes by channel name.
	SingleStoreID int64
	// ChannelStores maps a Quipt channel name to a ShipStation storeId
	// (CHANNEL_STORES), matched exactly, then ignoring case and white space.
	ChannelStores map[string]int64
	// Warehouses maps a Quipt warehouse code to a ShipStation warehouseId
	// (WAREHOUSES), matched exactly, then ignoring case.
	Warehouses map[string]int64
	// Selector picks carrier and service (DESIGN.md §3).
	Selector mapping.Selector
}

// Run pushes one pass over the listed Quipt orders. It is safe to repeat and
// to interrupt: see the package documentation.
func (j *PushOrders) Run(ctx context.Context, run *scheduler.Run) error {
	return j.Env.Execute(ctx, run, func(ctx context.Context, jr *jobs.Run) error {
		p := &pass{job: j, run: run, sum: jr.Sum, seen: map[string]bool{}}
		return p.do(ctx)
	})
}

// pass is the state of one run: the orders waiting for the next createorders
// call and the orders already handled (a list can repeat an order when it
// shifts between pages).
type pass struct {
	job   *PushOrders
	run   *scheduler.Run
	sum   *jobs.Summary
	batch []push
	seen  map[string]bool
}

// push is one order to send.
type push struct {
	order quipt.Order
	ss    shipstation.Order
	// rec is the record to write once ShipStation holds the order; its
	// SSOrderID is filled in from the createorders result.
	rec pushRecord
	// update is true when the order was pushed before.
	update bool
}

// do pages the listed orders, sending full batches as they fill and the
// remainder at the end, or at the page where shutdown was requested.
func (p *pass) do(ctx context.Context) error {
	statuses := []int{quipt.StatusOpen}
	if p.job.IncludePending {
		statuses = append(statuses, quipt.StatusPending)
	}
	for page, err := range p.job.Env.Quipt.FulfillmentOrders(ctx, quipt.FulfillmentListOptions{Statuses: statuses}) {
		if err != nil {
			// Send what was decided before the list broke off.
			return errors.Join(fmt.Errorf("list Quipt fulfillment orders: %w", err), p.flush(ctx, 1))
		}
		if err := p.page(ctx, page); err != nil {
			return err
		}
		if err := p.flush(ctx, shipstation.MaxCreateOrders); err != nil {
			return err
		}
		if p.run.Stopping() {
			p.run.Log.Info().Str("event", "checkpoint").Msg("shutdown requested: stopping after this page")
			break
		}
	}
	return p.flush(ctx, 1)
}

// flush sends the waiting orders in calls of up to MaxCreateOrders while at
// least threshold (at least one) are waiting.
func (p *pass) flush(ctx context.Context, threshold int) error {
	for len(p.batch) >= max(threshold, 1) {
		n := min(len(p.batch), shipstation.MaxCreateOrders)
		batch := p.batch[:n]
		p.batch = p.batch[n:]
		if err := p.send(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

// page decides what to do with every order of one Quipt page, with one
// Redis round trip reading the records and the dead letters. Orders to send
// join the batch; orders pushed but not yet acknowledged are acknowledged.
func (p *pass) page(ctx context.Context, page *quipt.Page[quipt.Order]) error {
	env := p.job.Env
	if err := env.DeadLetterInvalid(ctx, p.run, p.sum, jobs.InvalidQuipt(jobs.KindQuiptOrder, page.PageNumber, page.Invalid)); err != nil {
		return err
	}

	var candidates []quipt.Order
	for _, o := range page.Items {
		p.sum.Seen++
		if p.skipWithoutLookup(o) {
			continue
		}
		candidates = append(candidates, o)
	}
	if len(candidates) == 0 {
		return nil
	}
	ids := make([]string, len(candidates))
	for i, o := range candidates {
		ids[i] = o.ID
	}
	known, err := env.Store.Lookup(ctx, p.run.Job, ids, jobs.NSPushed)
	if err != nil {
		return fmt.Errorf("read push records and dead letters: %w", err)
	}
	records, parked := known.Records[jobs.NSPushed], known.Parked

	var acks []ack
	for _, o := range candidates {
		if parked[o.ID] {
			p.skip("skipped_parked")
			continue
		}
		a, err := p.decide(ctx, o, records[o.ID])
		if err != nil {
			return err
		}
		if a != nil {
			acks = append(acks, *a)
		}
	}
	return p.acknowledge(ctx, acks)
}

// skipWithoutLookup skips, before any Redis read, the orders push-orders
// never sends: the purchase orders get-orders created (no loops), orders
// being cancelled, and orders this run has handled already.
func (p *pass) skipWithoutLookup(o quipt.Order) bool {
	switch {
	case p.seen[o.ID]:
		p.skip("skipped_repeat")
	case strings.HasPrefix(jobs.Value(o.PartnerReference), jobs.PartnerRefPrefix):
		p.skip("skipped_own")
	case o.SubStatus == quipt.SubStatusSoftCancel || o.SubStatus == quipt.SubStatusCancelationRequested:
		p.skip("skipped_cancelling")
	default:
		p.seen[o.ID] = true
		return false
	}
	return true
}

// decide routes and builds one order and compares it with its record: it
// dead-letters what cannot be routed, skips what is unchanged or older than
// what was sent, and queues the rest. It returns the acknowledgement still
// owed for an unchanged order, if any.
func (p *pass) decide(ctx context.Context, o quipt.Order, stored string) (*ack, error) {
	log := p.run.Log.With().Str("quipt_order_id", o.ID).Str("order_key", jobs.PushedKeyPrefix+o.ID).Str("order_number", o.OrderNumber).Logger()
	ss, reason := p.job.shipStationOrder(o)
	if reason != "" {
		return nil, p.job.Env.DeadLetter(ctx, p.run, p.sum, o.ID, reason, map[string]any{
			"quipt_order_id": o.ID, "order_key": jobs.PushedKeyPrefix + o.ID, "order_number": o.OrderNumber,
		})
	}
	hash, err := contentHash(ss)
	if err != nil {
		return nil, err
	}
	prior, had := pushRecord{}, false
	if stored != "" {
		if prior, err = decodeRecord(stored); err != nil {
			log.Warn().Str("event", "bad_record").Err(err).Msg("unreadable push record: sending the order again")
		} else {
			had = true
		}
	}

	switch {
	case had && prior.Hash == hash:
		p.skip("skipped_unchanged")
		if prior.Acked {
			log.Debug().Str("event", "unchanged").Int64("ss_order_id", prior.SSOrderID).Msg("order unchanged since last push")
			return nil, nil
		}
		log.Info().Str("event", "ack_pending").Int64("ss_order_id", prior.SSOrderID).Msg("pushed earlier, not yet acknowledged")
		return &ack{order: o, rec: prior}, nil
	case had && o.UpdatedAt.Before(prior.Version):
		p.skip("skipped_stale")
		log.Warn().Str("event", "stale").Int64("ss_order_id", prior.SSOrderID).
			Time("updated_at", o.UpdatedAt).Time("pushed_version", prior.Version).
			Msg("listed order is older than the version pushed: not sending it over the newer one")
		return nil, nil
	}
	next := pushRecord{Hash: hash, Version: o.UpdatedAt}
	if had {
		// Split and merged orders are updated only when orderId is sent.
		ss.OrderID = prior.SSOrderID
		next.Acked = prior.Acked
	}
	p.batch = append(p.batch, push{order: o, ss: ss, rec: next, update: had})
	return nil, nil
}

func (p *pass) skip(reason string) {
	p.sum.Skipped++
	p.sum.Add(reason, 1)
}
