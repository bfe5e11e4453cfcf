// Package getorders is the get-orders job (DESIGN.md §2): ShipStation orders
// by status, tag and a created-within-N-days window become Quipt purchase
// orders, and are then assigned to a ShipStation user in bulk.
package getorders

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/mapping"
	"github.com/shipsync/shipsync/scheduler"
)

// maxAssignBatch bounds one /orders/assignuser call. ShipStation documents no
// maximum; a run normally assigns everything it imported in a single call.
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
	// AssignUserID is the ShipStation user GUID to assign imported orders to; "" skips assignment.
	AssignUserID string
	// Selector picks carrier and service (DESIGN.md §3).
	Selector mapping.Selector
	// WarehouseCodes maps a ShipStation warehouseId to the Quipt warehouse code
	// (the inverse of WAREHOUSES); orders from other warehouses carry no code.
	WarehouseCodes map[int64]string
}

// Run imports one window of orders. It is safe to repeat: an order already
// imported is skipped, and Quipt's create call is idempotent on the
// PartnerReference, so a crash between the create and its record is harmless.
func (j *GetOrders) Run(ctx context.Context, run *scheduler.Run) error {
	return j.Env.Execute(ctx, run, func(ctx context.Context, sum *jobs.Summary) error {
		return j.run(ctx, run, sum)
	})
}

func (j *GetOrders) run(ctx context.Context, run *scheduler.Run, sum *jobs.Summary) error {
	since := j.windowStart()
	run.Log.Debug().Time("created_since", since).Str("status", j.Status).Int64("tag_id", j.TagID).Msg("listing ShipStation orders")

	var toAssign []int64
	for page, err := range j.pages(ctx, since) {
		if err != nil {
			return fmt.Errorf("list ShipStation orders: %w", err)
		}
		assign, err := j.importPage(ctx, run, sum, page, since)
		if err != nil {
			return err
		}
		toAssign = append(toAssign, assign...)
		if run.Stopping() {
			run.Log.Info().Str("event", "checkpoint").Msg("shutdown requested: stopping after this page")
			break
		}
	}
	return j.assign(ctx, run, sum, toAssign)
}

// windowStart is now minus Days calendar days on the Pacific clock, the zone
// every ShipStation date is in; AddDate keeps the wall-clock time across a DST
// change, as a person reading "the last 7 days" in ShipStation would.
func (j *GetOrders) windowStart() time.Time {
	return j.Env.Clock().In(shipstation.Pacific()).AddDate(0, 0, -j.Days)
}

// pages lists the candidate orders: with a tag through /orders/listbytag, which
// has no date filter (the window is applied per order), else /orders with
// createDateStart.
func (j *GetOrders) pages(ctx context.Context, since time.Time) func(func(*shipstation.Page[shipstation.Order], error) bool) {
	if j.TagID != 0 {
		return j.Env.ShipStation.Orders.PagesByTag(ctx, shipstation.ListByTagOptions{OrderStatus: j.Status, TagID: j.TagID})
	}
	return j.Env.ShipStation.Orders.Pages(ctx, shipstation.OrderListOptions{OrderStatus: j.Status, CreateDateStart: since})
}

