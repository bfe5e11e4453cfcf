package synctracking

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/connector/transport"
	"github.com/shipsync/shipsync/jobs"
)

// send marks one ShipStation order shipped with the first live Quipt
// shipment of its purchase order (ShipStation takes one mark-as-shipped per
// order, so further packages are not sent) and notes the done record in eff.
func (r *runner) send(ctx context.Context, o *imported, eff *jobs.Effects) error {
	m := o.mark
	req := m.req
	ev := o.log.Info().Str("tracking_number", req.TrackingNumber).Str("carrier", req.CarrierCode).Str("ship_date", req.ShipDate).
		Bool("notify_customer", req.NotifyCustomer).Bool("notify_sales_channel", req.NotifySalesChannel)
	if r.Env.DryRun {
		ev.Str("event", "would_mark_shipped").Msg("dry run: would mark ShipStation order shipped")
		eff.Record(jobs.NSMarkedShipped, o.id, req.TrackingNumber)
		eff.Created++
		eff.Add("marked_shipped", 1)
		return nil
	}
	stamp := func(ctx context.Context) error { return r.stampAttempt(ctx, o.id, req.TrackingNumber) }
	already, err := r.markOnce(transport.WithBeforeSend(ctx, stamp), req)
	if errors.Is(err, shipstation.ErrUncertain) {
		eff.Add("unsettled", 1)
		o.log.Warn().Err(err).Str("event", "unsettled").Str("tracking_number", req.TrackingNumber).
			Int64("write_settle_ms", r.Env.Settle().Milliseconds()).Msg("markasshipped outcome unknown: left to settle, then checked before any resend")
		return nil
	}
	if errors.Is(err, errOrderCancelled) {
		return eff.DeadLetter(ctx, MarkKeyPrefix+o.id, err.Error(), m.fields)
	}
	if ok, err := settle(ctx, eff, MarkKeyPrefix+o.id, "mark ShipStation order shipped", err, m.fields); !ok {
		return err
	}
	eff.Record(jobs.NSMarkedShipped, o.id, req.TrackingNumber)
	if already {
		eff.Skip("already_shipped")
		ev.Str("event", "already_shipped").Msg("ShipStation order is shipped already")
		return nil
	}
	eff.Created++
	eff.Add("marked_shipped", 1)
	ev.Str("event", "marked_shipped").Msg("marked ShipStation order shipped")
	return nil
}

// stampAttempt rewrites the order's intent with this attempt's time, a
// fenced write right before each attempt is sent (transport.WithBeforeSend,
// after any retry or rate-limit wait): a replica that lost its lease fails
// here and sends nothing, and the next run knows when the write was last
// tried (WRITE_SETTLE runs from then).
func (r *runner) stampAttempt(ctx context.Context, id, tracking string) error {
	intent := jobs.Intent{Value: tracking, Attempt: r.Env.Clock()}
	if err := r.Env.Store.PutRecords(ctx, r.run.Lease, jobs.NSMarkedShipped, map[string]string{id: jobs.IntentPrefix + intent.String()}); err != nil {
		return fmt.Errorf("stamp the markasshipped attempt of ShipStation order %s: %w", id, err)
	}
	return nil
}

// markOnce sends markasshipped once. An unknown outcome comes back as the
// client's shipstation.ErrUncertain: it is not sent again in this run (a
// request held on the wire may still be applied; see WRITE_SETTLE). When
// ShipStation refuses (an order no longer open cannot be marked), the order
// is read: shipped means done (already), cancelled is errOrderCancelled.
func (r *runner) markOnce(ctx context.Context, req shipstation.MarkAsShippedRequest) (already bool, _ error) {
	_, err := r.Env.ShipStation.Orders.MarkAsShipped(ctx, req)
	if err == nil || errors.Is(err, shipstation.ErrUncertain) || !shipstation.IsPermanent(err) {
		return false, err
	}
	o, gerr := r.Env.ShipStation.Orders.Get(ctx, req.OrderID)
	if gerr != nil {
		return false, fmt.Errorf("markasshipped refused (%v); read the order to learn its status: %w", err, gerr)
	}
	switch o.OrderStatus {
	case shipstation.StatusShipped:
		return true, nil
	case shipstation.StatusCancelled:
		return false, errOrderCancelled
	}
	return false, err
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
