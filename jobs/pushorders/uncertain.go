package pushorders

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// nsUncertain (jobs.NSPushUncertain) maps a Quipt order Id to the time (Unix
// ms) of the last createorders carrying it whose outcome was uncertain: an
// attempt failed after it may have reached ShipStation, so it may still be
// applied, late, over a newer version. Until WRITE_SETTLE has passed since
// then every run reads the order back and sends it again when ShipStation
// holds another version than the latest sent (the version guard, DESIGN.md
// §2.2). reconcile sets it to repair a stale_push the same way.
const nsUncertain = jobs.NSPushUncertain

// recordTimeout bounds the write of an uncertain request's record after the
// run's context ended: the record must outlive the run that sent it.
const recordTimeout = 5 * time.Second

// noteUncertain records, with one fenced write, the orders of batch when
// the createorders call sent at sentAt may have been applied by an attempt
// other than the one answered: res says so, or err wraps
// shipstation.ErrUncertain (the transport gave up, the answer was lost, or
// the run's context ended while a request was on the wire).
func (p *pass) noteUncertain(ctx context.Context, batch []*push, sentAt time.Time, res *shipstation.BulkResult, err error) error {
	if !errors.Is(err, shipstation.ErrUncertain) && (res == nil || !res.Uncertain) {
		return nil
	}
	at := strconv.FormatInt(sentAt.UnixMilli(), 10)
	recs := jobs.Records{}
	ids := make([]string, len(batch))
	for i, b := range batch {
		recs.Set(nsUncertain, b.order.ID, at)
		ids[i] = b.order.ID
	}
	p.run.Sum.Add("uncertain_sent", len(batch))
	p.run.Log.Warn().Str("event", "uncertain_write").Strs("quipt_order_ids", ids).Time("sent_at", sentAt).
		Int64("write_settle_ms", p.job.Env.Settle().Milliseconds()).
		Msg("createorders may have been applied by an attempt that got no answer: read back at every run until it settles")
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	return p.run.Record(wctx, recs, nil)
}

// loadUncertain reads the uncertain requests: the orders still settling are
// kept in p.guarded, to be read back this run; the records of those settled
// are deleted.
func (p *pass) loadUncertain(ctx context.Context) error {
	now, settle := p.job.Env.Clock(), p.job.Env.Settle()
	p.guarded = map[string]bool{}
	var settled []string
	for kv, err := range p.job.Env.Store.AllRecords(ctx, nsUncertain) {
		if err != nil {
			return fmt.Errorf("read uncertain pushes: %w", err)
		}
		ms, perr := strconv.ParseInt(kv[1], 10, 64)
		if perr == nil && now.Sub(time.UnixMilli(ms)) < settle {
			p.guarded[kv[0]] = true
		} else {
			settled = append(settled, kv[0])
		}
	}
	if len(settled) == 0 || p.job.Env.DryRun {
		return nil
	}
	if err := p.job.Env.Store.DeleteRecords(ctx, p.run.Lease, nsUncertain, settled); err != nil {
		return fmt.Errorf("delete settled uncertain pushes: %w", err)
	}
	p.run.Log.Info().Str("event", "uncertain_settled").Strs("quipt_order_ids", settled).
		Msg("uncertain pushes settled: no longer read back")
	return nil
}
