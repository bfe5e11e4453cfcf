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
// orders: one Redis round trip to learn which are done or parked, then per
// new cancel one Quipt read and one Quipt write, then one fenced write
// recording the page's cancels.
type pageProcessor struct {
	job        *SyncCancels
	run        *scheduler.Run
	sum        *jobs.Summary
	cancelType string
}

// candidate is a cancelled ShipStation order that shipsync pushed.
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
	known, err := env.Store.Lookup(ctx, p.run.Job, ids, jobs.NSCancelled)
	if err != nil {
		return fmt.Errorf("read cancel records and dead letters: %w", err)
	}
	done, parked := known.Records[jobs.NSCancelled], known.Parked

	applied := map[string]string{}
	for _, c := range candidates {
		log := p.run.Log.With().Int64("ss_order_id", c.order.OrderID).Str("order_key", c.order.OrderKey).
			Str("quipt_order_id", c.quiptID).Logger()
		switch {
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

// candidates keeps the orders shipsync pushed (orderKey quipt:<Id>); the
// others are counted and left alone.
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
	order, err := env.Quipt.FulfillmentOrder(ctx, c.quiptID)
	if err != nil {
		if quipt.IsPermanent(err) {
			return false, env.DeadLetter(ctx, p.run, p.sum, c.quiptID, "read Quipt order: "+err.Error(), fields)
		}
		return false, fmt.Errorf("read Quipt order %s of ShipStation order %d: %w", c.quiptID, c.order.OrderID, err)
	}
	if order.Status == quipt.StatusCanceled {
		// Cancelled in Quipt already (by the buyer, an operator, or a hard
		// cancel of ours whose record was lost): the goal is reached.
		log.Info().Str("event", "already_cancelled").Msg("Quipt order is cancelled already; nothing to send")
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
	dup, err := env.Quipt.Cancel(ctx, req)
	if err != nil {
		if quipt.IsPermanent(err) {
			return false, env.DeadLetter(ctx, p.run, p.sum, c.quiptID, "quipt refused the cancel: "+err.Error(), fields)
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
