package pushorders

import (
	"context"
	"fmt"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/jobs"
)

// ackConcurrency bounds the acknowledge calls in flight. Quipt has no bulk
// acknowledge, so a few run side by side; the client paces them on 429s.
const ackConcurrency = 4

// ack is an order ShipStation holds that still has to be accepted in Quipt.
type ack struct {
	order quipt.Order
	// rec is the order's record, rewritten with Acked once it is accepted.
	rec pushRecord
}

// ackOutcome is what one acknowledge call gave.
type ackOutcome struct {
	sent      bool
	duplicate bool
	err       error
}

// acknowledge accepts every order of acks in Quipt and records each one
// accepted with one fenced write. Quipt is idempotent on OrderId + Status,
// so an acknowledgement repeated after a lost answer or a crash is answered
// as a duplicate and counts as done. A refusal dead-letters the order; any
// other failure stops further calls and, once the accepted ones are
// recorded, the run: the next run acknowledges the rest.
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
		p.sum.Add("acknowledged", len(acks))
		return nil
	}

	outcomes := make([]ackOutcome, len(acks))
	var failed atomic.Bool
	var g errgroup.Group
	g.SetLimit(ackConcurrency)
	for i, a := range acks {
		g.Go(func() error {
			if failed.Load() {
				return nil
			}
			dup, err := p.job.Env.Quipt.FulfillmentOrders.Acknowledge(ctx, quipt.AcknowledgeRequest{
				OrderID: a.order.ID,
				Status:  quipt.AckAccepted,
				Reason:  "pushed to ShipStation",
				Lines:   ackLines(a.order.Lines),
			})
			outcomes[i] = ackOutcome{sent: true, duplicate: dup, err: err}
			if err != nil && !quipt.IsPermanent(err) {
				failed.Store(true)
			}
			return nil
		})
	}
	_ = g.Wait() // the calls report through outcomes

	done := map[string]string{}
	var stop error
	var refused []int
	for i, o := range outcomes {
		a := acks[i]
		switch {
		case !o.sent:
		case o.err == nil:
			a.rec.Acked = true
			v, err := a.rec.encode()
			if err != nil {
				return err
			}
			done[a.order.ID] = v
			p.sum.Add("acknowledged", 1)
			if o.duplicate {
				p.sum.Add("already_acknowledged", 1)
			}
			p.run.Log.Info().Str("event", "acknowledged").Str("quipt_order_id", a.order.ID).
				Str("order_key", jobs.PushedKeyPrefix+a.order.ID).Int64("ss_order_id", a.rec.SSOrderID).
				Bool("duplicate", o.duplicate).Msg("accepted order in Quipt")
		case quipt.IsPermanent(o.err):
			refused = append(refused, i)
		case stop == nil:
			stop = fmt.Errorf("acknowledge Quipt order %s: %w", a.order.ID, o.err)
		}
	}
	if err := p.record(ctx, jobs.NSPushed, done); err != nil {
		return err
	}
	for _, i := range refused {
		a := acks[i]
		reason := "quipt refused the acknowledgement: " + outcomes[i].err.Error()
		if err := p.job.Env.DeadLetter(ctx, p.run, p.sum, a.order.ID, reason, map[string]any{
			"quipt_order_id": a.order.ID, "order_key": jobs.PushedKeyPrefix + a.order.ID, "ss_order_id": a.rec.SSOrderID,
		}); err != nil {
			return err
		}
	}
	return stop
}
