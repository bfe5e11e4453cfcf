// Package getorders is the get-orders job (DESIGN.md §2): ShipStation orders
// by status, tag and a created-within-N-days window become Quipt purchase
// orders, and are then assigned to a ShipStation user in bulk.
package getorders

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/connector/transport"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/mapping"
	"github.com/shipsync/shipsync/scheduler"
)

// maxAssignBatch bounds one /orders/assignuser call. ShipStation documents no
// maximum; a run normally assigns everything it imported in a single call.
// A sweep assigns each full batch as soon as it has one (see run), so a run
// holds at most this many order ids (and a page's) whatever its backlog.
const maxAssignBatch = 5000

// GetOrders imports ShipStation orders into Quipt as purchase orders and then
// assigns them to a ShipStation user (DESIGN.md §2, get-orders).
type GetOrders struct {
	Env *jobs.Env
	// Status is the ShipStation order status to import (GET_ORDERS_STATUS).
	Status string
	// TagID, when not zero, imports only orders carrying that tag (GET_ORDERS_TAG_ID).
	TagID int64
	// Days is the created-within window in days, counted in Pacific time (GET_ORDERS_DAYS).
	Days int
	// Sweep is the longest time between two reads of the whole window
	// (GET_ORDERS_SWEEP); the runs in between read only the orders modified
	// since the cursor. Zero reads the whole window on every run.
	Sweep time.Duration
	// AssignUserID is the ShipStation user GUID to assign imported orders to; "" skips assignment.
	AssignUserID string
	// Selector picks carrier and service (DESIGN.md §3).
	Selector mapping.Selector
	// WarehouseCodes maps a ShipStation warehouseId to the Quipt warehouse code
	// (the inverse of WAREHOUSES); orders from other warehouses carry no code.
	WarehouseCodes map[int64]string
	// assignMax, when not zero, replaces maxAssignBatch (tests).
	assignMax int
}

// Run imports one window of orders. It is safe to repeat: an order already
// imported is skipped, and Quipt's create call is idempotent on the
// PartnerReference, so a crash between the create and its record is harmless.
func (j *GetOrders) Run(ctx context.Context, run *scheduler.Run) error {
	return j.Env.Execute(ctx, run, j.run)
}

func (j *GetOrders) run(ctx context.Context, run *jobs.Run) error {
	began, since := j.Env.Clock(), j.windowStart()
	sweep, err := j.sweepDue(ctx, run)
	if err != nil {
		return err
	}
	run.Log.Debug().Time("created_since", since).Bool("sweep", sweep).Str("status", j.Status).Int64("tag_id", j.TagID).Msg("listing ShipStation orders")

	pipe := jobs.Pipeline[shipstation.Order, *order]{
		Handler:    &importer{job: j, run: run, since: since},
		Namespaces: []string{jobs.NSImported, jobs.NSAssigned},
		// Each order is its own purchase order: QUIPT_CONCURRENCY creates at once.
		Concurrency: j.Env.QuiptConcurrency(),
	}
	var toAssign []int64
	complete, err := jobs.CursorPass[shipstation.Order]{
		Cursor:   ModifiedCursor,
		Lookback: began.Sub(since),
		List:     "list ShipStation orders",
		Pages: func(ctx context.Context, w *jobs.Window) iter.Seq2[*shipstation.Page[shipstation.Order], error] {
			if sweep {
				return j.sweepPages(ctx, since)
			}
			return j.changedPages(ctx, since, w)
		},
		Stamp: func(o *shipstation.Order) time.Time { return o.ModifyDate.Time },
		Page: func(ctx context.Context, page *shipstation.Page[shipstation.Order]) error {
			done, err := pipe.Process(ctx, run, page.Items, jobs.InvalidShipStation(jobs.KindShipStationOrder, page.Page, page.Invalid))
			for _, o := range done {
				if o.assign {
					toAssign = append(toAssign, o.OrderID)
				}
			}
			if err != nil || !sweep {
				return err
			}
			// A sweep assigns every full batch at once: its list (by status,
			// tag and creation, in orderId order) does not change when an
			// order is assigned, so the pages do not shift, and the ids held
			// stay bounded. A run of changed orders assigns at its end: an
			// assignment modifies the order and takes it out of the modify
			// window being read, which would shift the later pages.
			full := len(toAssign) / j.assignBatchSize() * j.assignBatchSize()
			if full == 0 {
				return nil
			}
			if err := j.assign(ctx, run, toAssign[:full]); err != nil {
				return err
			}
			toAssign = append(toAssign[:0], toAssign[full:]...)
			return nil
		},
		// Orders leave the list while it is read (shipped, modified again),
		// so on a busy account the pages shift on most runs, and a cursor
		// kept on every shift would never move and its window would grow
		// without end. The cursor moves all the same: an order a shift
		// skipped was modified before the window's end, so the next run
		// still reads it unless it was modified more than CursorOverlap
		// before the new cursor, and then the next sweep does.
		KeepOnShift: false,
	}.Run(ctx, run)
	if err != nil {
		return err
	}
	if complete && sweep {
		if err := j.recordSweep(ctx, run, began); err != nil {
			return err
		}
	}
	return j.assign(ctx, run, toAssign)
}

