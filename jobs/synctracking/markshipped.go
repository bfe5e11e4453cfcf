package synctracking

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/mapping"
)

// maxUncertainMarks bounds how often one order is sent to markasshipped after
// attempts whose outcome was unknown and that turned out not to be applied.
const maxUncertainMarks = 3

// errOrderCancelled reports a ShipStation order that is cancelled, so it
// cannot be marked shipped.
var errOrderCancelled = errors.New("order is cancelled in ShipStation")

// markShipped pages Quipt's shipped purchase orders and marks the ShipStation
// orders get-orders imported them from as shipped. Quipt offers no
// modified-since filter, so every run pages all shipped purchase orders and
// the NSMarkedShipped records skip those done.
func (r *runner) markShipped(ctx context.Context) (bool, error) {
	opts := quipt.PurchaseListOptions{Statuses: []int{quipt.StatusShipped}, Include: []string{quipt.IncludeShipments}}
	for page, err := range r.Env.Quipt.PurchaseOrders.List(ctx, opts) {
		if err != nil {
			return false, fmt.Errorf("list Quipt purchase orders: %w", err)
		}
		if err := r.markPage(ctx, page); err != nil {
			return false, err
		}
		if r.run.Stopping() {
			return false, nil
		}
	}
	return true, nil
}

// imported is a shipped Quipt purchase order that get-orders imported from
// ShipStation order ssID.
type imported struct {
	po   *quipt.Order
	ssID int64
	id   string // ssID as a record key
	log  zerolog.Logger
}

// pendingPrefix starts the jobs.NSMarkedShipped record of an order whose
// markasshipped is about to be sent: pending:<tracking number>, the intent,
// written before the call. Any other value is the tracking number the order
// was marked shipped with: done.
const pendingPrefix = "pending:"

// mark is a markasshipped to send.
type mark struct {
	imported
	req    shipstation.MarkAsShippedRequest
	fields map[string]any
	// pending is true when an earlier run wrote the intent already.
	pending bool
}

// markPage handles one page: one Redis round trip (records and dead letters),
// then one fenced write of the intents of the orders to mark, the
// markasshipped calls, and one fenced write of what they did.
//
// markasshipped is not idempotent, and ShipStation does not promise to refuse
// a second one, so each is sent exactly once by intent: an order without a
// record was never sent (no call goes out before its intent is recorded), so
// it is sent without further reads; an order whose record is still pending
// was perhaps sent by a run that stopped before recording the outcome, so its
// order is read first and it is sent only if still open.
func (r *runner) markPage(ctx context.Context, page *quipt.Page[quipt.Order]) error {
	if err := r.Env.DeadLetterInvalid(ctx, r.run, r.sum, jobs.InvalidQuipt(jobs.KindQuiptPurchaseOrder, page.PageNumber, page.Invalid)); err != nil {
		return err
	}
	var own []imported
	for i := range page.Items {
		po := &page.Items[i]
		r.sum.Seen++
		ref, ok := strings.CutPrefix(jobs.Value(po.PartnerReference), jobs.PartnerRefPrefix)
		ssID, err := strconv.ParseInt(ref, 10, 64)
		if !ok || err != nil || ssID <= 0 {
			r.sum.Skipped++
			r.sum.Add("skipped_not_ours", 1)
			continue
		}
		own = append(own, imported{po: po, ssID: ssID, id: ref, log: r.run.Log.With().
			Int64("ss_order_id", ssID).Str("quipt_order_id", po.ID).Str("order_number", po.OrderNumber).Logger()})
	}
	if len(own) == 0 {
		return nil
	}
	ids := make([]string, len(own))
	parkIDs := make([]string, len(own))
	for i, o := range own {
		ids[i], parkIDs[i] = o.id, markKeyPrefix+o.id
	}
	recs, parked, err := r.lookupAll(ctx, ids, parkIDs, jobs.NSMarkedShipped, jobs.NSImported)
	if err != nil {
		return err
	}
	marked, imports := recs[jobs.NSMarkedShipped], recs[jobs.NSImported]
	kv := map[string]string{}
	var sends []mark
	planned := map[string]bool{}
	for _, o := range own {
		rec, has := marked[o.id]
		intended, pending := strings.CutPrefix(rec, pendingPrefix)
		_, decided := kv[o.id]
		switch {
		case !hasImport(imports, o.id):
			// A purchase order that names a ShipStation order get-orders
			// never imported (placed by another integration, or typed by a
			// person): not this job's to report.
			r.sum.Skipped++
			r.sum.Add("skipped_not_ours", 1)
			o.log.Debug().Str("event", "skipped_not_ours").Msg("purchase order names a ShipStation order get-orders did not import")
			continue
		case has && !pending, planned[o.id] || decided:
			// Done, or a second purchase order of the same ShipStation order.
			r.sum.Skipped++
			r.sum.Add("skipped_applied", 1)
			continue
		case parked[markKeyPrefix+o.id]:
			r.sum.Skipped++
			r.sum.Add("skipped_parked", 1)
			continue
		}
		m, ok, err := r.planMark(ctx, o, pending, intended, kv)
		if err != nil {
			return r.record(ctx, jobs.NSMarkedShipped, kv, err)
		}
		if ok {
			sends = append(sends, m)
			planned[o.id] = true
		}
	}
	if err := r.intend(ctx, sends); err != nil {
		return r.record(ctx, jobs.NSMarkedShipped, kv, err)
	}
	for _, m := range sends {
		if err = r.send(ctx, m, kv); err != nil {
			break
		}
	}
	return r.record(ctx, jobs.NSMarkedShipped, kv, err)
}

