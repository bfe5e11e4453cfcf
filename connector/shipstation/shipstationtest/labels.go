package shipstationtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// labelCost is the shipmentCost of every label the sandbox creates.
const labelCost = 9.85

// CreateLabel plays an operator buying a label in ShipStation for the order
// and returns the new shipment: a generated tracking number, createDate now,
// shipDate today in Pacific time. items are the lines in the package: each is
// matched to an order line by orderItemId, else lineItemKey, else SKU, and
// takes that line with the given Quantity (0 = the whole line); an item that
// matches no line is used as given. nil means every line not yet on a live
// outbound label (every line when nothing is left). When every non-adjustment
// line is on a live label, an open order becomes shipped.
func (s *Server) CreateLabel(orderID int64, items []ShipmentItem, carrierCode, serviceCode string) Shipment {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustOrder("CreateLabel", orderID)
	now := s.now()
	if items == nil {
		items = s.data.unshipped(o)
		if len(items) == 0 {
			items = physicalLines(o.Items)
		}
	} else {
		items = matchLines(o.Items, items)
	}
	sh := s.newShipment(o, items, carrierCode, serviceCode, now)
	if isOpen(o.OrderStatus) && len(s.data.unshipped(o)) == 0 {
		o.OrderStatus = StatusShipped
		o.ShipDate = sh.ShipDate
		o.ModifyDate = now
	}
	return sh.clone()
}

// AddReturnLabel plays an operator creating a return label for the order,
// covering every line: isReturnLabel is true, the package goes to the
// warehouse's return address. The order's status does not change.
func (s *Server) AddReturnLabel(orderID int64) Shipment {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustOrder("AddReturnLabel", orderID)
	sh := s.newShipment(o, physicalLines(o.Items), "stamps_com", "usps_ground_advantage", s.now())
	sh.IsReturnLabel = true
	if addr := s.data.returnAddress(o.AdvancedOptions.WarehouseID); addr != nil {
		sh.ShipTo = addr
	}
	return sh.clone()
}

// VoidLabel plays an operator voiding a label: voided becomes true and
// voidDate the clock's now; createDate does not change. A shipped order that
// no longer has every line on a live label, and has no fulfillment, goes
// back to awaiting_shipment.
func (s *Server) VoidLabel(shipmentID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, ok := s.data.shipments[shipmentID]
	if !ok {
		panic(fmt.Sprintf("shipstationtest: VoidLabel: unknown shipment %d", shipmentID))
	}
	now := s.now()
	sh.Voided = true
	sh.VoidDate = now
	o, ok := s.data.orders[sh.OrderID]
	if ok && o.OrderStatus == StatusShipped && len(s.data.unshipped(o)) > 0 && !s.data.hasFulfillment(o.OrderID) {
		o.OrderStatus = StatusAwaitingShipment
		o.ShipDate = time.Time{}
		o.ModifyDate = now
	}
}

// AddShipment stores sh as given, assigning shipmentId (when 0) and
// createDate (when zero, the clock). It does not change any order.
func (s *Server) AddShipment(sh Shipment) Shipment {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh = sh.clone()
	sh.ShipmentID = s.data.shipmentIDs.take(sh.ShipmentID)
	if sh.CreateDate.IsZero() {
		sh.CreateDate = s.now()
	}
	s.data.shipments[sh.ShipmentID] = &sh
	return sh.clone()
}

// AddRawShipment injects a JSON value into every GET /shipments list, like
// AddRawOrder does for orders.
func (s *Server) AddRawShipment(raw json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.rawShipments = append(s.data.rawShipments, rawEntry{after: s.data.shipmentIDs.last(), raw: slices.Clone(raw)})
}

// Shipment returns the stored shipment with this ID.
func (s *Server) Shipment(id int64) (Shipment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, ok := s.data.shipments[id]
	if !ok {
		return Shipment{}, false
	}
	return sh.clone(), true
}

// Shipments returns every stored shipment in ascending shipmentId order.
func (s *Server) Shipments() []Shipment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Shipment
	for _, sh := range sortedValues(s.data.shipments) {
		out = append(out, sh.clone())
	}
	return out
}

