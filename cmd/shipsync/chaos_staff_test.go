package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// chaosStaff plays the people at work on both sides while the replicas run,
// and remembers what each change must become on the other side:
//   - the Quipt retailer creates fulfillment orders and edits those the
//     warehouse has not handled yet, and ships the purchase orders shipsync
//     imported;
//   - ShipStation staff create orders (one in four assigned by a person
//     already), label, void and re-label, and cancel the orders shipsync
//     pushed, preferring those whose push Quipt has not seen acknowledged:
//     when that push's answer was lost, its resend is refused.
type chaosStaff struct {
	w   *jobstest.World
	rng *rand.Rand

	mu        sync.Mutex
	quiptIDs  []string
	latest    map[string]string // Quipt order Id → ship-to name of its latest version
	handled   map[string]string // Quipt order Id → "labelled" or "cancelled"
	shipped   map[string]string // Quipt order Id → the ship-to name ShipStation held when it was handled
	live      map[string]string // ExternalShipmentId of a live label → Quipt order Id
	voided    map[string]bool   // ExternalShipmentId of a voided label
	ssIDs     []int64           // orders created in ShipStation
	personal  map[int64]bool    // assigned by a person before shipsync saw them
	relabeled map[string]bool   // Quipt order Id → its label was voided and replaced
	shippedPO map[string]int64  // Quipt purchase order Id → ShipStation orderId
	acts      map[string]int    // action → how many times done
	unacked   int               // pushed orders handled before their acknowledgement
}

func newChaosStaff(w *jobstest.World, rng *rand.Rand) *chaosStaff {
	return &chaosStaff{
		w: w, rng: rng, latest: map[string]string{}, handled: map[string]string{}, shipped: map[string]string{},
		live: map[string]string{}, voided: map[string]bool{}, personal: map[int64]bool{}, relabeled: map[string]bool{},
		shippedPO: map[string]int64{}, acts: map[string]int{},
	}
}

// act does one random piece of work.
func (s *chaosStaff) act() {
	s.mu.Lock()
	defer s.mu.Unlock()
	actions := []func() string{s.newQuiptOrder, s.editQuiptOrder, s.newShipStationOrder, s.label, s.relabel, s.cancel, s.shipPurchaseOrder}
	if what := actions[s.rng.IntN(len(actions))](); what != "" {
		s.acts[what]++
	}
}

func (s *chaosStaff) newQuiptOrder() string {
	o := addQuiptOrder(s.w, fmt.Sprintf("CQ-%05d", len(s.quiptIDs)))
	s.quiptIDs = append(s.quiptIDs, o.ID)
	s.latest[o.ID] = o.ShipTo.Name
	return "quipt_create"
}

func (s *chaosStaff) editQuiptOrder() string {
	if len(s.quiptIDs) == 0 {
		return ""
	}
	id := s.quiptIDs[s.rng.IntN(len(s.quiptIDs))]
	if s.handled[id] != "" {
		return ""
	}
	name := fmt.Sprintf("Renamed %d", s.rng.Uint32())
	if err := s.w.Q.UpdateFulfillmentOrder(id, func(o *quipttest.Order) { o.ShipTo.Name = name }); err != nil {
		panic(err) // the order was created above: a sandbox bug
	}
	s.latest[id] = name
	return "quipt_edit"
}

func (s *chaosStaff) newShipStationOrder() string {
	now := time.Now()
	o := sst.Order{
		OrderNumber: fmt.Sprintf("CS-%05d", len(s.ssIDs)), OrderDate: now, CreateDate: now,
		BillTo:                   &sst.Address{Name: "Dana"},
		ShipTo:                   &sst.Address{Name: "Dana", Street1: new("1 Main St"), City: new("Austin"), State: new("TX"), PostalCode: new("78701"), Country: new("US")},
		Items:                    []sst.OrderItem{{SKU: "SKU-1", Name: "Thing", Quantity: 1, UnitPrice: 10}},
		RequestedShippingService: new("Ground"),
	}
	what := "shipstation_create"
	if s.rng.IntN(4) == 0 {
		o.UserID = new(sst.SecondUserID)
		what = "shipstation_create_assigned"
	}
	o = s.w.SS.AddOrder(o)
	s.ssIDs = append(s.ssIDs, o.OrderID)
	s.personal[o.OrderID] = o.UserID != nil
	return what
}

