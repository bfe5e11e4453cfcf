package demo

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
)

// staff plays the people at work while the demo runs: the warehouse labels,
// re-labels and cancels the orders shipsync pushed to ShipStation, and the
// Quipt retailer ships two of the orders shipsync imported. The daemon's next
// runs must carry each of those changes to the other side.
type staff struct {
	mu        sync.Mutex
	handled   map[int64]string  // ShipStation orderId → what was done to it
	shippedPO map[string]string // Quipt purchase order Id → ShipStation orderId
}

// Simulate reacts to what the daemon moved until ctx ends.
func (w *World) Simulate(ctx context.Context) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		w.staff.work(w.ShipStation, w.Quipt)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// work does one round of the staff's work: the warehouse's in ShipStation,
// then the retailer's in Quipt.
func (s *staff) work(ss *sst.Server, q *quipttest.Server) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warehouse(ss, q)
	s.retailer(q)
}

// warehouse handles each order shipsync pushed that waits for shipment:
// the first two are labelled, the third labelled, voided and labelled
// again, the fourth cancelled.
func (s *staff) warehouse(ss *sst.Server, q *quipttest.Server) {
	for _, o := range ss.Orders() {
		if !strings.HasPrefix(o.OrderKey, "quipt:") || o.OrderStatus != sst.StatusAwaitingShipment || s.handled[o.OrderID] != "" {
			continue
		}
		if _, pushed := q.FulfillmentOrder(strings.TrimPrefix(o.OrderKey, "quipt:")); !pushed {
			continue // an order key that merely looks like shipsync's
		}
		carrier, service := "fedex", "fedex_ground"
		if o.CarrierCode != nil && o.ServiceCode != nil {
			carrier, service = *o.CarrierCode, *o.ServiceCode
		}
		switch len(s.handled) {
		case 0, 1:
			ss.CreateLabel(o.OrderID, nil, carrier, service)
			s.handled[o.OrderID] = "labelled"
		case 2:
			first := ss.CreateLabel(o.OrderID, nil, carrier, service)
			ss.VoidLabel(first.ShipmentID)
			ss.CreateLabel(o.OrderID, nil, carrier, service)
			s.handled[o.OrderID] = "re-labelled"
		case 3:
			ss.CancelOrder(o.OrderID)
			s.handled[o.OrderID] = "cancelled"
		}
	}
}

// retailer ships, whole, the first two purchase orders shipsync imported.
func (s *staff) retailer(q *quipttest.Server) {
	for _, po := range q.PurchaseOrders() {
		if len(s.shippedPO) >= 2 || s.shippedPO[po.ID] != "" || po.PartnerReference == nil {
			continue
		}
		ssID := strings.TrimPrefix(*po.PartnerReference, "shipstation:")
		lines := make([]quipttest.LineQuantity, len(po.Lines))
		for i, l := range po.Lines {
			lines[i] = quipttest.LineQuantity{LineID: l.ID, Quantity: l.Quantity}
		}
		err := q.ShipPurchaseOrder(po.ID, quipttest.Shipment{
			TrackingNumber: fmt.Sprintf("1Z999AA1%08d", len(s.shippedPO)+1), CarrierCode: "UPS", CarrierMethod: "ups_ground",
			ShipDate: time.Now().Format("2006-01-02"), Lines: lines,
		})
		if err == nil {
			s.shippedPO[po.ID] = ssID
		}
	}
}

// Settled reports whether every change the staff made has reached the other
// side: labelled orders shipped in Quipt, the cancel applied there, and the
// retailer's shipments marked shipped in ShipStation.
func (w *World) Settled() bool {
	s := &w.staff
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.handled) < 4 || len(s.shippedPO) < 2 {
		return false
	}
	for ssID, what := range s.handled {
		o, ok := w.ShipStation.Order(ssID)
		if !ok {
			return false
		}
		qo, ok := w.Quipt.FulfillmentOrder(strings.TrimPrefix(o.OrderKey, "quipt:"))
		if !ok {
			return false
		}
		switch what {
		case "cancelled":
			if len(qo.Cancellations) == 0 {
				return false
			}
		default:
			if qo.Status != 8 {
				return false
			}
		}
	}
	for _, ssID := range s.shippedPO {
		var id int64
		if _, err := fmt.Sscan(ssID, &id); err != nil || w.ShipStation.MarkAsShippedCount(id) != 1 {
			return false
		}
	}
	return true
}