// windowStart is now minus Days calendar days on the Pacific clock, the zone
// every ShipStation date is in; AddDate keeps the wall-clock time across a DST
// change, as a person reading "the last 7 days" in ShipStation would.
func (j *GetOrders) windowStart() time.Time {
	return j.Env.Clock().In(shipstation.Pacific()).AddDate(0, 0, -j.Days)
}

// needsAssign reports whether o still has to be assigned to AssignUserID,
// or else why not (a summary counter, "" for nothing to count). recorded is
// its NSAssigned record, now the time. An order shipsync assigned once is
// never assigned again; neither is an order that has a user: a person's
// assignment wins, and after Redis lost the records the order's own userId
// still tells what was done. An assignment whose outcome is unknown waits
// WRITE_SETTLE from its last attempt; then the order as listed in this run
// (a fresh read) tells whether it happened.
func (j *GetOrders) needsAssign(o shipstation.Order, recorded string, now time.Time) (bool, string) {
	intent, pending := strings.CutPrefix(recorded, jobs.IntentPrefix)
	switch {
	case j.AssignUserID == "" || (recorded != "" && !pending):
		return false, ""
	case pending && jobs.ParseIntent(intent).Settling(now, j.Env.Settle()):
		return false, "skipped_settling"
	case o.UserID == nil || strings.TrimSpace(*o.UserID) == "":
		return true, ""
	case strings.EqualFold(*o.UserID, j.AssignUserID):
		return false, "already_assigned"
	default:
		return false, "skipped_has_user"
	}
}

// assignBatchSize is the most order ids of one assignuser call:
// maxAssignBatch unless a test set assignMax.
func (j *GetOrders) assignBatchSize() int {
	if j.assignMax > 0 {
		return j.assignMax
	}
	return maxAssignBatch
}