// importPage handles one page: one Redis round trip to learn which orders are
// imported, assigned or parked, then one Quipt create per new order and one
// fenced write recording the page's imports. It returns the orders that still
// need the user assigned.
func (j *GetOrders) importPage(ctx context.Context, run *scheduler.Run, sum *jobs.Summary, page *shipstation.Page[shipstation.Order], since time.Time) ([]int64, error) {
	if err := j.Env.DeadLetterInvalid(ctx, run, sum, jobs.InvalidShipStation(jobs.KindShipStationOrder, page.Page, page.Invalid)); err != nil {
		return nil, err
	}

	var candidates []shipstation.Order
	for _, o := range page.Items {
		sum.Seen++
		switch {
		case strings.HasPrefix(o.OrderKey, jobs.PushedKeyPrefix):
			sum.Skipped++
			sum.Add("skipped_own", 1)
		// The server filters too (status, tag, and createDateStart without a
		// tag), but the filters are the contract: each order is checked here
		// as well, so a server that ignores one cannot widen the import.
		case o.CreateDate.Before(since):
			sum.Skipped++
			sum.Add("skipped_outside_window", 1)
		case !strings.EqualFold(o.OrderStatus, j.Status):
			sum.Skipped++
			sum.Add("skipped_other_status", 1)
		case j.TagID != 0 && !slices.Contains(o.TagIDs, j.TagID):
			sum.Skipped++
			sum.Add("skipped_untagged", 1)
		default:
			candidates = append(candidates, o)
		}
	}
	if len(candidates) == 0 {
		return nil, nil
	}

	ids := make([]string, len(candidates))
	for i, o := range candidates {
		ids[i] = strconv.FormatInt(o.OrderID, 10)
	}
	known, err := j.Env.Store.Lookup(ctx, run.Job, ids, jobs.NSImported, jobs.NSAssigned)
	if err != nil {
		return nil, fmt.Errorf("read import records: %w", err)
	}
	imported, assigned, parked := known.Records[jobs.NSImported], known.Records[jobs.NSAssigned], known.Parked

	newImports := map[string]string{}
	var toAssign []int64
	for i, o := range candidates {
		id := ids[i]
		log := run.Log.With().Int64("ss_order_id", o.OrderID).Str("order_number", o.OrderNumber).Logger()
		if parked[id] {
			sum.Skipped++
			sum.Add("skipped_parked", 1)
			continue
		}
		if qid, ok := imported[id]; ok {
			sum.Skipped++
			if j.needsAssign(o, assigned[id]) {
				log.Info().Str("event", "assign_pending").Str("quipt_order_id", qid).Msg("imported earlier, user not yet assigned")
				toAssign = append(toAssign, o.OrderID)
			}
			continue
		}

		po, reason := j.purchaseOrder(o)
		if reason != "" {
			if err := j.Env.DeadLetter(ctx, run, sum, id, reason, map[string]any{"ss_order_id": o.OrderID, "order_number": o.OrderNumber}); err != nil {
				return nil, err
			}
			continue
		}
		if j.Env.DryRun {
			log.Info().Str("event", "would_create").Str("partner_reference", po.PartnerReference).
				Str("carrier", jobs.Value(po.Shipping.CarrierCode)).Str("service", jobs.Value(po.Shipping.CarrierMethod)).
				Msg("dry run: would create Quipt purchase order")
			sum.Created++
			if j.needsAssign(o, "") {
				toAssign = append(toAssign, o.OrderID)
			}
			continue
		}
		created, dup, err := j.Env.Quipt.PurchaseOrders.Create(ctx, po)
		if errors.Is(err, quipt.ErrAppliedUnreadable) {
			// Quipt holds the order; only its Id is unknown. The import is
			// recorded under its PartnerReference.
			log.Warn().Err(err).Msg("Quipt created the purchase order but its answer could not be read")
			created, err = &quipt.Order{ID: po.PartnerReference}, nil
		}
		if err != nil {
			if quipt.IsPermanent(err) {
				if err := j.Env.DeadLetter(ctx, run, sum, id, "quipt rejected the order: "+err.Error(), map[string]any{"ss_order_id": o.OrderID}); err != nil {
					return nil, err
				}
				continue
			}
			// Transient or upstream down: stop here. What this page created so
			// far is recorded first; the rest is picked up by the next run.
			if rerr := j.recordImports(ctx, run, newImports); rerr != nil {
				return nil, errors.Join(err, rerr)
			}
			return nil, fmt.Errorf("create Quipt purchase order for ShipStation order %d: %w", o.OrderID, err)
		}
		newImports[id] = created.ID
		sum.Created++
		if dup {
			sum.Add("already_in_quipt", 1)
		}
		log.Info().Str("event", "imported").Str("quipt_order_id", created.ID).Bool("duplicate", dup).
			Str("carrier", jobs.Value(po.Shipping.CarrierCode)).Str("service", jobs.Value(po.Shipping.CarrierMethod)).
			Msg("created Quipt purchase order")
		if j.needsAssign(o, "") {
			toAssign = append(toAssign, o.OrderID)
		}
	}
	if err := j.recordImports(ctx, run, newImports); err != nil {
		return nil, err
	}
	return toAssign, nil
}

func (j *GetOrders) recordImports(ctx context.Context, run *scheduler.Run, kv map[string]string) error {
	if len(kv) == 0 || j.Env.DryRun {
		return nil
	}
	if err := j.Env.Store.PutRecords(ctx, run.Lease, jobs.NSImported, kv); err != nil {
		return fmt.Errorf("record %d imports: %w", len(kv), err)
	}
	return nil
}

// needsAssign reports whether o still has to be assigned to AssignUserID. An
// order shipsync already assigned once is never assigned again, even if a
// person has since reassigned it in ShipStation.
func (j *GetOrders) needsAssign(o shipstation.Order, recorded string) bool {
	if j.AssignUserID == "" || recorded != "" {
		return false
	}
	return o.UserID == nil || !strings.EqualFold(*o.UserID, j.AssignUserID)
}

