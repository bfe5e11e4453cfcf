package synccancels

import (
	"context"
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// canceller is sync-cancels' jobs.PageHandler for pages of cancelled
// ShipStation orders: the look-up says which shipsync pushed (a push-orders
// record in jobs.NSPushed) and which are done or parked; each new cancel is
// one Quipt read and one Quipt write, recorded in jobs.NSCancelled.
type canceller struct {
	job        *SyncCancels
	run        *jobs.Run
	cancelType string
}

// candidate is a cancelled ShipStation order keyed quipt:<Id>, as the orders
// shipsync pushed are; whether it did push it is its record in jobs.NSPushed.
type candidate struct {
	order   shipstation.Order
	quiptID string
}

// Pick keeps the orders keyed as shipsync keys the orders it pushes
// (orderKey quipt:<Id>); the others are counted and left alone.
func (c *canceller) Pick(o shipstation.Order) (candidate, jobs.Key, string) {
	id, ours := strings.CutPrefix(o.OrderKey, jobs.PushedKeyPrefix)
	if !ours || strings.TrimSpace(id) == "" {
		return candidate{}, jobs.Key{}, "skipped_not_ours"
	}
	return candidate{order: o, quiptID: id}, jobs.Key{ID: id}, ""
}

// Settled skips an order keyed like ours that push-orders never sent
// (another integration, a copy, an order entered by hand): not ours. It is
// logged at warn with the order, since a lost push record would lose a
// cancel, and an operator should see that.
func (c *canceller) Settled(cd candidate, known *jobs.Known) string {
	if known.Record(jobs.NSPushed, cd.quiptID) != "" {
		return ""
	}
	c.log(cd).Warn().Str("event", "not_pushed").Msg("cancelled ShipStation order keyed like ours has no push record: Quipt order left alone")
	return "skipped_not_ours"
}

// Apply cancels the Quipt order of a pushed order, unless it was cancelled
// before (possibly in the other mode: never again), or earlier in this page
// through a second ShipStation order (a split) of the same Quipt order.
func (c *canceller) Apply(ctx context.Context, cd candidate, known *jobs.Known, eff *jobs.Effects) error {
	if known.Record(jobs.NSCancelled, cd.quiptID) != "" {
		eff.Skip("skipped_done")
		return nil
	}
	ok, err := c.cancel(ctx, c.log(cd), cd, eff)
	if ok {
		eff.Record(jobs.NSCancelled, cd.quiptID, c.job.mode())
	}
	return err
}

func (c *canceller) log(cd candidate) *zerolog.Logger {
	l := c.run.Log.With().Int64("ss_order_id", cd.order.OrderID).Str("order_key", cd.order.OrderKey).
		Str("quipt_order_id", cd.quiptID).Logger()
	return &l
}

// cancel cancels one Quipt order. It reports whether the cancel took effect
// (or had already); false with a nil error means the order was dead-lettered.
// A non-nil error stops the run.
func (c *canceller) cancel(ctx context.Context, log *zerolog.Logger, cd candidate, eff *jobs.Effects) (bool, error) {
	env := c.job.Env
	fields := map[string]any{"ss_order_id": cd.order.OrderID, "order_key": cd.order.OrderKey, "quipt_order_id": cd.quiptID}
	order, err := env.Quipt.FulfillmentOrders.Get(ctx, cd.quiptID)
	if err != nil {
		if quipt.IsPermanent(err) {
			return false, eff.DeadLetter(ctx, cd.quiptID, "read Quipt order: "+err.Error(), fields)
		}
		return false, fmt.Errorf("read Quipt order %s of ShipStation order %d: %w", cd.quiptID, cd.order.OrderID, err)
	}
	if why := c.alreadyCancelled(order); why != "" {
		// Cancelled in Quipt already (by the buyer, an operator, or a cancel
		// of ours whose record was lost in a crash): the goal is reached.
		log.Info().Str("event", "already_cancelled").Str("why", why).Msg("Quipt order is cancelled already; nothing to send")
		eff.Skip("already_cancelled_in_quipt")
		return true, nil
	}
	req := quipt.CancelRequest{
		OrderID: cd.quiptID,
		Type:    c.cancelType,
		Reason:  fmt.Sprintf("Cancelled in ShipStation (order %s)", cd.order.OrderNumber),
		Lines:   jobs.Unshipped(order),
	}
	if len(req.Lines) == 0 {
		return false, eff.DeadLetter(ctx, cd.quiptID, "nothing to cancel: every line of the Quipt order has shipped", fields)
	}
	if env.DryRun {
		log.Info().Str("event", "would_cancel").Str("type", req.Type).Int("lines", len(req.Lines)).
			Msg("dry run: would cancel Quipt order")
		eff.Updated++
		return true, nil
	}
	dup, err := env.Quipt.FulfillmentOrders.Cancel(ctx, req)
	if err != nil {
		if quipt.IsPermanent(err) {
			return c.refused(ctx, log, cd, eff, err, fields)
		}
		return false, fmt.Errorf("cancel Quipt order %s of ShipStation order %d: %w", cd.quiptID, cd.order.OrderID, err)
	}
	if dup { // Quipt had cancelled it already: recorded, not cancelled again
		eff.Exist("already_applied")
	} else {
		eff.Updated++
		eff.Add("cancelled", 1)
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
func (c *canceller) alreadyCancelled(order *quipt.Order) string {
	switch {
	case order.Status == quipt.StatusCanceled:
		return "status cancelled"
	case c.cancelType == quipt.CancelSoft && order.SubStatus == quipt.SubStatusSoftCancel:
		return "sub-status soft cancel"
	}
	for _, cn := range order.Cancellations {
		if strings.EqualFold(cn.Type, c.cancelType) {
			return "holds a " + c.cancelType + " cancellation"
		}
	}
	return ""
}

// refused handles a cancel Quipt refused for good (4xx): the order is read
// again, and if it now shows the cancel (applied before, by an earlier run
// or a concurrent write, which Quipt reported as a conflict) the cancel is a
// success; else the order is dead-lettered with Quipt's message. A transient
// failure of that read stops the run, so that the next one decides.
func (c *canceller) refused(ctx context.Context, log *zerolog.Logger, cd candidate, eff *jobs.Effects, refusal error, fields map[string]any) (bool, error) {
	env := c.job.Env
	order, err := env.Quipt.FulfillmentOrders.Get(ctx, cd.quiptID)
	switch {
	case err == nil:
		if why := c.alreadyCancelled(order); why != "" {
			log.Info().Str("event", "already_cancelled").Str("why", why).Str("refusal", refusal.Error()).
				Msg("Quipt refused the cancel, and the order shows it applied: recorded as done")
			eff.Skip("already_cancelled_in_quipt")
			return true, nil
		}
	case !quipt.IsPermanent(err):
		return false, fmt.Errorf("read Quipt order %s again after its cancel was refused (%v): %w", cd.quiptID, refusal, err)
	}
	return false, eff.DeadLetter(ctx, cd.quiptID, "quipt refused the cancel: "+refusal.Error(), fields)
}
