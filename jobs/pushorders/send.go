package pushorders

import (
	"context"
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
	res, err := p.job.Env.ShipStation.Orders.CreateOrders(ctx, orders)
	switch {
	case err == nil:
	case !shipstation.IsPermanent(err):
		// Nothing is recorded: the next run sends the batch again, and the
		// upsert by orderKey turns whatever was applied into an update.
		return fmt.Errorf("create %d ShipStation orders: %w", len(batch), err)
	case len(batch) == 1:
		return p.reject(ctx, batch[0], "shipstation rejected the order: "+err.Error())
	default:
		// ShipStation refused the whole call: halve it until the order that
		// causes the refusal is alone, so the others still go through.
		half := len(batch) / 2
		if err := p.send(ctx, batch[:half]); err != nil {
			return err
		}
		return p.send(ctx, batch[half:])
	}

	pushed := make(map[string]string, len(batch))
	links := make(map[string]string, len(batch))
	var acks []ack
	type rejection struct {
		push   push
		reason string
	}
	var rejected []rejection
	for i, b := range batch {
		r, ok := resultFor(res, b.ss.OrderKey, i, len(batch))
		log := p.run.Log.With().Str("quipt_order_id", b.order.ID).Str("order_key", b.ss.OrderKey).Logger()
		switch {
		case ok && r.Success && r.OrderID != 0:
			b.rec.SSOrderID = r.OrderID
			v, err := b.rec.encode()
			if err != nil {
				return err
			}
			pushed[b.order.ID] = v
			links[strconv.FormatInt(r.OrderID, 10)] = b.order.ID
			event := "created"
			if b.update {
				event = "updated"
				p.sum.Updated++
			} else {
				p.sum.Created++
			}
			log.Info().Str("event", event).Int64("ss_order_id", r.OrderID).
				Str("carrier", jobs.Value(b.ss.CarrierCode)).Str("service", jobs.Value(b.ss.ServiceCode)).
				Msg("pushed order to ShipStation")
			if !b.rec.Acked {
				acks = append(acks, ack{order: b.order, rec: b.rec})
			}
		case ok && !r.Success:
			rejected = append(rejected, rejection{b, "shipstation rejected the order: " + jobs.FirstNonEmpty(r.ErrorMessage, "no error message")})
		default:
			// No usable answer for this order: it is not recorded, so the
			// next run sends it again (an update if it was applied).
			p.sum.Add("unconfirmed", 1)
			log.Warn().Str("event", "unconfirmed").Msg("createorders returned no result for the order")
		}
	}
	// The records and the links are one fenced write: both or neither.
	if err := p.job.Env.Store.PutRecordSets(ctx, p.run.Lease, map[string]map[string]string{
		jobs.NSPushed: pushed, jobs.NSShipStationOrder: links,
	}); err != nil {
		return fmt.Errorf("record %d pushed orders and their links: %w", len(pushed), err)
	}
	for _, r := range rejected {
		if err := p.reject(ctx, r.push, r.reason); err != nil {
			return err
		}
	}
	return p.acknowledge(ctx, acks)
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
	return p.job.Env.DeadLetter(ctx, p.run, p.sum, b.order.ID, reason, map[string]any{
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
			p.sum.Updated++
		} else {
			p.sum.Created++
		}
		if !b.rec.Acked {
			acks = append(acks, ack{order: b.order, rec: b.rec})
		}
	}
	return p.acknowledge(ctx, acks)
}

// record writes kv into namespace ns with one fenced write.
func (p *pass) record(ctx context.Context, ns string, kv map[string]string) error {
	if len(kv) == 0 {
		return nil
	}
	if err := p.job.Env.Store.PutRecords(ctx, p.run.Lease, ns, kv); err != nil {
		return fmt.Errorf("record %d orders in %s: %w", len(kv), ns, err)
	}
	return nil
}