// pushedOpen picks an order shipsync pushed that ShipStation staff have not
// handled, one whose acknowledgement Quipt has not seen when there is one.
func (s *chaosStaff) pushedOpen() (id string, o sst.Order, unacked bool) {
	var acked []string
	for _, qid := range s.quiptIDs {
		so, ok := s.w.SS.OrderByKey("quipt:" + qid)
		if !ok || s.handled[qid] != "" || so.OrderStatus != sst.StatusAwaitingShipment {
			continue
		}
		if len(s.w.Q.Acknowledgements(qid)) == 0 {
			return qid, so, true
		}
		acked = append(acked, qid)
	}
	if len(acked) == 0 {
		return "", sst.Order{}, false
	}
	id = acked[s.rng.IntN(len(acked))]
	o, _ = s.w.SS.OrderByKey("quipt:" + id)
	return id, o, false
}

// handle records what was done to a pushed order and the version
// ShipStation holds from now on (it takes no update once shipped or
// cancelled).
func (s *chaosStaff) handle(id string, orderID int64, what string, unacked bool) {
	s.handled[id] = what
	o, _ := s.w.SS.Order(orderID)
	s.shipped[id] = o.ShipTo.Name
	if unacked {
		s.unacked++
	}
}

func (s *chaosStaff) label() string {
	id, o, unacked := s.pushedOpen()
	if id == "" {
		return ""
	}
	l := s.w.SS.CreateLabel(o.OrderID, nil, "fedex", "fedex_ground")
	s.live[fmt.Sprintf("shipstation:%d", l.ShipmentID)] = id
	s.handle(id, o.OrderID, "labelled", unacked)
	return "shipstation_label"
}

// relabel voids the label of an order labelled once and labels it again.
func (s *chaosStaff) relabel() string {
	for ext, id := range s.live {
		if s.relabeled[id] {
			continue
		}
		s.relabeled[id] = true
		var shipmentID int64
		if _, err := fmt.Sscanf(ext, "shipstation:%d", &shipmentID); err != nil {
			panic(err)
		}
		s.w.SS.VoidLabel(shipmentID)
		delete(s.live, ext)
		s.voided[ext] = true
		o, _ := s.w.SS.OrderByKey("quipt:" + id)
		l := s.w.SS.CreateLabel(o.OrderID, nil, "ups", "ups_ground")
		s.live[fmt.Sprintf("shipstation:%d", l.ShipmentID)] = id
		return "shipstation_void_relabel"
	}
	return ""
}

func (s *chaosStaff) cancel() string {
	id, o, unacked := s.pushedOpen()
	if id == "" {
		return ""
	}
	s.w.SS.CancelOrder(o.OrderID)
	s.handle(id, o.OrderID, "cancelled", unacked)
	return "shipstation_cancel"
}

func (s *chaosStaff) shipPurchaseOrder() string {
	for _, po := range s.w.Q.PurchaseOrders() {
		if _, done := s.shippedPO[po.ID]; done || po.PartnerReference == nil {
			continue
		}
		var ssID int64
		if _, err := fmt.Sscanf(strings.TrimPrefix(*po.PartnerReference, "shipstation:"), "%d", &ssID); err != nil {
			continue
		}
		lines := make([]quipttest.LineQuantity, len(po.Lines))
		for i, l := range po.Lines {
			lines[i] = quipttest.LineQuantity{LineID: l.ID, Quantity: l.Quantity}
		}
		err := s.w.Q.ShipPurchaseOrder(po.ID, quipttest.Shipment{
			TrackingNumber: fmt.Sprintf("1ZCHAOS%010d", len(s.shippedPO)), CarrierCode: "UPS", CarrierMethod: "ups_ground",
			ShipDate: time.Now().Format("2006-01-02"), Lines: lines,
		})
		if err != nil {
			continue
		}
		s.shippedPO[po.ID] = ssID
		return "quipt_ship_purchase_order"
	}
	return ""
}