// newShipment stores a label for o made now.
func (s *Server) newShipment(o *Order, items []ShipmentItem, carrierCode, serviceCode string, now time.Time) *Shipment {
	id := s.data.shipmentIDs.take(0)
	ins := o.InsuranceOptions
	if ins == nil {
		ins = &InsuranceOptions{}
	}
	sh := &Shipment{
		ShipmentID:       id,
		OrderID:          o.OrderID,
		OrderKey:         o.OrderKey,
		UserID:           o.UserID,
		CustomerEmail:    o.CustomerEmail,
		OrderNumber:      o.OrderNumber,
		CreateDate:       now,
		ShipDate:         pacificDate(now, s.loc),
		ShipmentCost:     labelCost,
		TrackingNumber:   trackingNumber(carrierCode, s.data.tracking.take(0)),
		CarrierCode:      carrierCode,
		ServiceCode:      serviceCode,
		PackageCode:      orDefault(o.PackageCode, "package"),
		Confirmation:     orDefault(o.Confirmation, "none"),
		WarehouseID:      o.AdvancedOptions.WarehouseID,
		ShipTo:           clonePtr(o.ShipTo),
		Weight:           clonePtr(o.Weight),
		Dimensions:       clonePtr(o.Dimensions),
		InsuranceOptions: clonePtr(ins),
		AdvancedOptions: ShipmentAdvancedOptions{
			BillToParty:       o.AdvancedOptions.BillToParty,
			BillToAccount:     o.AdvancedOptions.BillToAccount,
			BillToPostalCode:  o.AdvancedOptions.BillToPostalCode,
			BillToCountryCode: o.AdvancedOptions.BillToCountryCode,
			StoreID:           o.AdvancedOptions.StoreID,
		},
		ShipmentItems: cloneItems(items),
	}
	s.data.shipments[id] = sh
	return sh
}

// unshipped returns o's non-adjustment lines with the quantity that no live
// outbound label carries yet.
func (d *store) unshipped(o *Order) []OrderItem {
	shipped := map[int64]int{}
	for _, sh := range d.shipments {
		if sh.OrderID != o.OrderID || sh.Voided || sh.IsReturnLabel {
			continue
		}
		for _, it := range sh.ShipmentItems {
			shipped[it.OrderItemID] += it.Quantity
		}
	}
	var out []OrderItem
	for _, it := range physicalLines(o.Items) {
		if left := it.Quantity - shipped[it.OrderItemID]; left > 0 {
			it.Quantity = left
			out = append(out, it)
		}
	}
	return out
}

// hasFulfillment reports whether the order has a fulfillment not voided.
func (d *store) hasFulfillment(orderID int64) bool {
	for _, f := range d.fulfillments {
		if f.OrderID == orderID && !f.Voided {
			return true
		}
	}
	return false
}

// returnAddress is the return address of the warehouse, or of the first one.
func (d *store) returnAddress(warehouseID *int64) *Address {
	for _, w := range d.warehouses {
		if warehouseID == nil || w.WarehouseID == *warehouseID {
			return clonePtr(w.ReturnAddress)
		}
	}
	if len(d.warehouses) > 0 {
		return clonePtr(d.warehouses[0].ReturnAddress)
	}
	return nil
}

// physicalLines returns copies of the lines that are not adjustments.
func physicalLines(items []OrderItem) []OrderItem {
	var out []OrderItem
	for _, it := range cloneItems(items) {
		if !it.Adjustment {
			out = append(out, it)
		}
	}
	return out
}

// matchLines resolves the package contents given to CreateLabel against the
// order's lines.
func matchLines(lines, want []OrderItem) []OrderItem {
	out := make([]OrderItem, 0, len(want))
	for _, w := range want {
		i := slices.IndexFunc(lines, func(l OrderItem) bool {
			switch {
			case w.OrderItemID != 0:
				return l.OrderItemID == w.OrderItemID
			case w.LineItemKey != nil:
				return l.LineItemKey != nil && *l.LineItemKey == *w.LineItemKey
			default:
				return w.SKU != "" && l.SKU == w.SKU
			}
		})
		if i < 0 {
			out = append(out, w)
			continue
		}
		line := lines[i]
		if w.Quantity > 0 {
			line.Quantity = w.Quantity
		}
		out = append(out, line)
	}
	return out
}

// trackingNumber returns the n-th tracking number in the carrier's style.
func trackingNumber(carrierCode string, n int64) string {
	switch {
	case strings.HasPrefix(carrierCode, "ups"):
		return fmt.Sprintf("1Z999AA1%010d", n)
	case strings.HasPrefix(carrierCode, "fedex"):
		return fmt.Sprintf("7%011d", n)
	case carrierCode == "stamps_com" || carrierCode == "usps":
		return fmt.Sprintf("9400%018d", n)
	default:
		return fmt.Sprintf("SBX%010d", n)
	}
}

// orDefault returns p, or a pointer to def when p is nil.
func orDefault(p *string, def string) *string {
	if p == nil {
		return &def
	}
	return p
}