// hasImport reports whether get-orders recorded the import of ShipStation
// order id (jobs.NSImported).
func hasImport(imports map[string]string, id string) bool {
	_, ok := imports[id]
	return ok
}

// planMark decides what to send for one order not yet marked. An order with a
// pending intent is read first: shipped means done (recorded in kv with the
// intended tracking number), cancelled is dead-lettered, open is sent again.
// ok is false when there is nothing to send.
func (r *runner) planMark(ctx context.Context, o imported, pending bool, intended string, kv map[string]string) (_ mark, ok bool, _ error) {
	fields := map[string]any{"ss_order_id": o.ssID, "quipt_order_id": o.po.ID}
	if pending {
		if done, err := r.resolveIntent(ctx, o, intended, fields, kv); done || err != nil {
			return mark{}, false, err
		}
	}
	sh := firstLive(o.po.Shipments)
	if sh == nil {
		r.sum.Skipped++
		r.sum.Add("skipped_no_live_shipment", 1)
		o.log.Info().Str("event", "no_live_shipment").Msg("shipped purchase order has no live shipment to report")
		return mark{}, false, nil
	}
	fields["quipt_shipment_id"] = sh.ID
	carrier := sh.CarrierCode
	if c, ok := mapping.ParseCarrier(sh.CarrierCode); ok {
		carrier = c.ShipStationCode(r.Env.USPSCode)
	}
	if carrier == "" {
		return mark{}, false, r.Env.DeadLetter(ctx, r.run, r.sum, markKeyPrefix+o.id, "Quipt shipment has no carrier", fields)
	}
	day, ok := quiptDay(sh.ShipDate)
	if !ok {
		o.log.Warn().Str("event", "ship_date_omitted").Str("quipt_ship_date", sh.ShipDate).
			Msg("Quipt ship date is not a date: sent without one (ShipStation takes today)")
	}
	return mark{imported: o, fields: fields, pending: pending, req: shipstation.MarkAsShippedRequest{
		OrderID: o.ssID, CarrierCode: carrier, ShipDate: day, TrackingNumber: sh.TrackingNumber,
		NotifyCustomer: r.NotifyCustomer, NotifySalesChannel: r.NotifySalesChannel,
	}}, true, nil
}

// resolveIntent reads the ShipStation order of a pending intent: a run wrote
// the intent and then stopped before recording what its markasshipped did,
// which may have been sent or not. done is true when nothing is to be sent:
// the order is shipped (recorded as done in kv), cancelled (dead-lettered) or
// could not be read for good (dead-lettered).
func (r *runner) resolveIntent(ctx context.Context, o imported, intended string, fields map[string]any, kv map[string]string) (done bool, _ error) {
	so, err := r.Env.ShipStation.Orders.Get(ctx, o.ssID)
	if ok, err := r.settle(ctx, markKeyPrefix+o.id, "read ShipStation order of a pending markasshipped", err, fields); !ok {
		return true, err
	}
	switch so.OrderStatus {
	case shipstation.StatusShipped:
		kv[o.id] = intended
		r.sum.Skipped++
		r.sum.Add("already_shipped", 1)
		r.sum.Add("pending_resolved", 1)
		o.log.Info().Str("event", "already_shipped").Str("tracking_number", intended).Bool("pending", true).
			Msg("ShipStation order of a pending markasshipped is shipped: recorded as done")
		return true, nil
	case shipstation.StatusCancelled:
		return true, r.Env.DeadLetter(ctx, r.run, r.sum, markKeyPrefix+o.id, errOrderCancelled.Error(), fields)
	}
	o.log.Info().Str("event", "pending_resend").Str("order_status", so.OrderStatus).
		Msg("ShipStation order of a pending markasshipped is still open: sending it")
	return false, nil
}

