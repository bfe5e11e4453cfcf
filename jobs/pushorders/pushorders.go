// Package pushorders is the push-orders job (DESIGN.md §2): Quipt fulfillment
// orders (Open, and Pending when asked) are routed to a ShipStation store,
// warehouse, carrier and service, upserted with /orders/createorders in
// batches of up to 100 under orderKey quipt:<Quipt order Id>, and then
// acknowledged (accepted) in Quipt.
//
// Every run pages all listed orders (Quipt has no modified-since filter) and
// decides per order from its record in jobs.NSPushed: an order whose content
// hash is unchanged is not sent again, an order older than the version last
// sent is never sent over it, and an order is acknowledged exactly once. The
// writes follow each other so that a crash between any two leaves one
// ShipStation order per Quipt order and one acknowledgement after the next
// run: createorders (an upsert by orderKey; a page's calls one after the
// other, sharing one rate-budget claim), then the records of all of them
// (acked=false), then the acknowledgements (idempotent in Quipt), then the
// records again (acked=true), written together with the next page's records
// or at the end of the pass, so that a page costs one fenced write.
//
// An update of an order ShipStation holds already keeps what people set
// there: the pass's updates are sent at its end, after one batched read of
// what ShipStation holds (readback.go), each merged three ways per field
// group (groups.go, merge.go; DESIGN.md §2.1). A createorders whose outcome
// was uncertain is recorded, and its orders are read back and repaired at
// every run until it has settled (uncertain.go, updates.go; §2.2).
//
// A run that finds Redis without its records (a first run, or Redis lost its
// data) first records the open orders ShipStation holds under its orderKeys,
// so that they are merged as updates instead of sent blind (recover.go).
package pushorders

import (
	"context"
	"errors"
	"hash/maphash"
	"strings"
	"sync"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/connector/transport"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/mapping"
	"github.com/shipsync/shipsync/scheduler"
)

// PushOrders sends Quipt fulfillment orders to ShipStation and accepts them
// in Quipt (DESIGN.md §2, push-orders).
type PushOrders struct {
	Env *jobs.Env
	// IncludePending also pushes orders Quipt is still validating
	// (PUSH_PENDING_ORDERS); they are sent as awaiting_payment.
	IncludePending bool
	// SingleStoreID, when not zero, is the ShipStation store of every order
	// (SINGLE_STORE_ID); otherwise ChannelStores routes by channel name.
	SingleStoreID int64
	// ChannelStores maps a Quipt channel name to a ShipStation storeId
	// (CHANNEL_STORES), matched exactly, then ignoring case and white space.
	ChannelStores map[string]int64
	// Warehouses maps a Quipt warehouse code to a ShipStation warehouseId
	// (WAREHOUSES), matched exactly, then ignoring case.
	Warehouses map[string]int64
	// Selector picks carrier and service (DESIGN.md §3).
	Selector mapping.Selector
}

// orderLog is the run's logger with o's Ids and number, made only for the
// orders that log a line from Apply (most pushes log theirs when settled).
func (p *pass) orderLog(o *quipt.Order) *zerolog.Logger {
	log := p.run.Log.With().Str("quipt_order_id", o.ID).Str("order_key", jobs.PushedKeyPrefix+o.ID).Str("order_number", o.OrderNumber).Logger()
	return &log
}

// Run pushes one pass over the listed Quipt orders. It is safe to repeat and
// to interrupt: see the package documentation.
func (j *PushOrders) Run(ctx context.Context, run *scheduler.Run) error {
	return j.Env.Execute(ctx, run, func(ctx context.Context, r *jobs.Run) error {
		p := &pass{job: j, run: r, seen: map[uint64]struct{}{}, seed: maphash.MakeSeed(),
			scratch: sync.Pool{New: func() any { return new([]byte) }}}
		if complete, err := p.recoverRecords(ctx); err != nil || !complete {
			return err
		}
		if err := p.loadUncertain(ctx); err != nil {
			return err
		}
		err := p.do(ctx)
		return p.run.Record(ctx, p.withDeferred(nil), err)
	})
}

