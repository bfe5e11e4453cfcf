package shipstationtest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// store is the sandbox's account data. It is guarded by Server.mu.
type store struct {
	orders       map[int64]*Order
	orderKeys    map[string]int64
	shipments    map[int64]*Shipment
	fulfillments map[int64]*Fulfillment
	products     map[int64]*Product

	rawOrders       []rawEntry
	rawShipments    []rawEntry
	rawFulfillments []rawEntry

	carriers   []Carrier
	services   map[string][]Service
	stores     []Store
	warehouses []Warehouse
	users      []User
	tags       []Tag

	orderIDs, itemIDs, shipmentIDs, fulfillmentIDs, productIDs sequence
	keys, tracking                                             sequence
}

func newStore() store {
	return store{
		orders:         map[int64]*Order{},
		orderKeys:      map[string]int64{},
		shipments:      map[int64]*Shipment{},
		fulfillments:   map[int64]*Fulfillment{},
		products:       map[int64]*Product{},
		services:       map[string][]Service{},
		orderIDs:       sequence{next: 513010001},
		itemIDs:        sequence{next: 903200001},
		shipmentIDs:    sequence{next: 302100001},
		fulfillmentIDs: sequence{next: 33974001},
		productIDs:     sequence{next: 41130001},
		keys:           sequence{next: 1},
		tracking:       sequence{next: 1},
	}
}

// sequence hands out deterministic IDs.
type sequence struct{ next int64 }

// take returns id, or the next ID when id is 0, and keeps later IDs above it.
func (q *sequence) take(id int64) int64 {
	if id == 0 {
		id = q.next
	}
	if id >= q.next {
		q.next = id + 1
	}
	return id
}

// last returns the most recently issued ID.
func (q *sequence) last() int64 { return q.next - 1 }

// rawEntry is a JSON value injected verbatim into a list. It matches every
// filter and, in the default order, follows the items with IDs up to after.
type rawEntry struct {
	after int64
	raw   json.RawMessage
}

// newOrderKey returns a generated orderKey in GUID form.
func (d *store) newOrderKey() string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", d.keys.take(0))
}

// putOrder stores o, keeping the orderKey index in step.
func (d *store) putOrder(o *Order) {
	if old, ok := d.orders[o.OrderID]; ok && old.OrderKey != o.OrderKey {
		delete(d.orderKeys, old.OrderKey)
	}
	d.orders[o.OrderID] = o
	d.orderKeys[o.OrderKey] = o.OrderID
}

// orderByKey returns the stored order with this key.
func (d *store) orderByKey(key string) (*Order, bool) {
	id, ok := d.orderKeys[key]
	if !ok {
		return nil, false
	}
	o, ok := d.orders[id]
	return o, ok
}

// sortedValues returns the map's values in ascending key order.
func sortedValues[T any](m map[int64]*T) []*T {
	out := make([]*T, 0, len(m))
	for _, id := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[id])
	}
	return out
}