// intend records, in one fenced write, the intent of every mark of sends
// that has none yet. Nothing is sent unless it succeeded. A dry run writes
// nothing.
func (r *runner) intend(ctx context.Context, sends []mark) error {
	if r.Env.DryRun {
		return nil
	}
	intents := map[string]string{}
	for _, m := range sends {
		if !m.pending {
			intents[m.id] = pendingPrefix + m.req.TrackingNumber
		}
	}
	if len(intents) == 0 {
		return nil
	}
	if err := r.Env.Store.PutRecords(ctx, r.run.Lease, jobs.NSMarkedShipped, intents); err != nil {
		return fmt.Errorf("record %d markasshipped intents: %w", len(intents), err)
	}
	return nil
}

// send marks one ShipStation order shipped with the first live Quipt
// shipment of its purchase order (ShipStation takes one mark-as-shipped per
// order, so further packages are not sent) and notes the done record in kv.
func (r *runner) send(ctx context.Context, m mark, kv map[string]string) error {
	req := m.req
	ev := m.log.Info().Str("tracking_number", req.TrackingNumber).Str("carrier", req.CarrierCode).Str("ship_date", req.ShipDate).
		Bool("notify_customer", req.NotifyCustomer).Bool("notify_sales_channel", req.NotifySalesChannel)
	if r.Env.DryRun {
		ev.Str("event", "would_mark_shipped").Msg("dry run: would mark ShipStation order shipped")
		kv[m.id] = req.TrackingNumber
		r.sum.Created++
		r.sum.Add("marked_shipped", 1)
		return nil
	}
	already, err := r.markOnce(ctx, req)
	if errors.Is(err, errOrderCancelled) {
		return r.Env.DeadLetter(ctx, r.run, r.sum, markKeyPrefix+m.id, err.Error(), m.fields)
	}
	if ok, err := r.settle(ctx, markKeyPrefix+m.id, "mark ShipStation order shipped", err, m.fields); !ok {
		return err
	}
	kv[m.id] = req.TrackingNumber
	if already {
		r.sum.Skipped++
		r.sum.Add("already_shipped", 1)
		ev.Str("event", "already_shipped").Msg("ShipStation order is shipped already")
		return nil
	}
	r.sum.Created++
	r.sum.Add("marked_shipped", 1)
	ev.Str("event", "marked_shipped").Msg("marked ShipStation order shipped")
	return nil
}

// markOnce sends markasshipped so that it takes effect at most once. When the
// outcome is unknown, or ShipStation refuses (an order no longer open cannot
// be marked), the order is read: shipped means done (already reports that the
// refusal found it so), cancelled is errOrderCancelled, and only an unknown
// outcome of an order still open is sent again, at most maxUncertainMarks
// times in all.
func (r *runner) markOnce(ctx context.Context, req shipstation.MarkAsShippedRequest) (already bool, _ error) {
	for try := 1; ; try++ {
		_, err := r.Env.ShipStation.Orders.MarkAsShipped(ctx, req)
		if err == nil {
			return false, nil
		}
		uncertain := errors.Is(err, shipstation.ErrUncertain)
		if !uncertain && !shipstation.IsPermanent(err) {
			return false, err
		}
		o, gerr := r.Env.ShipStation.Orders.Get(ctx, req.OrderID)
		if gerr != nil {
			return false, fmt.Errorf("markasshipped failed (%v); read the order to learn its status: %w", err, gerr)
		}
		switch o.OrderStatus {
		case shipstation.StatusShipped:
			return !uncertain, nil
		case shipstation.StatusCancelled:
			return false, errOrderCancelled
		}
		if !uncertain || try == maxUncertainMarks {
			return false, err
		}
	}
}

// quiptDay turns a Quipt ShipDate into the yyyy-mm-dd markasshipped takes.
// Quipt documents yyyy-mm-dd, but a date-time (RFC 3339, with or without an
// offset) is read too, as the calendar day it names. "" gives "", true; ok is
// false, with "", for anything else.
func quiptDay(s string) (day string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

// firstLive returns the first shipment not voided, or nil.
func firstLive(shipments []quipt.Shipment) *quipt.Shipment {
	for i := range shipments {
		if !shipments[i].Voided {
			return &shipments[i]
		}
	}
	return nil
}
