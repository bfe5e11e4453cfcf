package synccancels

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/scheduler"
)

// pageProcessor applies the cancels of one page of cancelled ShipStation
// orders: one Redis round trip to learn which shipsync pushed (a push-orders
// record in jobs.NSPushed) and which are done or parked, then per new cancel
// one Quipt read and one Quipt write, then one fenced write recording the
// page's cancels.
type pageProcessor struct {
	job        *SyncCancels
	run        *scheduler.Run
	sum        *jobs.Summary
	cancelType string
}

// candidate is a cancelled ShipStation order keyed quipt:<Id>, as the orders
// shipsync pushed are; whether it did push it is its record in jobs.NSPushed.
type candidate struct {
	order   shipstation.Order
	quiptID string
}

func (p *pageProcessor) process(ctx context.Context, page *shipstation.Page[shipstation.Order]) error {
	env := p.job.Env
	if err := env.DeadLetterInvalid(ctx, p.run, p.sum, jobs.InvalidShipStation(jobs.KindShipStationOrder, page.Page, page.Invalid)); err != nil {
		return err
	}

	candidates := p.candidates(page.Items)
	if len(candidates) == 0 {
		return nil
	}
	ids := make([]string, len(candidates))
	for i, c := range candidates {
		ids[i] = c.quiptID
	}
	known, err := env.Store.Lookup(ctx, p.run.Job, ids, jobs.NSCancelled, jobs.NSPushed)
	if err != nil {
		return fmt.Errorf("read push and cancel records and dead letters: %w", err)
	}
	done, pushed, parked := known.Records[jobs.NSCancelled], known.Records[jobs.NSPushed], known.Parked

	applied := map[string]string{}
	for _, c := range candidates {
		log := p.run.Log.With().Int64("ss_order_id", c.order.OrderID).Str("order_key", c.order.OrderKey).
			Str("quipt_order_id", c.quiptID).Logger()
		switch {
		case pushed[c.quiptID] == "":
			// Keyed like ours, but push-orders never sent it (another
			// integration, a copy, an order entered by hand): not ours.
			log.Debug().Str("event", "not_pushed").Msg("no push record for the Quipt order: left alone")
			p.sum.Skipped++
			p.sum.Add("skipped_not_ours", 1)
			continue
		case parked[c.quiptID]:
			p.sum.Skipped++
			p.sum.Add("skipped_parked", 1)
			continue
		case done[c.quiptID] != "":
			// Cancelled before, possibly in the other mode: never again.
			p.sum.Skipped++
			p.sum.Add("skipped_done", 1)
			continue
		case applied[c.quiptID] != "":
			// A second ShipStation order (a split) of the same Quipt order.
			p.sum.Skipped++
			p.sum.Add("skipped_done", 1)
			continue
		}
		ok, err := p.cancel(ctx, log, c)
		if err != nil {
			// Stop here; what this page cancelled so far is recorded first and
			// the rest is picked up by the next run.
			if rerr := p.record(ctx, applied); rerr != nil {
				return errors.Join(err, rerr)
			}
			return err
		}
		if ok {
			applied[c.quiptID] = p.job.mode()
		}
	}
	return p.record(ctx, applied)
}

// candidates keeps the orders keyed as shipsync keys the orders it pushes
// (orderKey quipt:<Id>); the others are counted and left alone. process
// then keeps those of them that push-orders recorded.
func (p *pageProcessor) candidates(orders []shipstation.Order) []candidate {
	var out []candidate
	for _, o := range orders {
		p.sum.Seen++
		id, ours := strings.CutPrefix(o.OrderKey, jobs.PushedKeyPrefix)
		if !ours || strings.TrimSpace(id) == "" {
			p.sum.Skipped++
			p.sum.Add("skipped_not_ours", 1)
			continue
		}
		out = append(out, candidate{order: o, quiptID: id})
	}
	return out
}