// pass is the state of one run: the orders waiting for the next createorders
// call and the orders already handled (a list can repeat an order when it
// shifts between pages). It is the job's jobs.PageHandler: Pick skips what
// needs no look-up, Apply decides per order from its record.
type pass struct {
	job   *PushOrders
	run   *jobs.Run
	batch []*push
	// seen holds the Quipt order Ids the pass has handled, as their 64-bit
	// hashes under seed (a seed of its own for every run): a few bytes an
	// order instead of the Id and a string key, so that a backlog of 100,000
	// orders keeps the set under 2 MiB. Two Ids with one hash (odds about
	// n²/2⁶⁵, 3·10⁻¹⁰ for 100,000 orders) would skip the second as a repeat
	// for this run only; the next run, with another seed, sends it.
	seen map[uint64]struct{}
	seed maphash.Seed
	// updates are the orders ShipStation holds already, sent at the end of
	// the pass after one batched read-back (updates.go).
	updates []*push
	// guarded are the orders of uncertain requests still settling.
	guarded map[string]bool
	// conflicts lists the merge conflicts, as quipt order id:field group.
	conflicts []string
	// deferred are Acked records waiting for the next write (deferAcked).
	deferred jobs.Records
	// scratch holds *[]byte buffers for the orders' JSON while Apply, on
	// several orders at once, hashes them (contentHash).
	scratch sync.Pool
}

// push is one order to send.
type push struct {
	order quipt.Order
	ss    shipstation.Order
	// rec is the record to write once ShipStation holds the order; its
	// SSOrderID is filled in from the createorders result.
	rec pushRecord
	// update is true when the order was pushed before.
	update bool
	// prior is the record of an update: the merge base.
	prior pushRecord
	// verify is true for an unchanged order of an uncertain request: it is
	// sent again only if ShipStation holds another version.
	verify bool
}

// candidate is a listed order worth a look-up, with what Apply decided: a
// push to queue, or an acknowledgement still owed.
type candidate struct {
	order quipt.Order
	push  *push
	ack   *ack
}

// maxHeldUpdates is how many updates a pass lets wait before it sends them
// (sendUpdates), checked after each Quipt page (so at most this many plus a
// page's): each holds both versions of the order and its records, a few kB,
// and after Redis lost its data every open order is an update
// (recoverRecords).
const maxHeldUpdates = 2000

// do pages the listed orders, sending full batches as they fill and the
// remainder at the end, or at the page where shutdown was requested; the
// updates at the end too, or once maxHeldUpdates are waiting.
func (p *pass) do(ctx context.Context) error {
	statuses := []int{quipt.StatusOpen}
	if p.job.IncludePending {
		statuses = append(statuses, quipt.StatusPending)
	}
	pages := p.job.Env.Quipt.FulfillmentOrders.List(ctx, quipt.FulfillmentListOptions{Statuses: statuses})
	_, err := jobs.EachPage(ctx, p.run, pages, "list Quipt fulfillment orders", func(ctx context.Context, page *quipt.Page[quipt.Order]) error {
		if err := p.page(ctx, page); err != nil {
			return err
		}
		if err := p.flush(ctx, shipstation.MaxCreateOrders); err != nil {
			return err
		}
		if len(p.updates) >= maxHeldUpdates {
			return p.sendUpdates(ctx)
		}
		return nil
	})
	if listErr := (*jobs.ListError)(nil); errors.As(err, &listErr) {
		// Send what was decided before the list broke off.
		return errors.Join(err, p.flush(ctx, 1), p.sendUpdates(ctx))
	}
	if err != nil {
		return err
	}
	if err := p.flush(ctx, 1); err != nil {
		return err
	}
	return p.sendUpdates(ctx)
}

// flush sends the waiting orders in calls of up to MaxCreateOrders while at
// least threshold (at least one) are waiting, then settles them all at once
// (settle): one fenced write for the records of every order the calls left
// in ShipStation, then their acknowledgements. The calls share their
// rate-budget claims (transport.WithRequestsAhead): a Quipt page of 200
// orders costs one claim for its two calls.
func (p *pass) flush(ctx context.Context, threshold int) error {
	least := max(threshold, 1)
	if len(p.batch) < least {
		return nil
	}
	calls := 0
	for left := len(p.batch); left >= least; left -= min(left, shipstation.MaxCreateOrders) {
		calls++
	}
	ctx = transport.WithRequestsAhead(ctx, calls)
	out := &sent{recs: jobs.Records{}}
	var err error
	for len(p.batch) >= least {
		n := min(len(p.batch), shipstation.MaxCreateOrders)
		batch := p.batch[:n]
		p.batch = p.batch[n:]
		if err = p.send(ctx, batch, out); err != nil {
			break
		}
	}
	return p.settle(ctx, out, err)
}

