package shipstationtest

import (
	"encoding/json"
	"slices"
	"time"
)

// AddFulfillment plays an order being marked as shipped outside the API (in
// the UI, or by a fulfillment provider) and returns the stored fulfillment.
// It assigns fulfillmentId (when 0), createDate (when zero, the clock) and
// shipDate (when zero, today in Pacific time). When the order exists, an
// empty orderNumber is taken from it, and an open order becomes shipped.
// CarrierCode is free text, e.g. "FedEx".
func (s *Server) AddFulfillment(f Fulfillment) Fulfillment {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	f = f.clone()
	f.FulfillmentID = s.data.fulfillmentIDs.take(f.FulfillmentID)
	if f.CreateDate.IsZero() {
		f.CreateDate = now
	}
	if f.ShipDate.IsZero() {
		f.ShipDate = pacificDate(now, s.loc)
	}
	if o, ok := s.data.orders[f.OrderID]; ok {
		if f.OrderNumber == "" {
			f.OrderNumber = o.OrderNumber
		}
		s.shipOrder(o, f.ShipDate, now)
	}
	s.data.fulfillments[f.FulfillmentID] = &f
	return f.clone()
}

// AddRawFulfillment injects a JSON value into every GET /fulfillments list,
// like AddRawOrder does for orders.
func (s *Server) AddRawFulfillment(raw json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.rawFulfillments = append(s.data.rawFulfillments, rawEntry{after: s.data.fulfillmentIDs.last(), raw: slices.Clone(raw)})
}

// Fulfillments returns every stored fulfillment in ascending fulfillmentId
// order.
func (s *Server) Fulfillments() []Fulfillment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Fulfillment
	for _, f := range sortedValues(s.data.fulfillments) {
		out = append(out, f.clone())
	}
	return out
}

// markShipped records a mark-as-shipped of o as a fulfillment and ships o.
func (s *Server) markShipped(o *Order, req markAsShippedRequest, shipDate, now time.Time) {
	f := &Fulfillment{
		FulfillmentID:       s.data.fulfillmentIDs.take(0),
		OrderID:             o.OrderID,
		OrderNumber:         o.OrderNumber,
		UserID:              o.UserID,
		CustomerEmail:       o.CustomerEmail,
		TrackingNumber:      req.TrackingNumber,
		CreateDate:          now,
		ShipDate:            shipDate,
		CarrierCode:         req.CarrierCode,
		MarketplaceNotified: req.NotifySalesChannel,
		ShipTo:              clonePtr(o.ShipTo),
	}
	s.data.fulfillments[f.FulfillmentID] = f
	s.shipOrder(o, shipDate, now)
}

// shipOrder moves an open order to shipped.
func (s *Server) shipOrder(o *Order, shipDate, now time.Time) {
	if !isOpen(o.OrderStatus) {
		return
	}
	o.OrderStatus = StatusShipped
	o.ShipDate = shipDate
	o.ModifyDate = now
}
