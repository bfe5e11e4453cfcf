package pushorders

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// recoveredHash is the Hash of a recovered record (recoverRecords): no
// content hash (64 hex digits) equals it, so the order is never taken as
// unchanged and is merged as an update.
const recoveredHash = "recovered"

// openStatuses are the ShipStation statuses of an order createorders still
// updates (updatable), each listed on its own by recoverRecords.
var openStatuses = []string{shipstation.StatusAwaitingPayment, shipstation.StatusAwaitingShipment,
	shipstation.StatusPendingFulfillment, shipstation.StatusOnHold}

// recoverRecords gives a push record to every open order ShipStation holds
// under a quipt: orderKey without one, before the pass, unless the job's
// jobs.NSRecovered mark says it did since Redis last lost its data.
//
// An order without a record is sent as new, and createorders replaces the
// whole order: after Redis lost push-orders' records (a restart without
// persistence, a flush), every open order would have been sent blind,
// wiping what people set in ShipStation (a hold, a weight, notes: DESIGN.md
// §2.1). The listing (500 orders a call, status by status, in the store of
// SINGLE_STORE_ID when set) is what Redis lost: each such order gets a
// recovered record with its ShipStation orderId and modify date and no merge
// base, so the pass reads it back and merges it as an update, each field
// group taking its owner's value. The mark is written once the listing is
// complete; a first run on an empty Redis pays the listing once too. A
// shutdown requested during the listing ends it after the page in hand:
// complete is false, and the run must not go on to its pass (the orders not
// yet recorded would be sent blind); the next run lists again.
func (p *pass) recoverRecords(ctx context.Context) (complete bool, _ error) {
	mark, err := p.job.Env.Store.Records(ctx, jobs.NSRecovered, []string{jobs.NamePushOrders})
	if err != nil {
		return false, fmt.Errorf("read the mark of recovered push records: %w", err)
	}
	if mark[jobs.NamePushOrders] != "" {
		return true, nil
	}
	listed, recovered := 0, 0
	defer func() { p.run.Sum.Add("records_recovered", recovered) }()
	for _, status := range openStatuses {
		opts := shipstation.OrderListOptions{OrderStatus: status, StoreID: p.job.SingleStoreID, PageSize: shipstation.MaxPageSize}
		pages := p.job.Env.ShipStation.Orders.Pages(ctx, opts)
		complete, err := jobs.EachPage(ctx, p.run, pages, "list "+status+" ShipStation orders to recover push records",
			func(ctx context.Context, page *shipstation.Page[shipstation.Order]) error {
				bad := keysOf(page.Invalid)
				n, err := p.recoverPage(ctx, append(page.Items, bad...))
				listed, recovered = listed+len(page.Items)+len(bad), recovered+n
				return err
			})
		if err != nil || !complete {
			return false, err
		}
	}
	done := jobs.Records{}
	done.Set(jobs.NSRecovered, jobs.NamePushOrders, strconv.FormatInt(p.job.Env.Clock().UnixMilli(), 10))
	if err := p.run.Record(ctx, done, nil); err != nil {
		return false, err
	}
	p.run.Log.Warn().Str("event", "records_recovered").Int("open_orders_listed", listed).Int("recovered", recovered).
		Msg("no mark of push records in Redis (first run, or Redis lost its data): recorded the open ShipStation orders pushed before, to be merged, not sent blind")
	return true, nil
}

// recoverPage writes a recovered record for each order of items under a
// quipt: orderKey that has no push record, with one look-up and one write,
// and returns how many it wrote.
func (p *pass) recoverPage(ctx context.Context, items []shipstation.Order) (int, error) {
	var ids []string
	held := map[string]shipstation.Order{}
	for _, o := range items {
		if id, ok := strings.CutPrefix(o.OrderKey, jobs.PushedKeyPrefix); ok && id != "" {
			ids = append(ids, id)
			held[id] = o
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	known, err := p.job.Env.Store.Records(ctx, jobs.NSPushed, ids)
	if err != nil {
		return 0, fmt.Errorf("read push records to recover: %w", err)
	}
	recs := jobs.Records{}
	for _, id := range ids {
		if known[id] != "" {
			continue
		}
		o := held[id]
		rec := pushRecord{Hash: recoveredHash, SSOrderID: o.OrderID, PushedAt: o.ModifyDate.Time}
		v, err := rec.encode()
		if err != nil {
			return 0, err
		}
		recs.Set(jobs.NSPushed, id, v)
		recs.Set(jobs.NSShipStationOrder, strconv.FormatInt(o.OrderID, 10), id)
	}
	return recs.Len() / 2, p.run.Record(ctx, recs, nil)
}

// keysOf returns, for the listed orders that did not decode, what the
// recovery needs of them: their orderId and orderKey, when those still read.
// Such an order is ShipStation's all the same; recovered, it is merged (and
// left while it cannot be read back) instead of sent blind.
func keysOf(invalid []shipstation.InvalidItem) []shipstation.Order {
	var out []shipstation.Order
	for _, bad := range invalid {
		var keyed struct {
			OrderID  int64  `json:"orderId"`
			OrderKey string `json:"orderKey"`
		}
		if json.Unmarshal(bad.Raw, &keyed) == nil && keyed.OrderID != 0 {
			out = append(out, shipstation.Order{OrderID: keyed.OrderID, OrderKey: keyed.OrderKey})
		}
	}
	return out
}
