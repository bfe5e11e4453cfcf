package pushorders

import (
	"context"
	"fmt"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/jobs"
)

// ack is an order ShipStation holds that still has to be accepted in Quipt.
type ack struct {
	order quipt.Order
	// rec is the order's record, rewritten with Acked once it is accepted.
	rec pushRecord
}

// acknowledge accepts every order of acks in Quipt, QUIPT_CONCURRENCY at a
// time (Env.QuiptConcurrency), and records each one accepted with the run's
// next fenced write (deferAcked). Quipt is idempotent on OrderId + Status, so
// an acknowledgement repeated after a lost answer or a crash is answered as a
// duplicate and counts as done. A
// refusal dead-letters the order; any other failure stops further calls
// and, once the accepted ones are recorded, the run: the next run
// acknowledges the rest.
func (p *pass) acknowledge(ctx context.Context, acks []ack) error {
	if len(acks) == 0 {
		return nil
	}
	if p.job.Env.DryRun {
		for _, a := range acks {
			p.run.Log.Info().Str("event", "would_acknowledge").Bool("dry_run", true).
				Str("quipt_order_id", a.order.ID).Str("order_key", jobs.PushedKeyPrefix+a.order.ID).
				Msg("dry run: would accept order in Quipt")
		}
		p.run.Sum.Add("acknowledged", len(acks))
		return nil
	}
	recs, err := jobs.Apply(ctx, p.run, acks, func(a ack) string { return a.order.ID }, p.job.Env.QuiptConcurrency(), p.acknowledgeOne)
	return p.deferAcked(ctx, recs, err)
}

// acknowledgeOne accepts one order in Quipt and notes its record, now
// Acked, in eff.
func (p *pass) acknowledgeOne(ctx context.Context, a ack, eff *jobs.Effects) error {
	dup, err := p.job.Env.Quipt.FulfillmentOrders.Acknowledge(ctx, jobs.Acceptance(&a.order))
	switch {
	case err != nil && quipt.IsPermanent(err):
		return eff.DeadLetter(ctx, a.order.ID, "quipt refused the acknowledgement: "+err.Error(), map[string]any{
			"quipt_order_id": a.order.ID, "order_key": jobs.PushedKeyPrefix + a.order.ID, "ss_order_id": a.rec.SSOrderID,
		})
	case err != nil:
		return fmt.Errorf("acknowledge Quipt order %s: %w", a.order.ID, err)
	}
	a.rec.Acked = true
	v, err := a.rec.encode()
	if err != nil {
		return err
	}
	eff.Record(jobs.NSPushed, a.order.ID, v)
	eff.Record(jobs.NSAccepted, a.order.ID, jobs.Accepted)
	eff.Add("acknowledged", 1)
	if dup {
		eff.Add("already_acknowledged", 1)
	}
	p.run.Log.Info().Str("event", "acknowledged").Str("quipt_order_id", a.order.ID).
		Str("order_key", jobs.PushedKeyPrefix+a.order.ID).Int64("ss_order_id", a.rec.SSOrderID).
		Bool("duplicate", dup).Msg("accepted order in Quipt")
	return nil
}
