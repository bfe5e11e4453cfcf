package pushorders

import (
	"context"
	"fmt"
	"strings"

	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// closedRefusal is the part of ShipStation's words when it refuses an
// upsert because the order it holds under the key is no longer open
// ("Order cannot be updated because its status is 'cancelled'. ...").
const closedRefusal = "cannot be updated because its status is"

// refusedClosed reports whether reason is ShipStation refusing an upsert of
// an order it holds in a later state (shipped, cancelled).
func refusedClosed(reason string) bool {
	return strings.Contains(strings.ToLower(reason), closedRefusal)
}

// resolveClosed handles the orders ShipStation refused because it holds them
// no longer open: the order is there, so one read learns the orderId and
// status of all of them, and each found is recorded as pushed (with its
// ShipStation order link, one fenced write) and returned to be acknowledged,
// so that sync-cancels and sync-tracking act on its real state. The other
// refusals, and refused orders the read does not find, are returned to be
// dead-lettered.
func (p *pass) resolveClosed(ctx context.Context, rejected []rejection) ([]rejection, []ack, error) {
	var closed, rest []rejection
	for _, r := range rejected {
		if refusedClosed(r.reason) {
			closed = append(closed, r)
		} else {
			rest = append(rest, r)
		}
	}
	if len(closed) == 0 {
		return rest, nil, nil
	}
	found, err := p.findOrders(ctx, closed)
	if err != nil {
		return nil, nil, err
	}
	recs := jobs.Records{}
	var acks []ack
	for _, r := range closed {
		o, ok := found[r.push.ss.OrderKey]
		if !ok {
			r.reason += "; the order was not found under its orderKey"
			rest = append(rest, r)
			continue
		}
		b := r.push
		b.rec.SSOrderID = o.OrderID
		if err := p.heldClosed(b, o.OrderStatus, recs); err != nil {
			return nil, nil, err
		}
		if !b.rec.Acked {
			acks = append(acks, ack{order: b.order, rec: b.rec})
		}
	}
	return rest, acks, p.run.Record(ctx, recs, nil)
}

// heldClosed notes in recs the record of an order ShipStation holds in a
// later state than shipsync meant to send, counts and logs it. An update
// that could not be applied is a warning: the change stays in Quipt only.
func (p *pass) heldClosed(b push, status string, recs jobs.Records) error {
	if err := setRecords(b, recs); err != nil {
		return err
	}
	p.run.Sum.Add("held_closed", 1)
	ev := p.run.Log.Info()
	msg := "ShipStation holds the order, no longer open: recorded as pushed"
	if b.update {
		ev = p.run.Log.Warn()
		msg = "ShipStation holds the order, no longer open: the change was not applied there"
	}
	ev.Str("event", "held_closed").Str("quipt_order_id", b.order.ID).Str("order_key", b.ss.OrderKey).
		Int64("ss_order_id", b.rec.SSOrderID).Str("ss_status", status).Msg(msg)
	return nil
}

// findOrders reads the ShipStation orders of refused by orderKey, batched:
// GET /orders has no orderKey filter, so one listing of the account's orders
// modified since the earliest of their Quipt creations (never later than
// now, should Quipt's clock run ahead; less the cursor overlap, for Pacific
// time's repeated hour and clock skew), newest first, stops as soon as every
// key is found. An order refused as no longer open was modified (shipped,
// cancelled) after shipsync created it, so it is in that listing. The store
// is not filtered on: an order keeps the store it was created in even when
// the routing changed since.
func (p *pass) findOrders(ctx context.Context, refused []rejection) (map[string]shipstation.Order, error) {
	since := p.job.Env.Clock()
	keys := map[string]bool{}
	for _, r := range refused {
		keys[r.push.ss.OrderKey] = true
		if r.push.order.CreatedAt.Before(since) {
			since = r.push.order.CreatedAt
		}
	}
	found := map[string]shipstation.Order{}
	opts := shipstation.OrderListOptions{ModifyDateStart: since.Add(-jobs.CursorOverlap), SortBy: "ModifyDate", SortDir: "DESC"}
	if err := p.scan(ctx, opts, keys, found); err != nil {
		return nil, err
	}
	return found, nil
}

// scan pages the listing opts until every key of keys is in found.
func (p *pass) scan(ctx context.Context, opts shipstation.OrderListOptions, keys map[string]bool, found map[string]shipstation.Order) error {
	left := len(keys)
	for page, err := range p.job.Env.ShipStation.Orders.Pages(ctx, opts) {
		if err != nil {
			return fmt.Errorf("read the ShipStation orders refused as no longer open: %w", err)
		}
		for _, o := range page.Items {
			if keys[o.OrderKey] {
				if _, dup := found[o.OrderKey]; !dup {
					left--
				}
				found[o.OrderKey] = o
			}
		}
		if left == 0 {
			return nil
		}
	}
	return nil
}
