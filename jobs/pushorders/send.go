package pushorders

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// sent is what the createorders calls of one flush leave to do once they
// are all answered: the records of the orders ShipStation holds (recs),
// the acknowledgements those orders owe, and the orders it refused.
type sent struct {
	recs     jobs.Records
	acks     []ack
	rejected []rejection
}

// send upserts one batch with a single createorders call and notes in out
// what ShipStation now holds and what it refused (settle acts on them).
func (p *pass) send(ctx context.Context, batch []*push, out *sent) error {
	if p.job.Env.DryRun {
		p.drySend(batch, out)
		return nil
	}
	orders := make([]shipstation.Order, len(batch))
	for i, b := range batch {
		orders[i] = b.ss
	}
	sentAt := p.job.Env.Clock()
	res, err := p.job.Env.ShipStation.Orders.CreateOrders(ctx, orders)
	if uerr := p.noteUncertain(ctx, batch, sentAt, res, err); uerr != nil {
		return errors.Join(err, uerr)
	}
	switch {
	case err == nil:
		return p.collect(batch, res, out)
	case !shipstation.IsPermanent(err):
		// Nothing is recorded: the next run sends the batch again, and the
		// upsert by orderKey turns whatever was applied into an update.
		return fmt.Errorf("create %d ShipStation orders: %w", len(batch), err)
	case len(batch) == 1:
		return p.reject(ctx, *batch[0], "shipstation rejected the order: "+err.Error())
	}
	// ShipStation refused the whole call: halve it until the order that
	// causes the refusal is alone, so the others still go through.
	half := len(batch) / 2
	if err := p.send(ctx, batch[:half], out); err != nil {
		return err
	}
	return p.send(ctx, batch[half:], out)
}

// rejection is an order ShipStation refused, with its reason.
type rejection struct {
	push   push
	reason string
}

// collect notes in out what the result res of a createorders call for
// batch says: the records of the orders ShipStation holds (with their
// links) and the acknowledgements they owe, and the orders it refused.
// An order without a usable answer is left out: the next run sends it again.
func (p *pass) collect(batch []*push, res *shipstation.BulkResult, out *sent) error {
	for i, bp := range batch {
		b := *bp
		r, ok := resultFor(res, b.ss.OrderKey, i, len(batch))
		switch {
		case ok && r.Success && r.OrderID != 0:
			b.rec.SSOrderID, b.rec.PushedAt = r.OrderID, p.job.Env.Clock()
			if err := p.held(b, out.recs); err != nil {
				return err
			}
			if !b.rec.Acked {
				out.acks = append(out.acks, ack{order: b.order, rec: b.rec})
			}
		case ok && !r.Success:
			out.rejected = append(out.rejected, rejection{b, "shipstation rejected the order: " + jobs.FirstNonEmpty(r.ErrorMessage, "no error message")})
		default:
			// No usable answer for this order: it is not recorded, so the
			// next run sends it again (an update if it was applied).
			p.run.Sum.Add("unconfirmed", 1)
			p.run.Log.Warn().Str("event", "unconfirmed").Str("quipt_order_id", b.order.ID).Str("order_key", b.ss.OrderKey).
				Msg("createorders returned no result for the order")
		}
	}
	return nil
}

// settle acts on what the createorders calls of a flush left in out, and
// returns err, the error that stopped the flush if any, joined with its
// own: the records of every order ShipStation holds and their links are one
// fenced write (with the Acked records deferred until then), written before
// any of those orders is acknowledged; the orders refused because
// ShipStation holds them no longer open are read and recorded too
// (resolveClosed); the other refused orders are dead-lettered, and the held
// ones not yet accepted are acknowledged.
func (p *pass) settle(ctx context.Context, out *sent, err error) error {
	if werr := p.run.Record(ctx, p.withDeferred(out.recs), nil); werr != nil {
		return errors.Join(err, werr)
	}
	rejected, held, cerr := p.resolveClosed(ctx, out.rejected)
	if cerr != nil {
		return errors.Join(err, cerr)
	}
	for _, r := range rejected {
		if rerr := p.reject(ctx, r.push, r.reason); rerr != nil {
			return errors.Join(err, rerr)
		}
	}
	return errors.Join(err, p.acknowledge(ctx, append(out.acks, held...)))
}

// held notes in recs the record of an order ShipStation now holds (as
// b.rec.SSOrderID) and its link, counts and logs it.
func (p *pass) held(b push, recs jobs.Records) error {
	ssOrderID := b.rec.SSOrderID
	if err := setRecords(b, recs); err != nil {
		return err
	}
	event := "created"
	if b.update {
		event = "updated"
		p.run.Sum.Updated++
	} else {
		p.run.Sum.Created++
	}
	p.run.Log.Info().Str("event", event).Str("quipt_order_id", b.order.ID).Str("order_key", b.ss.OrderKey).
		Int64("ss_order_id", ssOrderID).
		Str("carrier", jobs.Value(b.ss.CarrierCode)).Str("service", jobs.Value(b.ss.ServiceCode)).
		Msg("pushed order to ShipStation")
	return nil
}

// setRecords notes in recs b's push record (its SSOrderID set) and the
// link from its ShipStation orderId to the Quipt order.
func setRecords(b push, recs jobs.Records) error {
	v, err := b.rec.encode()
	if err != nil {
		return err
	}
	recs.Set(jobs.NSPushed, b.order.ID, v)
	recs.Set(jobs.NSShipStationOrder, strconv.FormatInt(b.rec.SSOrderID, 10), b.order.ID)
	return nil
}

// resultFor finds the result of the order with key: by orderKey, else by
// position when the result carries no key and the counts agree.
func resultFor(res *shipstation.BulkResult, key string, i, n int) (shipstation.BulkResultItem, bool) {
	for _, r := range res.Results {
		if r.OrderKey == key {
			return r, true
		}
	}
	if len(res.Results) == n && res.Results[i].OrderKey == "" {
		return res.Results[i], true
	}
	return shipstation.BulkResultItem{}, false
}

// reject dead-letters an order ShipStation refused. The order is neither
// recorded nor acknowledged, so it stays Open in Quipt.
func (p *pass) reject(ctx context.Context, b push, reason string) error {
	return p.run.DeadLetter(ctx, b.order.ID, reason, map[string]any{
		"quipt_order_id": b.order.ID, "order_key": b.ss.OrderKey, "order_number": b.order.OrderNumber,
	})
}

// drySend logs what send would push and acknowledge, and counts it.
func (p *pass) drySend(batch []*push, out *sent) {
	for _, b := range batch {
		p.run.Log.Info().Str("event", "would_push").Bool("dry_run", true).
			Str("quipt_order_id", b.order.ID).Str("order_key", b.ss.OrderKey).Bool("update", b.update).
			Int64("ss_order_id", b.ss.OrderID).
			Int64("store_id", b.ss.AdvancedOptions.StoreID).Int64("warehouse_id", b.ss.AdvancedOptions.WarehouseID).
			Str("carrier", jobs.Value(b.ss.CarrierCode)).Str("service", jobs.Value(b.ss.ServiceCode)).
			Msg("dry run: would push order to ShipStation")
		if b.update {
			p.run.Sum.Updated++
		} else {
			p.run.Sum.Created++
		}
		if !b.rec.Acked {
			out.acks = append(out.acks, ack{order: b.order, rec: b.rec})
		}
	}
}
