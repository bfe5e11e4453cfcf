package reconcile

import (
	"strconv"
	"strings"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/synccancels"
	"github.com/shipsync/shipsync/jobs/synctracking"
)

// labelDrift: live labels of pushed orders with no Quipt package
// (missing_package), and live Quipt packages whose label was voided
// (stale_package). Return labels are not packages.
func (x *index) labelDrift(records map[string]string) Items {
	var out Items
	for _, sh := range x.s.shipments {
		qid, ok := quiptID(sh.OrderKey)
		if !ok || sh.IsReturnLabel {
			continue
		}
		ext := labelExt(sh.ShipmentID)
		refs := map[string]string{"quipt_order_id": qid, "ss_shipment_id": strconv.FormatInt(sh.ShipmentID, 10), "tracking_number": sh.TrackingNumber}
		if it, ok := x.packageDrift(qid, ext, sh.Voided, records[ext], refs); ok {
			it.cursor, it.at = synctracking.CursorShipmentsCreated, sh.CreateDate.Time
			if it.Kind == KindStalePackage {
				it.cursor, it.at = synctracking.CursorShipmentsVoided, sh.VoidDate.Time
			}
			out = append(out, it)
		}
	}
	return out
}

// fulfillmentDrift is labelDrift for mark-as-shipped fulfillments of pushed
// orders (their ShipStation order from the window or push-orders' record).
func (x *index) fulfillmentDrift(records, ssOrders map[string]string) Items {
	var out Items
	for _, f := range x.s.fulfillments {
		ssID := strconv.FormatInt(f.OrderID, 10)
		qid, ok := quiptID(x.ssByID[ssID].OrderKey)
		if !ok {
			if qid, ok = ssOrders[ssID], ssOrders[ssID] != ""; !ok {
				continue
			}
		}
		ext := fulfillmentExt(f.FulfillmentID)
		refs := map[string]string{"quipt_order_id": qid, "ss_fulfillment_id": strconv.FormatInt(f.FulfillmentID, 10), "tracking_number": f.TrackingNumber}
		if it, ok := x.packageDrift(qid, ext, f.Voided, records[ext], refs); ok {
			it.cursor, it.at = synctracking.CursorFulfillmentsCreate, f.CreateDate.Time
			out = append(out, it)
		}
	}
	return out
}

// packageDrift compares one ShipStation package with Quipt's package of the
// same ExternalShipmentId.
func (x *index) packageDrift(qid, ext string, voided bool, record string, refs map[string]string) (Item, bool) {
	if _, ok := x.qByID[qid]; !ok {
		return Item{}, false
	}
	pkg, inQuipt := x.packages[ext]
	it := Item{Job: jobs.NameSyncTracking, ID: ext, Refs: refs, record: [2]string{jobs.NSPackages, ext}}
	switch {
	case !voided && !inQuipt && record != synctracking.PackageNothingToShip:
		it.Kind = KindMissingPackage
	case voided && inQuipt && !pkg.Voided:
		it.Kind = KindStalePackage
	default:
		return Item{}, false
	}
	return it, true
}

// missingCancels: orders push-orders sent that are cancelled in ShipStation
// and neither cancelled in Quipt nor cancelled by the warehouse there.
func (x *index) missingCancels() Items {
	var out Items
	for key, ss := range x.ssByKey {
		qid, _ := quiptID(key)
		o, ok := x.qByID[qid]
		if !ok || ss.OrderStatus != shipstation.StatusCancelled || cancelledInQuipt(o) {
			continue
		}
		out = append(out, Item{Kind: KindMissingCancel, Job: jobs.NameSyncCancels, ID: qid,
			Refs:   map[string]string{"quipt_order_id": qid, "ss_order_id": strconv.FormatInt(ss.OrderID, 10)},
			record: [2]string{jobs.NSCancelled, qid}, cursor: synccancels.CursorName, at: ss.ModifyDate.Time})
	}
	return out
}

// cancelledInQuipt reports whether o is cancelled, or being cancelled, in
// Quipt (either cancel mode), or shipped (nothing left to cancel).
func cancelledInQuipt(o quipt.Order) bool {
	return o.Status == quipt.StatusCanceled || o.Status == quipt.StatusShipped ||
		o.SubStatus == quipt.SubStatusSoftCancel || o.SubStatus == quipt.SubStatusCancelationRequested
}

// missingShipped: purchase orders get-orders imported that Quipt shipped
// and whose ShipStation order (in the window) is neither shipped nor
// cancelled. A pending mark-as-shipped intent is left to sync-tracking,
// which reads the order before it sends again.
func (x *index) missingShipped(records map[string]string) Items {
	var out Items
	for ref, po := range x.poByRef {
		ss, ok := x.ssByID[ref]
		if !ok || po.Status != quipt.StatusShipped || ss.OrderStatus == shipstation.StatusShipped || ss.OrderStatus == shipstation.StatusCancelled {
			continue
		}
		it := Item{Kind: KindMissingShipped, Job: jobs.NameSyncTracking, ID: ref,
			Refs: map[string]string{"ss_order_id": ref, "quipt_purchase_order_id": po.ID}}
		if rec := records[ref]; rec != "" && !strings.HasPrefix(rec, jobs.IntentPrefix) {
			it.record = [2]string{jobs.NSMarkedShipped, ref}
		}
		out = append(out, it)
	}
	return out
}
