package synctracking

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/mapping"
)

// errOrderCancelled reports a ShipStation order that is cancelled, so it
// cannot be marked shipped.
var errOrderCancelled = errors.New("order is cancelled in ShipStation")

// markShipped is the pass over Quipt's shipped purchase orders: it marks the
// ShipStation orders get-orders imported them from as shipped. Quipt offers
// no modified-since filter, so every run pages all shipped purchase orders
// and the NSMarkedShipped records skip those done.
func (r *runner) markShipped(ctx context.Context, run *jobs.Run) (bool, error) {
	opts := quipt.PurchaseListOptions{Statuses: []int{quipt.StatusShipped}, Include: []string{quipt.IncludeShipments}}
	return jobs.EachPage(ctx, run, r.Env.Quipt.PurchaseOrders.List(ctx, opts), "list Quipt purchase orders", r.markPage)
}

// imported is a shipped Quipt purchase order that get-orders imported from
// ShipStation order ssID: a candidate of markPage's pipeline, on which Apply
// leaves the markasshipped to send, if any.
type imported struct {
	po   *quipt.Order
	ssID int64
	id   string // ssID as a record key
	log  zerolog.Logger
	// mark is what to send; nil when nothing is.
	mark *mark
}

// mark is a markasshipped to send.
type mark struct {
	req    shipstation.MarkAsShippedRequest
	fields map[string]any
	// pending is true when an earlier run wrote the intent already.
	pending bool
}

// markPage handles one page: one Redis round trip (records and dead
// letters), one fenced write of the intents of the orders to mark (with the
// pending intents found done), the markasshipped calls one at a time, and
// one fenced write of what they did.
//
// markasshipped is not idempotent, and ShipStation does not promise to refuse
// a second one, so each is sent exactly once by intent: an order without a
// record was never sent (no call goes out before its intent is recorded), so
// it is sent without further reads; an order whose record is still pending
// was perhaps sent by a run that stopped before recording the outcome, so its
// order is read first and it is sent only if still open, and only once
// WRITE_SETTLE has passed since its last attempt.
func (r *runner) markPage(ctx context.Context, page *quipt.Page[quipt.Order]) error {
	pipe := jobs.Pipeline[quipt.Order, *imported]{
		Handler:    &markPlanner{runner: r, planned: map[string]bool{}},
		Namespaces: []string{jobs.NSMarkedShipped, jobs.NSImported},
	}
	planned, err := pipe.Process(ctx, r.run, page.Items, jobs.InvalidQuipt(jobs.KindQuiptPurchaseOrder, page.PageNumber, page.Invalid))
	if err != nil {
		return err
	}
	var sends []*imported
	for _, o := range planned {
		if o.mark != nil {
			sends = append(sends, o)
		}
	}
	// Concurrency 1: one markasshipped at a time, none after a failure.
	recs, err := jobs.Apply(ctx, r.run, sends, func(o *imported) string { return o.id }, 1, r.send)
	return r.run.Record(ctx, recs, err)
}

// markPlanner is the jobs.PageHandler that decides, for one page of
// purchase orders, which ShipStation orders to mark shipped, and notes the
// intent of each new one: the pipeline writes the intents before markPage
// sends anything. It is applied one order at a time (Pipeline.Concurrency
// 1).
type markPlanner struct {
	*runner
	// planned holds the ShipStation orders of the page that are to be sent.
	planned map[string]bool
}

// Pick keeps the purchase orders that name a ShipStation order as get-orders
// names those it imports (PartnerReference shipstation:<orderId>).
func (h *markPlanner) Pick(po quipt.Order) (*imported, jobs.Key, string) {
	ref, ok := strings.CutPrefix(jobs.Value(po.PartnerReference), jobs.PartnerRefPrefix)
	ssID, err := strconv.ParseInt(ref, 10, 64)
	if !ok || err != nil || ssID <= 0 {
		return nil, jobs.Key{}, "skipped_not_ours"
	}
	return &imported{po: &po, ssID: ssID, id: ref, log: h.run.Log.With().
		Int64("ss_order_id", ssID).Str("quipt_order_id", po.ID).Str("order_number", po.OrderNumber).Logger(),
	}, jobs.Key{ID: ref, Park: MarkKeyPrefix + ref}, ""
}

// Settled skips a purchase order that names a ShipStation order get-orders
// never imported (placed by another integration, or typed by a person: not
// this job's to report), one marked shipped already, and a second purchase
// order of a ShipStation order planned in this page.
func (h *markPlanner) Settled(o *imported, known *jobs.Known) string {
	if _, ok := known.Get(jobs.NSImported, o.id); !ok {
		o.log.Debug().Str("event", "skipped_not_ours").Msg("purchase order names a ShipStation order get-orders did not import")
		return "skipped_not_ours"
	}
	rec, has := known.Get(jobs.NSMarkedShipped, o.id)
	if (has && !strings.HasPrefix(rec, jobs.IntentPrefix)) || h.planned[o.id] {
		return "skipped_applied"
	}
	return ""
}

