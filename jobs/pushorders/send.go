package pushorders

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// send upserts one batch with a single createorders call, records what
// ShipStation now holds, dead-letters what it refused, and then acknowledges
// the newly held orders in Quipt.
func (p *pass) send(ctx context.Context, batch []push) error {
	if p.job.Env.DryRun {
		return p.drySend(ctx, batch)
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
		return p.settle(ctx, batch, res)
	case !shipstation.IsPermanent(err):
		// Nothing is recorded: the next run sends the batch again, and the
		// upsert by orderKey turns whatever was applied into an update.
		return fmt.Errorf("create %d ShipStation orders: %w", len(batch), err)
	case len(batch) == 1:
		return p.reject(ctx, batch[0], "shipstation rejected the order: "+err.Error())
	}
	// ShipStation refused the whole call: halve it until the order that
	// causes the refusal is alone, so the others still go through.
	half := len(batch) / 2
	if err := p.send(ctx, batch[:half]); err != nil {
		return err
	}
	return p.send(ctx, batch[half:])
}

// rejection is an order ShipStation refused, with its reason.
type rejection struct {
	push   push
	reason string
}

// settle acts on the result res of a createorders call for batch: the
// records of the orders ShipStation holds and their links are one fenced
// write (both or neither); the orders refused because ShipStation holds
// them no longer open are read and recorded too (resolveClosed); the other
// refused orders are dead-lettered, and the held ones not yet accepted are
// acknowledged.
func (p *pass) settle(ctx context.Context, batch []push, res *shipstation.BulkResult) error {
	recs := jobs.Records{}
	var acks []ack
	var rejected []rejection
	for i, b := range batch {
		r, ok := resultFor(res, b.ss.OrderKey, i, len(batch))
		switch {
		case ok && r.Success && r.OrderID != 0:
			b.rec.SSOrderID, b.rec.PushedAt = r.OrderID, p.job.Env.Clock()
			if err := p.held(b, recs); err != nil {
				return err
			}
			if !b.rec.Acked {
				acks = append(acks, ack{order: b.order, rec: b.rec})
			}
		case ok && !r.Success:
			rejected = append(rejected, rejection{b, "shipstation rejected the order: " + jobs.FirstNonEmpty(r.ErrorMessage, "no error message")})
		default:
			// No usable answer for this order: it is not recorded, so the
			// next run sends it again (an update if it was applied).
			p.run.Sum.Add("unconfirmed", 1)
			p.run.Log.Warn().Str("event", "unconfirmed").Str("quipt_order_id", b.order.ID).Str("order_key", b.ss.OrderKey).
				Msg("createorders returned no result for the order")
		}
	}
	if err := p.run.Record(ctx, p.withDeferred(recs), nil); err != nil {
		return err
	}
	rejected, held, err := p.resolveClosed(ctx, rejected)
	if err != nil {
		return err
	}
	acks = append(acks, held...)
	for _, r := range rejected {
		if err := p.reject(ctx, r.push, r.reason); err != nil {
			return err
		}
	}
	return p.acknowledge(ctx, acks)
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
func (p *pass) drySend(ctx context.Context, batch []push) error {
	var acks []ack
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
			acks = append(acks, ack{order: b.order, rec: b.rec})
		}
	}
	return p.acknowledge(ctx, acks)
}