// cancel cancels one Quipt order. It reports whether the cancel took effect
// (or had already); false with a nil error means the order was dead-lettered.
// A non-nil error stops the run.
func (p *pageProcessor) cancel(ctx context.Context, log zerolog.Logger, c candidate) (bool, error) {
	env := p.job.Env
	fields := map[string]any{"ss_order_id": c.order.OrderID, "order_key": c.order.OrderKey, "quipt_order_id": c.quiptID}
	order, err := env.Quipt.FulfillmentOrders.Get(ctx, c.quiptID)
	if err != nil {
		if quipt.IsPermanent(err) {
			return false, env.DeadLetter(ctx, p.run, p.sum, c.quiptID, "read Quipt order: "+err.Error(), fields)
		}
		return false, fmt.Errorf("read Quipt order %s of ShipStation order %d: %w", c.quiptID, c.order.OrderID, err)
	}
	if why := p.alreadyCancelled(order); why != "" {
		// Cancelled in Quipt already (by the buyer, an operator, or a cancel
		// of ours whose record was lost in a crash): the goal is reached.
		log.Info().Str("event", "already_cancelled").Str("why", why).Msg("Quipt order is cancelled already; nothing to send")
		p.sum.Skipped++
		p.sum.Add("already_cancelled_in_quipt", 1)
		return true, nil
	}
	req := quipt.CancelRequest{
		OrderID: c.quiptID,
		Type:    p.cancelType,
		Reason:  fmt.Sprintf("Cancelled in ShipStation (order %s)", c.order.OrderNumber),
		Lines:   jobs.Unshipped(order),
	}
	if len(req.Lines) == 0 {
		return false, env.DeadLetter(ctx, p.run, p.sum, c.quiptID, "nothing to cancel: every line of the Quipt order has shipped", fields)
	}
	if env.DryRun {
		log.Info().Str("event", "would_cancel").Str("type", req.Type).Int("lines", len(req.Lines)).
			Msg("dry run: would cancel Quipt order")
		p.sum.Updated++
		return true, nil
	}
	dup, err := env.Quipt.FulfillmentOrders.Cancel(ctx, req)
	if err != nil {
		if quipt.IsPermanent(err) {
			return p.refused(ctx, log, c, err, fields)
		}
		return false, fmt.Errorf("cancel Quipt order %s of ShipStation order %d: %w", c.quiptID, c.order.OrderID, err)
	}
	p.sum.Updated++
	p.sum.Add("cancelled", 1)
	if dup {
		p.sum.Add("already_applied", 1)
	}
	log.Info().Str("event", "cancelled").Str("type", req.Type).Int("lines", len(req.Lines)).Bool("duplicate", dup).
		Msg("cancelled Quipt order")
	return true, nil
}

// alreadyCancelled returns why order needs no cancel of this job's type, or
// "" when it does: it is cancelled (Status 16); or, for a soft cancel, it is
// "Cancelled By Warehouse" (SubStatus 95); or it holds a cancellation of this
// type. The last two catch a cancel applied by an earlier run that crashed
// before recording it, which Quipt may refuse (409) rather than answer as a
// duplicate when it is sent again.
func (p *pageProcessor) alreadyCancelled(order *quipt.Order) string {
	switch {
	case order.Status == quipt.StatusCanceled:
		return "status cancelled"
	case p.cancelType == quipt.CancelSoft && order.SubStatus == quipt.SubStatusSoftCancel:
		return "sub-status soft cancel"
	}
	for _, cn := range order.Cancellations {
		if strings.EqualFold(cn.Type, p.cancelType) {
			return "holds a " + p.cancelType + " cancellation"
		}
	}
	return ""
}

// refused handles a cancel Quipt refused for good (4xx): the order is read
// again, and if it now shows the cancel (applied before, by an earlier run
// or a concurrent write, which Quipt reported as a conflict) the cancel is a
// success; else the order is dead-lettered with Quipt's message. A transient
// failure of that read stops the run, so that the next one decides.
func (p *pageProcessor) refused(ctx context.Context, log zerolog.Logger, c candidate, refusal error, fields map[string]any) (bool, error) {
	env := p.job.Env
	order, err := env.Quipt.FulfillmentOrders.Get(ctx, c.quiptID)
	switch {
	case err == nil:
		if why := p.alreadyCancelled(order); why != "" {
			log.Info().Str("event", "already_cancelled").Str("why", why).Str("refusal", refusal.Error()).
				Msg("Quipt refused the cancel, and the order shows it applied: recorded as done")
			p.sum.Skipped++
			p.sum.Add("already_cancelled_in_quipt", 1)
			return true, nil
		}
	case !quipt.IsPermanent(err):
		return false, fmt.Errorf("read Quipt order %s again after its cancel was refused (%v): %w", c.quiptID, refusal, err)
	}
	return false, env.DeadLetter(ctx, p.run, p.sum, c.quiptID, "quipt refused the cancel: "+refusal.Error(), fields)
}

// record stores the page's applied cancels in one fenced write.
func (p *pageProcessor) record(ctx context.Context, kv map[string]string) error {
	if len(kv) == 0 || p.job.Env.DryRun {
		return nil
	}
	if err := p.job.Env.Store.PutRecords(ctx, p.run.Lease, jobs.NSCancelled, kv); err != nil {
		return fmt.Errorf("record %d cancels: %w", len(kv), err)
	}
	return nil
}