// assign sets the user on every order of ids with as few calls as possible:
// one per maxAssignBatch. ShipStation assigns nobody when one order of the call
// is unknown (deleted or merged since it was listed), so a rejected batch is
// split in halves until the unknown order is isolated and dead-lettered.
func (j *GetOrders) assign(ctx context.Context, run *jobs.Run, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if j.Env.DryRun {
		run.Log.Info().Str("event", "would_assign").Int("orders", len(ids)).Str("user_id", j.AssignUserID).Msg("dry run: would assign user")
		run.Sum.Add("assigned", len(ids))
		return nil
	}
	for len(ids) > 0 {
		n := min(len(ids), j.assignBatchSize())
		if err := j.assignBatch(ctx, run, ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func (j *GetOrders) assignBatch(ctx context.Context, run *jobs.Run, ids []int64) error {
	return j.settleAssign(ctx, run, ids, j.assignOnce(ctx, run, ids), false)
}

// settleAssign acts on the outcome err of assigning ids: it records success,
// leaves an unknown outcome to settle (the stamped intents stay; see
// needsAssign), stops the run on a failure worth another run, dead-letters a single refused
// order, and splits a refused batch to isolate the order it refused. Before
// the first split one order is tried alone: when it is refused with the same
// words, the refusal is not about an order (a user ShipStation does not
// accept, say) and the run fails instead of dead-lettering every order.
func (j *GetOrders) settleAssign(ctx context.Context, run *jobs.Run, ids []int64, err error, probed bool) error {
	switch {
	case err == nil:
		return j.recordAssigned(ctx, run, ids)
	case errors.Is(err, shipstation.ErrUncertain):
		run.Sum.Add("unsettled", len(ids))
		run.Log.Warn().Err(err).Str("event", "unsettled").Ints64("ss_order_ids", ids).Int64("write_settle_ms", j.Env.Settle().Milliseconds()).
			Msg("assignuser outcome unknown: left to settle, then checked before any resend")
		return nil
	case !shipstation.IsPermanent(err):
		return fmt.Errorf("assign user to %d orders: %w", len(ids), err)
	case len(ids) == 1:
		id := strconv.FormatInt(ids[0], 10)
		return run.DeadLetter(ctx, id, "assign user: "+err.Error(), map[string]any{"ss_order_id": ids[0]})
	}
	if !probed {
		one := j.assignOnce(ctx, run, ids[:1])
		if one != nil && shipstation.IsPermanent(one) && refusal(one) == refusal(err) {
			return fmt.Errorf("assign user to %d orders: refused for a single order as well, so not because of one order: %w", len(ids), err)
		}
		if err := j.settleAssign(ctx, run, ids[:1], one, true); err != nil {
			return err
		}
		ids = ids[1:]
	}
	half := len(ids) / 2
	for _, part := range [][]int64{ids[:half], ids[half:]} {
		if len(part) == 0 {
			continue
		}
		if err := j.settleAssign(ctx, run, part, j.assignOnce(ctx, run, part), true); err != nil {
			return err
		}
	}
	return nil
}

// recordAssigned records ids as assigned to AssignUserID (one fenced write,
// replacing their intents), counts and logs them.
func (j *GetOrders) recordAssigned(ctx context.Context, run *jobs.Run, ids []int64) error {
	kv := make(map[string]string, len(ids))
	for _, id := range ids {
		kv[strconv.FormatInt(id, 10)] = j.AssignUserID
	}
	if err := j.Env.Store.PutRecords(ctx, run.Lease, jobs.NSAssigned, kv); err != nil {
		return fmt.Errorf("record %d assignments: %w", len(ids), err)
	}
	run.Sum.Add("assigned", len(ids))
	run.Log.Info().Str("event", "assigned").Int("orders", len(ids)).Str("user_id", j.AssignUserID).Msg("assigned ShipStation user")
	return nil
}

// refusal is the server's words in a refused call, for comparing refusals.
func refusal(err error) string {
	var apiErr *shipstation.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Message
	}
	return err.Error()
}

// assignOnce sends one assignuser call for ids, once: right before each
// attempt is sent (transport.WithBeforeSend, after any retry or rate-limit
// wait) a fenced write stamps each order's intent with the attempt's time,
// so a replica that lost its lease sends nothing and the next run knows when
// it was last tried. An unknown outcome is not sent again in this run (a
// request held on the wire may still be applied); it comes back as
// shipstation.ErrUncertain.
func (j *GetOrders) assignOnce(ctx context.Context, run *jobs.Run, ids []int64) error {
	stamp := func(ctx context.Context) error {
		intent := jobs.IntentPrefix + jobs.Intent{Value: j.AssignUserID, Attempt: j.Env.Clock()}.String()
		kv := make(map[string]string, len(ids))
		for _, id := range ids {
			kv[strconv.FormatInt(id, 10)] = intent
		}
		if err := j.Env.Store.PutRecords(ctx, run.Lease, jobs.NSAssigned, kv); err != nil {
			return fmt.Errorf("stamp the assignuser attempt of %d orders: %w", len(ids), err)
		}
		return nil
	}
	return j.Env.ShipStation.Orders.AssignUser(transport.WithBeforeSend(ctx, stamp), ids, j.AssignUserID)
}

// purchaseOrder builds the Quipt purchase order for o, or returns why o cannot
// be imported.
func (j *GetOrders) purchaseOrder(o shipstation.Order) (quipt.NewPurchaseOrder, string) {
	var lines []quipt.Line
	var subtotal float64
	for _, it := range o.Items {
		subtotal += it.UnitPrice * float64(it.Quantity)
		if it.Adjustment || it.Quantity <= 0 {
			continue // discounts and the like are not goods to ship
		}
		id := it.LineItemKey
		if id == "" {
			id = strconv.FormatInt(it.OrderItemID, 10)
		}
		lines = append(lines, quipt.Line{
			ID: id, SKU: it.SKU, VendorSKU: it.FulfillmentSKU,
			Name: it.Name, Quantity: it.Quantity, UnitPrice: it.UnitPrice,
		})
	}
	switch {
	case strings.TrimSpace(o.OrderNumber) == "":
		return quipt.NewPurchaseOrder{}, "missing orderNumber"
	case len(lines) == 0:
		return quipt.NewPurchaseOrder{}, "no shippable lines"
	case o.ShipTo.Street1 == "" || o.ShipTo.Country == "":
		return quipt.NewPurchaseOrder{}, "incomplete shipTo address"
	}

	own, _ := mapping.ParseCarrier(jobs.Value(o.CarrierCode))
	sel, err := j.Selector.Select(mapping.Request{
		Method:  o.RequestedShippingService,
		Carrier: own,
		Service: jobs.Value(o.ServiceCode),
	})
	if err != nil {
		return quipt.NewPurchaseOrder{}, err.Error()
	}

	carrier, service := sel.Carrier.QuiptCode(), sel.Service
	po := quipt.NewPurchaseOrder{
		OrderNumber:      o.OrderNumber,
		PartnerReference: jobs.PartnerRefPrefix + strconv.FormatInt(o.OrderID, 10),
		Channel:          quipt.Channel{ID: storeID(o), Name: jobs.FirstNonEmpty(o.AdvancedOptions.Source, "ShipStation")},
		Customer: quipt.Customer{
			Name:  jobs.FirstNonEmpty(o.BillTo.Name, o.ShipTo.Name),
			Email: o.CustomerEmail,
			Phone: jobs.FirstNonEmpty(o.BillTo.Phone, o.ShipTo.Phone),
		},
		ShipTo: quipt.Address{
			Name:        o.ShipTo.Name,
			Company:     jobs.Optional(o.ShipTo.Company),
			Address1:    o.ShipTo.Street1,
			Address2:    joinStreets(o.ShipTo.Street2, o.ShipTo.Street3),
			City:        o.ShipTo.City,
			State:       o.ShipTo.State,
			PostalCode:  o.ShipTo.PostalCode,
			Country:     o.ShipTo.Country,
			Phone:       o.ShipTo.Phone,
			Residential: o.ShipTo.Residential,
		},
		Lines: lines,
		Shipping: quipt.Shipping{
			RequestedMethod: o.RequestedShippingService,
			CarrierCode:     &carrier,
			CarrierMethod:   &service,
		},
		WarehouseCode: j.WarehouseCodes[o.AdvancedOptions.WarehouseID],
		Totals: quipt.Totals{
			Subtotal: subtotal,
			Tax:      o.TaxAmount,
			Shipping: o.ShippingAmount,
			Total:    o.OrderTotal,
		},
	}
	return po, ""
}

func storeID(o shipstation.Order) string {
	if o.AdvancedOptions.StoreID == 0 {
		return ""
	}
	return strconv.FormatInt(o.AdvancedOptions.StoreID, 10)
}

// joinStreets folds ShipStation's street2 and street3 into Quipt's Address2.
func joinStreets(parts ...string) *string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return jobs.Optional(strings.Join(out, ", "))
}