// assign sets the user on every order of ids with as few calls as possible:
// one per maxAssignBatch. ShipStation assigns nobody when one order of the call
// is unknown (deleted or merged since it was listed), so a rejected batch is
// split in halves until the unknown order is isolated and dead-lettered.
func (j *GetOrders) assign(ctx context.Context, run *scheduler.Run, sum *jobs.Summary, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if j.Env.DryRun {
		run.Log.Info().Str("event", "would_assign").Int("orders", len(ids)).Str("user_id", j.AssignUserID).Msg("dry run: would assign user")
		sum.Add("assigned", len(ids))
		return nil
	}
	for len(ids) > 0 {
		n := min(len(ids), maxAssignBatch)
		if err := j.assignBatch(ctx, run, sum, ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func (j *GetOrders) assignBatch(ctx context.Context, run *scheduler.Run, sum *jobs.Summary, ids []int64) error {
	return j.settleAssign(ctx, run, sum, ids, j.assignOnce(ctx, ids), false)
}

// settleAssign acts on the outcome err of assigning ids: it records success,
// stops the run on a failure worth another run, dead-letters a single refused
// order, and splits a refused batch to isolate the order it refused. Before
// the first split one order is tried alone: when it is refused with the same
// words, the refusal is not about an order (a user ShipStation does not
// accept, say) and the run fails instead of dead-lettering every order.
func (j *GetOrders) settleAssign(ctx context.Context, run *scheduler.Run, sum *jobs.Summary, ids []int64, err error, probed bool) error {
	switch {
	case err == nil:
		kv := make(map[string]string, len(ids))
		for _, id := range ids {
			kv[strconv.FormatInt(id, 10)] = j.AssignUserID
		}
		if err := j.Env.Store.PutRecords(ctx, run.Lease, jobs.NSAssigned, kv); err != nil {
			return fmt.Errorf("record %d assignments: %w", len(ids), err)
		}
		sum.Add("assigned", len(ids))
		run.Log.Info().Str("event", "assigned").Int("orders", len(ids)).Str("user_id", j.AssignUserID).Msg("assigned ShipStation user")
		return nil
	case !shipstation.IsPermanent(err):
		return fmt.Errorf("assign user to %d orders: %w", len(ids), err)
	case len(ids) == 1:
		id := strconv.FormatInt(ids[0], 10)
		return j.Env.DeadLetter(ctx, run, sum, id, "assign user: "+err.Error(), map[string]any{"ss_order_id": ids[0]})
	}
	if !probed {
		one := j.assignOnce(ctx, ids[:1])
		if one != nil && shipstation.IsPermanent(one) && refusal(one) == refusal(err) {
			return fmt.Errorf("assign user to %d orders: refused for a single order as well, so not because of one order: %w", len(ids), err)
		}
		if err := j.settleAssign(ctx, run, sum, ids[:1], one, true); err != nil {
			return err
		}
		ids = ids[1:]
	}
	half := len(ids) / 2
	for _, part := range [][]int64{ids[:half], ids[half:]} {
		if len(part) == 0 {
			continue
		}
		if err := j.settleAssign(ctx, run, sum, part, j.assignOnce(ctx, part), true); err != nil {
			return err
		}
	}
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

// maxUncertainAssigns bounds how often one batch is sent after attempts whose
// outcome was unknown and that turned out not to be applied.
const maxUncertainAssigns = 3

// assignOnce sends one assignuser call so that it takes effect exactly once.
// ShipStation applies a call to all of its orders or to none, so when an
// answer is lost, reading the first order tells whether the call was applied;
// only if it was not is the call sent again.
func (j *GetOrders) assignOnce(ctx context.Context, ids []int64) error {
	for try := 1; ; try++ {
		err := j.Env.ShipStation.Orders.AssignUser(ctx, ids, j.AssignUserID)
		if !errors.Is(err, shipstation.ErrUncertain) || try == maxUncertainAssigns {
			return err
		}
		o, gerr := j.Env.ShipStation.Orders.Get(ctx, ids[0])
		if gerr != nil {
			return errors.Join(err, fmt.Errorf("read order %d to learn whether it was assigned: %w", ids[0], gerr))
		}
		if o.UserID != nil && strings.EqualFold(*o.UserID, j.AssignUserID) {
			return nil
		}
	}
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
