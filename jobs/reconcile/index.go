package reconcile

import (
	"strconv"
	"strings"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// index is a snapshot looked up by the ids that link the two systems.
type index struct {
	s *snapshot
	// ssByKey holds the ShipStation orders push-orders sent, by orderKey;
	// ssByID every ShipStation order of the window.
	ssByKey map[string]shipstation.Order
	ssByID  map[string]shipstation.Order
	// qByID holds the Quipt fulfillment orders; poByRef the purchase orders
	// get-orders created, by the ShipStation orderId of their
	// PartnerReference.
	qByID   map[string]quipt.Order
	poByRef map[string]quipt.Order
	// packages maps a Quipt ExternalShipmentId to its shipment.
	packages map[string]quipt.Shipment
}

// newIndex indexes s.
func newIndex(s *snapshot) *index {
	x := &index{
		s: s, ssByKey: map[string]shipstation.Order{}, ssByID: map[string]shipstation.Order{},
		qByID: map[string]quipt.Order{}, poByRef: map[string]quipt.Order{},
		packages: map[string]quipt.Shipment{},
	}
	for _, o := range s.orders {
		x.ssByID[strconv.FormatInt(o.OrderID, 10)] = o
		if strings.HasPrefix(o.OrderKey, jobs.PushedKeyPrefix) {
			x.ssByKey[o.OrderKey] = o
		}
	}
	for _, o := range s.fulfillmentOrders {
		x.qByID[o.ID] = o
		for _, sh := range o.Shipments {
			x.packages[sh.ExternalShipmentID] = sh
		}
	}
	for _, o := range s.purchaseOrders {
		if ref, ok := strings.CutPrefix(jobs.Value(o.PartnerReference), jobs.PartnerRefPrefix); ok {
			x.poByRef[ref] = o
		}
	}
	return x
}
