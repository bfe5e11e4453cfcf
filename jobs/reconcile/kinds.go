package reconcile

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/getorders"
	"github.com/shipsync/shipsync/jobs/pushorders"
)

// missingImports: ShipStation orders get-orders' filters select (status,
// tag, its own window within reconcile's) with no Quipt purchase order.
// get-orders reads, between its sweeps, only what was modified since its
// cursor, so the repair rewinds that cursor to the order's modifyDate.
func (j *Reconcile) missingImports(x *index) Items {
	since := x.s.since
	if days := j.GetOrdersDays; days > 0 && days < j.Days {
		since = j.Env.Clock().In(shipstation.Pacific()).AddDate(0, 0, -days)
	}
	var out Items
	for _, o := range x.s.orders {
		id := strconv.FormatInt(o.OrderID, 10)
		switch {
		case strings.HasPrefix(o.OrderKey, jobs.PushedKeyPrefix), o.CreateDate.Before(since),
			!strings.EqualFold(o.OrderStatus, j.GetOrdersStatus),
			j.GetOrdersTagID != 0 && !slices.Contains(o.TagIDs, j.GetOrdersTagID):
			continue
		}
		if _, ok := x.poByRef[id]; ok {
			continue
		}
		out = append(out, Item{Kind: KindMissingImport, Job: jobs.NameGetOrders, ID: id,
			Refs:   map[string]string{"ss_order_id": id, "order_number": o.OrderNumber},
			record: [2]string{jobs.NSImported, id}, cursor: getorders.ModifiedCursor, at: o.ModifyDate.Time})
	}
	return out
}

// pushable reports whether push-orders should hold o in ShipStation: Open
// (Pending when enabled), not one get-orders made, not being cancelled.
func (j *Reconcile) pushable(o quipt.Order) bool {
	switch {
	case o.Status != quipt.StatusOpen && (o.Status != quipt.StatusPending || !j.IncludePending),
		strings.HasPrefix(jobs.Value(o.PartnerReference), jobs.PartnerRefPrefix),
		o.SubStatus == quipt.SubStatusSoftCancel || o.SubStatus == quipt.SubStatusCancelationRequested:
		return false
	}
	return true
}

// missingPushes: Quipt orders of the window push-orders should have sent
// with no ShipStation order for their key.
func (j *Reconcile) missingPushes(x *index) Items {
	var out Items
	for _, o := range x.s.fulfillmentOrders {
		if !j.pushable(o) || o.CreatedAt.Before(x.s.since) {
			continue
		}
		if _, ok := x.ssByKey[jobs.PushedKeyPrefix+o.ID]; ok {
			continue
		}
		out = append(out, Item{Kind: KindMissingPush, Job: jobs.NamePushOrders, ID: o.ID,
			Refs: map[string]string{"quipt_order_id": o.ID, "order_number": o.OrderNumber}, record: [2]string{jobs.NSPushed, o.ID}})
	}
	return out
}

// pushRecord is what reconcile reads of push-orders' jobs.NSPushed record.
type pushRecord struct {
	SSOrderID int64 `json:"ss_order_id"`
	Acked     bool  `json:"acked"`
}

// pushedDrift: open ShipStation orders push-orders sent that hold other
// Quipt-owned content than Quipt's current order (stale_push), and pushed
// orders whose push record says they were never acknowledged (missing_ack;
// Quipt's lists do not show acknowledgements, so the record is the only
// witness).
func (x *index) pushedDrift(records map[string]string) Items {
	var out Items
	for key, ss := range x.ssByKey {
		qid, _ := quiptID(key)
		o, ok := x.qByID[qid]
		if !ok || (o.Status != quipt.StatusOpen && o.Status != quipt.StatusPending) {
			continue
		}
		refs := map[string]string{"quipt_order_id": qid, "ss_order_id": strconv.FormatInt(ss.OrderID, 10)}
		if it, stale := stalePush(o, ss, records[qid], refs); stale {
			out = append(out, it)
		}
		var rec pushRecord
		if raw, ok := records[qid]; ok && json.Unmarshal([]byte(raw), &rec) == nil && !rec.Acked {
			out = append(out, Item{Kind: KindMissingAck, Job: jobs.NamePushOrders, ID: qid, Refs: refs})
		}
	}
	return out
}

// stalePush reports whether the open ShipStation order ss carries another
// version than push-orders last sent for the Quipt order o, compared on the
// field groups Quipt owns (pushorders.HoldsLatest), and the item. The repair
// keeps the push record, the merge base of what people set in ShipStation,
// and hands the order to push-orders' version guard (jobs.NSPushUncertain),
// which reads it back and sends the latest version again. A record without
// field groups cannot tell: then the ship-to street, city and postal code and
// the line quantities are compared with Quipt's order, and the repair clears
// the record so that push-orders sends the order again.
func stalePush(o quipt.Order, ss shipstation.Order, record string, refs map[string]string) (Item, bool) {
	it := Item{Kind: KindStalePush, Job: jobs.NamePushOrders, ID: o.ID, Refs: refs}
	if !updatable(ss) {
		return it, false
	}
	if holds, known := pushorders.HoldsLatest(record, ss); known {
		it.mark = [2]string{jobs.NSPushUncertain, o.ID}
		return it, !holds
	}
	it.record = [2]string{jobs.NSPushed, o.ID}
	return it, !sameContent(o, ss)
}

// updatable reports whether ShipStation still lets createorders change o.
func updatable(o shipstation.Order) bool {
	switch o.OrderStatus {
	case shipstation.StatusAwaitingPayment, shipstation.StatusAwaitingShipment, shipstation.StatusOnHold:
		return true
	}
	return false
}

// sameContent compares the Quipt-owned fields the data allows to compare
// without push-orders' routing: the ship-to street, city and postal code, and
// the quantity of each line.
func sameContent(o quipt.Order, ss shipstation.Order) bool {
	if ss.ShipTo.Street1 != o.ShipTo.Address1 || ss.ShipTo.City != o.ShipTo.City || ss.ShipTo.PostalCode != o.ShipTo.PostalCode {
		return false
	}
	want := map[string]int{}
	for _, l := range o.Lines {
		if l.Quantity > 0 {
			want[l.ID] += l.Quantity
		}
	}
	got := map[string]int{}
	for _, it := range ss.Items {
		got[it.LineItemKey] += it.Quantity
	}
	return maps.Equal(want, got)
}
