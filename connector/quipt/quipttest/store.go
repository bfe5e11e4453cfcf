package quipttest

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// book is an ordered collection of orders.
type book struct {
	ids  []string
	byID map[string]*entry
}

func newBook() book { return book{byID: map[string]*entry{}} }

func (b *book) add(e *entry, id string) {
	b.ids = append(b.ids, id)
	b.byID[id] = e
}

// order returns the well-formed order with id, or nil.
func (b *book) order(id string) *Order {
	e := b.byID[id]
	if e == nil || e.raw != nil {
		return nil
	}
	return &e.order
}

// AddFulfillmentOrder stores a fulfillment order and returns it as stored: Id
// (GUID-like), line Ids ("l1", "l2", ...), Status (Open), CreatedAt and
// UpdatedAt are filled in when empty.
func (s *Server) AddFulfillmentOrder(o Order) Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addOrder(&s.fulfillment, o)
}

// AddPurchaseOrder stores a purchase order like AddFulfillmentOrder. Its
// PartnerReference, when set, is registered as an idempotency key.
func (s *Server) AddPurchaseOrder(o Order) Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	o = s.addOrder(&s.purchase, o)
	if o.PartnerReference != nil {
		s.partnerRefs[*o.PartnerReference] = o.ID
	}
	return o
}

// AddRawFulfillmentOrder stores bytes served verbatim as one item of the
// fulfillment list whenever the status filter admits status: a way to test
// how a client copes with a malformed order. It returns the item's key.
func (s *Server) AddRawFulfillmentOrder(status int, raw json.RawMessage) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := "raw-" + newID()
	s.fulfillment.add(&entry{raw: slices.Clone(raw), rawStatus: status}, key)
	return key
}

// AddInventory stores inventory records, filling in empty Ids and UpdatedAt.
func (s *Server) AddInventory(items ...InventoryItem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range items {
		if it.ID == "" {
			it.ID = newID()
		}
		if it.UpdatedAt.IsZero() {
			it.UpdatedAt = s.stamp()
		}
		s.inventory = append(s.inventory, it)
	}
}

// UpdateFulfillmentOrder lets a test change an order as a Quipt operator
// would; UpdatedAt moves forward afterwards.
func (s *Server) UpdateFulfillmentOrder(id string, change func(*Order)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.fulfillment.order(id)
	if o == nil {
		return fmt.Errorf("quipttest: no fulfillment order %q", id)
	}
	change(o)
	s.touch(o)
	return nil
}

// ShipPurchaseOrder records that Quipt shipped a purchase order: it adds the
// shipment (Id filled in when empty) and sets Status 8.
func (s *Server) ShipPurchaseOrder(id string, sh Shipment) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.purchase.order(id)
	if o == nil {
		return fmt.Errorf("quipttest: no purchase order %q", id)
	}
	if sh.ID == "" {
		sh.ID = newID()
	}
	o.Shipments = append(o.Shipments, sh)
	o.Status = statusShipped
	s.touch(o)
	return nil
}

// SetStatus sets the Status and SubStatus of the fulfillment or purchase
// order with id.
func (s *Server) SetStatus(id string, status, subStatus int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.fulfillment.order(id)
	if o == nil {
		o = s.purchase.order(id)
	}
	if o == nil {
		return fmt.Errorf("quipttest: no order %q", id)
	}
	o.Status, o.SubStatus = status, subStatus
	s.touch(o)
	return nil
}

// FulfillmentOrder returns a copy of a stored fulfillment order.
func (s *Server) FulfillmentOrder(id string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.fulfillment.order(id); o != nil {
		return cloneOrder(*o), true
	}
	return Order{}, false
}

// PurchaseOrders returns copies of the stored purchase orders, oldest first.
func (s *Server) PurchaseOrders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Order
	for _, id := range s.purchase.ids {
		if o := s.purchase.order(id); o != nil {
			out = append(out, cloneOrder(*o))
		}
	}
	return out
}

// Acknowledgements returns the acknowledge writes applied to an order.
func (s *Server) Acknowledgements(orderID string) []Acknowledgement {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acks[orderID])
}

// Writes returns every successful write so far, duplicates included, in order.
func (s *Server) Writes() []Write {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.writes)
}

// Calls returns how many requests reached an endpoint, rejected and faulted
// ones included. endpoint is the path template without prefix, e.g.
// "/v2/orders/fulfillment/{pageSize}/{pageNumber}" or "/v2/orders/fulfillment/ship".
func (s *Server) Calls(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[endpoint]
}

func (s *Server) count(endpoint string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[endpoint]++
}

// addOrder fills in the defaults and stores o. s.mu must be held.
func (s *Server) addOrder(b *book, o Order) Order {
	o = cloneOrder(o)
	if o.ID == "" {
		o.ID = newID()
	}
	if o.Status == 0 {
		o.Status = statusOpen
	}
	for i := range o.Lines {
		if o.Lines[i].ID == "" {
			o.Lines[i].ID = fmt.Sprintf("l%d", i+1)
		}
	}
	now := s.stamp()
	if o.CreatedAt.IsZero() {
		o.CreatedAt = now
	}
	if o.UpdatedAt.IsZero() {
		o.UpdatedAt = o.CreatedAt
	}
	b.add(&entry{order: o}, o.ID)
	return cloneOrder(o)
}

// touch moves o.UpdatedAt forward, by at least a second so that a fixed test
// clock still orders versions.
func (s *Server) touch(o *Order) {
	next := s.stamp()
	if !next.After(o.UpdatedAt) {
		next = o.UpdatedAt.Add(time.Second)
	}
	o.UpdatedAt = next
}

// stamp is the server time as Quipt writes it: UTC, whole seconds.
func (s *Server) stamp() time.Time { return s.now().UTC().Truncate(time.Second) }

// cloneOrder copies o's slices so that callers and the store never share them.
func cloneOrder(o Order) Order {
	o.Lines = slices.Clone(o.Lines)
	o.Cancellations = slices.Clone(o.Cancellations)
	o.Shipments = slices.Clone(o.Shipments)
	for i := range o.Shipments {
		o.Shipments[i].Lines = slices.Clone(o.Shipments[i].Lines)
	}
	if o.Lines == nil {
		o.Lines = []Line{}
	}
	if o.Shipments == nil {
		o.Shipments = []Shipment{}
	}
	if o.Cancellations == nil {
		o.Cancellations = []Cancellation{}
	}
	return o
}