// page decides what to do with every order of one Quipt page, with one
// Redis round trip reading the records and the dead letters. Orders to send
// join the batch; orders pushed but not yet acknowledged are acknowledged.
func (p *pass) page(ctx context.Context, page *quipt.Page[quipt.Order]) error {
	pipe := jobs.Pipeline[quipt.Order, *candidate]{Handler: p, Namespaces: []string{jobs.NSPushed}}
	decided, err := pipe.Process(ctx, p.run, page.Items, jobs.InvalidQuipt(jobs.KindQuiptOrder, page.PageNumber, page.Invalid))
	if err != nil {
		return err
	}
	var acks []ack
	for _, c := range decided {
		switch {
		case c.push != nil && c.push.update:
			p.updates = append(p.updates, c.push)
		case c.push != nil:
			p.batch = append(p.batch, c.push)
		}
		if c.ack != nil {
			acks = append(acks, *c.ack)
		}
	}
	return p.acknowledge(ctx, acks)
}

// Pick skips, before any Redis read, the orders push-orders never sends:
// the purchase orders get-orders created (no loops), orders being
// cancelled, and orders this run has handled already.
func (p *pass) Pick(o quipt.Order) (*candidate, jobs.Key, string) {
	seen := maphash.String(p.seed, o.ID)
	if _, repeat := p.seen[seen]; repeat {
		return nil, jobs.Key{}, "skipped_repeat"
	}
	switch {
	case strings.HasPrefix(jobs.Value(o.PartnerReference), jobs.PartnerRefPrefix):
		return nil, jobs.Key{}, "skipped_own"
	case o.SubStatus == quipt.SubStatusSoftCancel || o.SubStatus == quipt.SubStatusCancelationRequested:
		return nil, jobs.Key{}, "skipped_cancelling"
	}
	p.seen[seen] = struct{}{}
	return &candidate{order: o}, jobs.Key{ID: o.ID}, ""
}

// Settled skips nothing before the dead-letter check.
func (p *pass) Settled(*candidate, *jobs.Known) string { return "" }

// Apply routes and builds one order and compares it with its record: it
// dead-letters what cannot be routed, skips what is unchanged or older than
// what was sent, and leaves on c the push to queue, or the acknowledgement
// still owed for an unchanged order.
func (p *pass) Apply(ctx context.Context, c *candidate, known *jobs.Known, eff *jobs.Effects) error {
	o := c.order
	ss, reason := p.job.shipStationOrder(o)
	if reason != "" {
		return eff.DeadLetter(ctx, o.ID, reason, map[string]any{
			"quipt_order_id": o.ID, "order_key": jobs.PushedKeyPrefix + o.ID, "order_number": o.OrderNumber,
		})
	}
	scratch := p.scratch.Get().(*[]byte)
	hash, err := contentHash(&ss, scratch)
	p.scratch.Put(scratch)
	if err != nil {
		return err
	}
	prior, had := pushRecord{}, false
	if stored := known.Record(jobs.NSPushed, o.ID); stored != "" {
		if prior, err = decodeRecord(stored); err != nil {
			p.orderLog(&o).Warn().Str("event", "bad_record").Err(err).Msg("unreadable push record: sending the order again")
		} else {
			had = true
		}
	}

	switch {
	case had && prior.Hash == hash && !p.guarded[o.ID]:
		eff.Skip("skipped_unchanged")
		if prior.Acked {
			p.orderLog(&o).Debug().Str("event", "unchanged").Int64("ss_order_id", prior.SSOrderID).Msg("order unchanged since last push")
			return nil
		}
		p.orderLog(&o).Info().Str("event", "ack_pending").Int64("ss_order_id", prior.SSOrderID).Msg("pushed earlier, not yet acknowledged")
		c.ack = &ack{order: o, rec: prior}
		return nil
	case had && o.UpdatedAt.Before(prior.Version):
		eff.Skip("skipped_stale")
		p.orderLog(&o).Warn().Str("event", "stale").Int64("ss_order_id", prior.SSOrderID).
			Time("updated_at", o.UpdatedAt).Time("pushed_version", prior.Version).
			Msg("listed order is older than the version pushed: not sending it over the newer one")
		return nil
	}
	next := pushRecord{Hash: hash, Version: o.UpdatedAt, Groups: groupHashes(&ss)}
	if had {
		// Split and merged orders are updated only when orderId is sent.
		ss.OrderID = prior.SSOrderID
		next.Acked = prior.Acked
	}
	c.push = &push{order: o, ss: ss, rec: next, update: had, prior: prior, verify: had && prior.Hash == hash}
	return nil
}
