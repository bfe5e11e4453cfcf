package synctracking

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	for page, err := range r.Env.Quipt.PurchaseOrders(ctx, opts) {
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

// markPage handles one page with one Redis round trip (records and dead
// letters) and one fenced write of its records.
func (r *runner) markPage(ctx context.Context, page *quipt.Page[quipt.Order]) error {
	for _, bad := range page.Invalid {
		r.sum.Seen++
		id := "quipt-purchase-order:" + bad.ID
		if bad.ID == "" {
			id = fmt.Sprintf("quipt-purchase-order:page%d-item%d", page.PageNumber, bad.Index)
		}
		if err := r.Env.DeadLetter(ctx, r.run, r.sum, id, "malformed purchase order: "+bad.Err.Error(), nil); err != nil {
			return err
		}
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
	marked, parked, err := r.lookup(ctx, jobs.NSMarkedShipped, ids, parkIDs)
	if err != nil {
		return err
	}
	kv := map[string]string{}
	for _, o := range own {
		if _, done := marked[o.id]; done {
			r.sum.Skipped++
			r.sum.Add("skipped_applied", 1)
			continue
		}
		if parked[markKeyPrefix+o.id] {
			r.sum.Skipped++
			r.sum.Add("skipped_parked", 1)
			continue
		}
		if err = r.markOrder(ctx, o, kv); err != nil {
			break
		}
	}
	return r.record(ctx, jobs.NSMarkedShipped, kv, err)
}

// markOrder marks one ShipStation order shipped with the first live Quipt
// shipment of its purchase order: ShipStation takes one mark-as-shipped per
// order, so further packages are not sent.
func (r *runner) markOrder(ctx context.Context, o imported, kv map[string]string) error {
	sh := firstLive(o.po.Shipments)
	if sh == nil {
		r.sum.Skipped++
		r.sum.Add("skipped_no_live_shipment", 1)
		o.log.Info().Str("event", "no_live_shipment").Msg("shipped purchase order has no live shipment to report")
		return nil
	}
	carrier := sh.CarrierCode
	if c, ok := mapping.ParseCarrier(sh.CarrierCode); ok {
		carrier = c.ShipStationCode(r.Env.USPSCode)
	}
	fields := map[string]any{"ss_order_id": o.ssID, "quipt_order_id": o.po.ID, "quipt_shipment_id": sh.ID}
	if carrier == "" {
		return r.Env.DeadLetter(ctx, r.run, r.sum, markKeyPrefix+o.id, "Quipt shipment has no carrier", fields)
	}
	req := shipstation.MarkAsShippedRequest{
		OrderID: o.ssID, CarrierCode: carrier, ShipDate: sh.ShipDate, TrackingNumber: sh.TrackingNumber,
		NotifyCustomer: r.NotifyCustomer, NotifySalesChannel: r.NotifySalesChannel,
	}
	ev := o.log.Info().Str("tracking_number", req.TrackingNumber).Str("carrier", req.CarrierCode).Str("ship_date", req.ShipDate).
		Bool("notify_customer", req.NotifyCustomer).Bool("notify_sales_channel", req.NotifySalesChannel)
	if r.Env.DryRun {
		ev.Str("event", "would_mark_shipped").Msg("dry run: would mark ShipStation order shipped")
		kv[o.id] = req.TrackingNumber
		r.sum.Created++
		r.sum.Add("marked_shipped", 1)
		return nil
	}
	already, err := r.markOnce(ctx, req)
	if errors.Is(err, errOrderCancelled) {
		return r.Env.DeadLetter(ctx, r.run, r.sum, markKeyPrefix+o.id, err.Error(), fields)
	}
	if ok, err := r.settle(ctx, markKeyPrefix+o.id, "mark ShipStation order shipped", err, fields); !ok {
		return err
	}
	kv[o.id] = req.TrackingNumber
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

// firstLive returns the first shipment not voided, or nil.
func firstLive(shipments []quipt.Shipment) *quipt.Shipment {
	for i := range shipments {
		if !shipments[i].Voided {
			return &shipments[i]
		}
	}
	return nil
}