// Apply plans the markasshipped of one order not yet marked (planMark),
// leaves it on o and notes its intent, unless an earlier run wrote it.
func (h *markPlanner) Apply(ctx context.Context, o *imported, known *jobs.Known, eff *jobs.Effects) error {
	intended, pending := strings.CutPrefix(known.Record(jobs.NSMarkedShipped, o.id), jobs.IntentPrefix)
	m, err := h.planMark(ctx, o, pending, intended, eff)
	if m == nil || err != nil {
		return err
	}
	o.mark = m
	h.planned[o.id] = true
	if !pending {
		eff.Record(jobs.NSMarkedShipped, o.id, jobs.IntentPrefix+m.req.TrackingNumber)
	}
	return nil
}

// planMark decides what to send for one order not yet marked. An order with a
// pending intent is read first: shipped means done (its record noted in eff
// with the intended tracking number), cancelled is dead-lettered, open is
// sent again. The mark is nil when there is nothing to send.
func (r *runner) planMark(ctx context.Context, o *imported, pending bool, intended string, eff *jobs.Effects) (*mark, error) {
	fields := map[string]any{"ss_order_id": o.ssID, "quipt_order_id": o.po.ID}
	if pending {
		intent := jobs.ParseIntent(intended)
		settling := intent.Settling(r.Env.Clock(), r.Env.Settle())
		if done, err := r.resolveIntent(ctx, o, intent, settling, fields, eff); done || err != nil {
			return nil, err
		}
	}
	sh := firstLive(o.po.Shipments)
	if sh == nil {
		eff.Skip("skipped_no_live_shipment")
		o.log.Info().Str("event", "no_live_shipment").Msg("shipped purchase order has no live shipment to report")
		return nil, nil
	}
	fields["quipt_shipment_id"] = sh.ID
	carrier := sh.CarrierCode
	if c, ok := mapping.ParseCarrier(sh.CarrierCode); ok {
		carrier = c.ShipStationCode(r.Env.USPSCode)
	}
	if carrier == "" {
		return nil, eff.DeadLetter(ctx, MarkKeyPrefix+o.id, "Quipt shipment has no carrier", fields)
	}
	day, ok := quiptDay(sh.ShipDate)
	if !ok {
		o.log.Warn().Str("event", "ship_date_omitted").Str("quipt_ship_date", sh.ShipDate).
			Msg("Quipt ship date is not a date: sent without one (ShipStation takes today)")
	}
	return &mark{fields: fields, pending: pending, req: shipstation.MarkAsShippedRequest{
		OrderID: o.ssID, CarrierCode: carrier, ShipDate: day, TrackingNumber: sh.TrackingNumber,
		NotifyCustomer: r.NotifyCustomer, NotifySalesChannel: r.NotifySalesChannel,
	}}, nil
}

// resolveIntent reads the ShipStation order of a pending intent: a run wrote
// the intent and then stopped before recording what its markasshipped did,
// or its outcome was unknown (a timeout, a lost answer), so it may have been
// applied or may still be. done is true when nothing is to be sent: the order
// is shipped (its record noted as done in eff), cancelled (dead-lettered),
// could not be read for good (dead-lettered), or is open while its last
// attempt is settling (a request held on the wire may still be applied).
func (r *runner) resolveIntent(ctx context.Context, o *imported, intent jobs.Intent, settling bool, fields map[string]any, eff *jobs.Effects) (done bool, _ error) {
	intended := intent.Value
	so, err := r.Env.ShipStation.Orders.Get(ctx, o.ssID)
	if ok, err := settle(ctx, eff, MarkKeyPrefix+o.id, "read ShipStation order of a pending markasshipped", err, fields); !ok {
		return true, err
	}
	switch so.OrderStatus {
	case shipstation.StatusShipped:
		eff.Record(jobs.NSMarkedShipped, o.id, intended)
		eff.Skip("already_shipped")
		eff.Add("pending_resolved", 1)
		o.log.Info().Str("event", "already_shipped").Str("tracking_number", intended).Bool("pending", true).
			Msg("ShipStation order of a pending markasshipped is shipped: recorded as done")
		return true, nil
	case shipstation.StatusCancelled:
		return true, eff.DeadLetter(ctx, MarkKeyPrefix+o.id, errOrderCancelled.Error(), fields)
	}
	if settling {
		eff.Skip("skipped_settling")
		o.log.Info().Str("event", "settling").Str("order_status", so.OrderStatus).Time("last_attempt", intent.Attempt).
			Msg("markasshipped with an unknown outcome is settling: not sent again yet")
		return true, nil
	}
	o.log.Info().Str("event", "pending_resend").Str("order_status", so.OrderStatus).
		Msg("ShipStation order of a pending markasshipped is still open: sending it")
	return false, nil
}
