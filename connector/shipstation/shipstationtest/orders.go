package shipstationtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// AddOrder stores o as if it had been imported into ShipStation and returns
// the stored order. It assigns orderId (when 0), orderKey (when empty, a
// generated GUID), orderItemId of each line (when 0), createDate (when zero,
// the clock) and modifyDate (when zero, createDate); an empty orderStatus
// becomes awaiting_shipment. Everything else is stored as given. An order
// with the ID of a stored one replaces it.
func (s *Server) AddOrder(o Order) Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	o = o.clone()
	o.OrderID = s.data.orderIDs.take(o.OrderID)
	if o.OrderKey == "" {
		o.OrderKey = s.data.newOrderKey()
	}
	if o.CreateDate.IsZero() {
		o.CreateDate = s.now()
	}
	if o.ModifyDate.IsZero() {
		o.ModifyDate = o.CreateDate
	}
	if o.OrderStatus == "" {
		o.OrderStatus = StatusAwaitingShipment
	}
	s.data.stampItems(o.Items, o.CreateDate)
	s.data.putOrder(&o)
	return o.clone()
}

// AddRawOrder injects a JSON value into every order list (GET /orders and
// /orders/listbytag), for example a malformed order. It matches every
// filter; in the default order it follows the orders added before it, in
// other orders it comes last.
func (s *Server) AddRawOrder(raw json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.rawOrders = append(s.data.rawOrders, rawEntry{after: s.data.orderIDs.last(), raw: slices.Clone(raw)})
}

// Order returns the stored order with this ID.
func (s *Server) Order(id int64) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.data.orders[id]
	if !ok {
		return Order{}, false
	}
	return o.clone(), true
}

// OrderByKey returns the stored order with this orderKey.
func (s *Server) OrderByKey(key string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.data.orderByKey(key)
	if !ok {
		return Order{}, false
	}
	return o.clone(), true
}

// Orders returns every stored order in ascending orderId order.
func (s *Server) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Order
	for _, o := range sortedValues(s.data.orders) {
		out = append(out, o.clone())
	}
	return out
}

// CancelOrder plays an operator cancelling the order in the UI: its status
// becomes cancelled and modifyDate the clock's now.
func (s *Server) CancelOrder(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustOrder("CancelOrder", id)
	o.OrderStatus = StatusCancelled
	o.ModifyDate = s.now()
}

// UpdateOrder plays an operator editing the order: edit changes the stored
// order in place, then modifyDate becomes the clock's now. New lines without
// an orderItemId get one. The orderId must not be changed.
func (s *Server) UpdateOrder(id int64, edit func(*Order)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustOrder("UpdateOrder", id)
	edit(o)
	now := s.now()
	o.OrderID = id
	o.ModifyDate = now
	s.data.stampItems(o.Items, now)
	s.data.putOrder(o)
}

// mustOrder returns the stored order or panics: an unknown ID is a mistake in
// the calling test.
func (s *Server) mustOrder(op string, id int64) *Order {
	o, ok := s.data.orders[id]
	if !ok {
		panic(fmt.Sprintf("shipstationtest: %s: unknown order %d", op, id))
	}
	return o
}

// stampItems gives lines without an ID one, and dates to lines without them.
func (d *store) stampItems(items []OrderItem, at time.Time) {
	for i := range items {
		it := &items[i]
		it.OrderItemID = d.itemIDs.take(it.OrderItemID)
		if it.CreateDate.IsZero() {
			it.CreateDate = at
		}
		if it.ModifyDate.IsZero() {
			it.ModifyDate = it.CreateDate
		}
	}
}
