package getorders

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// importer is get-orders' jobs.PageHandler: each ShipStation order of the
// window not imported yet becomes one Quipt purchase order, recorded in
// jobs.NSImported; the orders that still need the user assigned are marked
// for the run's assignment.
type importer struct {
	job   *GetOrders
	run   *jobs.Run
	since time.Time
}

// order is a candidate: a ShipStation order to import, or imported already.
type order struct {
	shipstation.Order
	id string
	// assign is set by Apply when the order still needs the user assigned.
	assign bool
}

// Pick keeps the orders of the window that get-orders imports. The server
// filters too (status, tag, and createDateStart without a tag), but the
// filters are the contract: each order is checked here as well, so a server
// that ignores one cannot widen the import.
func (im *importer) Pick(o shipstation.Order) (*order, jobs.Key, string) {
	switch {
	case strings.HasPrefix(o.OrderKey, jobs.PushedKeyPrefix):
		return nil, jobs.Key{}, "skipped_own"
	case o.CreateDate.Before(im.since):
		return nil, jobs.Key{}, "skipped_outside_window"
	case !strings.EqualFold(o.OrderStatus, im.job.Status):
		return nil, jobs.Key{}, "skipped_other_status"
	case im.job.TagID != 0 && !slices.Contains(o.TagIDs, im.job.TagID):
		return nil, jobs.Key{}, "skipped_untagged"
	}
	id := strconv.FormatInt(o.OrderID, 10)
	return &order{Order: o, id: id}, jobs.Key{ID: id}, ""
}

// Settled skips nothing before the dead-letter check: an imported order may
// still need its user, unless it is parked.
func (im *importer) Settled(*order, *jobs.Known) string { return "" }

// Apply imports one order, or, when it is imported already, notes whether
// it still needs the user assigned.
func (im *importer) Apply(ctx context.Context, o *order, known *jobs.Known, eff *jobs.Effects) error {
	log := im.run.Log.With().Int64("ss_order_id", o.OrderID).Str("order_number", o.OrderNumber).Logger()
	if qid, ok := known.Get(jobs.NSImported, o.id); ok {
		eff.Skip("")
		if im.noteAssign(log, o, known.Record(jobs.NSAssigned, o.id), eff) {
			log.Info().Str("event", "assign_pending").Str("quipt_order_id", qid).Msg("imported earlier, user not yet assigned")
		}
		return nil
	}
	po, reason := im.job.purchaseOrder(o.Order)
	if reason != "" {
		return eff.DeadLetter(ctx, o.id, reason, map[string]any{"ss_order_id": o.OrderID, "order_number": o.OrderNumber})
	}
	if im.job.Env.DryRun {
		log.Info().Str("event", "would_create").Str("partner_reference", po.PartnerReference).
			Str("carrier", jobs.Value(po.Shipping.CarrierCode)).Str("service", jobs.Value(po.Shipping.CarrierMethod)).
			Msg("dry run: would create Quipt purchase order")
		eff.Created++
		im.noteAssign(log, o, "", eff)
		return nil
	}
	return im.create(ctx, log, o, po, eff)
}

// create creates the purchase order po of o in Quipt. A refusal dead-letters
// the order; any other failure stops the page, after what it created so far
// is recorded (the rest is picked up by the next run).
func (im *importer) create(ctx context.Context, log zerolog.Logger, o *order, po quipt.NewPurchaseOrder, eff *jobs.Effects) error {
	createdID, dup, err := im.job.Env.Quipt.PurchaseOrders.Create(ctx, po)
	if errors.Is(err, quipt.ErrAppliedUnreadable) {
		// Quipt holds the order; only its Id is unknown. The import is
		// recorded under its PartnerReference.
		log.Warn().Err(err).Msg("Quipt created the purchase order but its answer could not be read")
		createdID, err = po.PartnerReference, nil
	}
	switch {
	case err != nil && quipt.IsPermanent(err):
		return eff.DeadLetter(ctx, o.id, "quipt rejected the order: "+err.Error(), map[string]any{"ss_order_id": o.OrderID, "order_number": o.OrderNumber})
	case err != nil:
		return fmt.Errorf("create Quipt purchase order for ShipStation order %d: %w", o.OrderID, err)
	}
	eff.Record(jobs.NSImported, o.id, createdID)
	msg := "created Quipt purchase order"
	if dup { // Quipt held it already (a lost answer, or Redis lost the record): not a create
		eff.Exist("already_in_quipt")
		msg = "Quipt already held this purchase order: recorded, not created again"
	} else {
		eff.Created++
	}
	log.Info().Str("event", "imported").Str("quipt_order_id", createdID).Bool("duplicate", dup).
		Str("carrier", jobs.Value(po.Shipping.CarrierCode)).Str("service", jobs.Value(po.Shipping.CarrierMethod)).
		Msg(msg)
	im.noteAssign(log, o, "", eff)
	return nil
}

// noteAssign marks o for the run's assignment when it still needs the user
// (recorded is its assignment record), counts why not otherwise, records an
// order found assigned to the user, and reports the mark. An order a person
// assigned to someone else is logged.
func (im *importer) noteAssign(log zerolog.Logger, o *order, recorded string, eff *jobs.Effects) bool {
	assign, why := im.job.needsAssign(o.Order, recorded, im.job.Env.Clock())
	o.assign = assign
	if why != "" {
		eff.Add(why, 1)
	}
	if why == "already_assigned" {
		// Recorded as done: after an assignuser with an unknown outcome that
		// was applied, or after Redis lost the record.
		eff.Record(jobs.NSAssigned, o.id, im.job.AssignUserID)
	}
	if why == "skipped_has_user" {
		log.Info().Str("event", why).Str("user_id", *o.UserID).Msg("order has another user: left as it is")
	}
	return assign
}
