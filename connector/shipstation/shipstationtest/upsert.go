package shipstationtest

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// maxOrderNumber is the longest orderNumber createorder accepts.
const maxOrderNumber = 50

// orderInput is an order as posted to createorder(s): the times arrive as
// Pacific strings, and the read-only dates are ignored.
type orderInput struct {
	orderFields
	OrderDate     *string         `json:"orderDate"`
	CreateDate    json.RawMessage `json:"createDate"`
	ModifyDate    json.RawMessage `json:"modifyDate"`
	PaymentDate   *string         `json:"paymentDate"`
	ShipByDate    *string         `json:"shipByDate"`
	ShipDate      *string         `json:"shipDate"`
	HoldUntilDate *string         `json:"holdUntilDate"`
	Items         []itemInput     `json:"items"`
}

type itemInput struct {
	itemFields
	CreateDate json.RawMessage `json:"createDate"`
	ModifyDate json.RawMessage `json:"modifyDate"`
}

// decodeOrder reads and validates one posted order.
func decodeOrder(raw json.RawMessage, loc *time.Location) (Order, error) {
	var in orderInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return Order{}, problemf("The order could not be read: %v", err)
	}
	o := Order(in.orderFields)
	for _, f := range []struct {
		name string
		raw  *string
		dst  *time.Time
	}{
		{"orderDate", in.OrderDate, &o.OrderDate},
		{"paymentDate", in.PaymentDate, &o.PaymentDate},
		{"shipByDate", in.ShipByDate, &o.ShipByDate},
		{"shipDate", in.ShipDate, &o.ShipDate},
		{"holdUntilDate", in.HoldUntilDate, &o.HoldUntilDate},
	} {
		t, err := parseWireTime(f.raw, loc)
		if err != nil {
			return Order{}, problemf("The field %s is invalid: %v", f.name, err)
		}
		*f.dst = t
	}
	o.Items = nil
	for _, it := range in.Items {
		o.Items = append(o.Items, OrderItem(it.itemFields))
	}
	return o, validateOrder(o)
}

// validateOrder checks the fields createorder requires.
func validateOrder(o Order) error {
	var msgs []string
	switch {
	case o.OrderNumber == "":
		msgs = append(msgs, "The OrderNumber field is required.")
	case len(o.OrderNumber) > maxOrderNumber:
		msgs = append(msgs, fmt.Sprintf("The field OrderNumber must be a string with a maximum length of %d.", maxOrderNumber))
	}
	if o.OrderDate.IsZero() {
		msgs = append(msgs, "The OrderDate field is required.")
	}
	switch o.OrderStatus {
	case StatusAwaitingPayment, StatusAwaitingShipment, StatusPendingFulfillment, StatusOnHold, StatusShipped, StatusCancelled:
	case "":
		msgs = append(msgs, "The OrderStatus field is required.")
	default:
		msgs = append(msgs, fmt.Sprintf("The value '%s' is not valid for OrderStatus.", o.OrderStatus))
	}
	if o.BillTo == nil {
		msgs = append(msgs, "The BillTo field is required.")
	}
	if o.ShipTo == nil {
		msgs = append(msgs, "The ShipTo field is required.")
	}
	if len(msgs) == 0 {
		return nil
	}
	return problem(strings.Join(msgs, " "))
}

// upsert creates or replaces the order with in's orderKey, as createorder
// does: no partial update, read-only fields kept, storeId only at creation,
// tags only added, locked statuses refused.
func (s *Server) upsert(in Order, now time.Time) (*Order, error) {
	old, found := (*Order)(nil), false
	if in.OrderKey != "" {
		old, found = s.data.orderByKey(in.OrderKey)
	}
	if found {
		if !isOpen(old.OrderStatus) {
			return nil, problemf("Order cannot be updated because its status is '%s'. "+
				"Only orders in awaiting_payment, awaiting_shipment, pending_fulfillment or on_hold status can be updated.", old.OrderStatus)
		}
		keepReadOnly(&in, old)
	} else {
		in.OrderID = s.data.orderIDs.take(0)
		if in.OrderKey == "" {
			in.OrderKey = s.data.newOrderKey()
		}
		in.CreateDate = now
		if in.AdvancedOptions.StoreID == nil {
			in.AdvancedOptions.StoreID = s.data.manualStoreID()
		}
		clearReadOnly(&in)
	}
	in.ModifyDate = now
	s.stampPostedItems(&in, old, now)
	in.OrderTotal = orderTotal(in)
	if in.InsuranceOptions == nil {
		in.InsuranceOptions = &InsuranceOptions{}
	}
	if in.InternationalOptions == nil {
		in.InternationalOptions = &InternationalOptions{}
	}
	o := in.clone()
	s.data.putOrder(&o)
	return &o, nil
}

// keepReadOnly copies the fields an update cannot change from the stored
// order. Tags cannot be removed through createorder(s), only added.
func keepReadOnly(in, old *Order) {
	in.OrderID = old.OrderID
	in.CreateDate = old.CreateDate
	in.CustomerID = old.CustomerID
	in.UserID = old.UserID
	in.ExternallyFulfilled = old.ExternallyFulfilled
	in.ExternallyFulfilledBy = old.ExternallyFulfilledBy
	in.ExternallyFulfilledByID = old.ExternallyFulfilledByID
	in.ExternallyFulfilledByName = old.ExternallyFulfilledByName
	in.LabelMessages = old.LabelMessages
	in.AdvancedOptions.StoreID = old.AdvancedOptions.StoreID
	in.AdvancedOptions.MergedOrSplit = old.AdvancedOptions.MergedOrSplit
	in.AdvancedOptions.MergedIDs = old.AdvancedOptions.MergedIDs
	in.AdvancedOptions.ParentID = old.AdvancedOptions.ParentID
	tags := slices.Clone(old.TagIDs)
	for _, t := range in.TagIDs {
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	in.TagIDs = tags
}

// clearReadOnly resets the read-only fields of a new order.
func clearReadOnly(in *Order) {
	in.CustomerID = nil
	in.UserID = nil
	in.ExternallyFulfilled = false
	in.ExternallyFulfilledBy = nil
	in.ExternallyFulfilledByID = nil
	in.ExternallyFulfilledByName = nil
	in.LabelMessages = nil
	in.AdvancedOptions.MergedOrSplit = false
	in.AdvancedOptions.MergedIDs = []int64{}
	in.AdvancedOptions.ParentID = nil
}

// stampPostedItems gives posted lines their read-only fields: a line whose
// lineItemKey (or orderItemId) matches a line of the stored order keeps that
// line's orderItemId and createDate; other lines are new.
func (s *Server) stampPostedItems(in, old *Order, now time.Time) {
	for i := range in.Items {
		it := &in.Items[i]
		var match *OrderItem
		if old != nil {
			for j := range old.Items {
				o := &old.Items[j]
				if (it.LineItemKey != nil && o.LineItemKey != nil && *it.LineItemKey == *o.LineItemKey) ||
					(it.OrderItemID != 0 && it.OrderItemID == o.OrderItemID) {
					match = o
					break
				}
			}
		}
		if match != nil {
			it.OrderItemID, it.CreateDate = match.OrderItemID, match.CreateDate
		} else {
			it.OrderItemID, it.CreateDate = s.data.itemIDs.take(0), now
		}
		it.ModifyDate = now
	}
}

// orderTotal is Σ(unitPrice × quantity) + taxAmount + shippingAmount, in
// cents.
func orderTotal(o Order) float64 {
	total := o.TaxAmount + o.ShippingAmount
	for _, it := range o.Items {
		total += it.UnitPrice * float64(it.Quantity)
	}
	return math.Round(total*100) / 100
}

// manualStoreID is the store orders go to without a storeId: the first
// manual store (marketplaceId 0), else the first store, else none.
func (d *store) manualStoreID() *int64 {
	for _, st := range d.stores {
		if st.MarketplaceID == 0 {
			return new(st.StoreID)
		}
	}
	if len(d.stores) > 0 {
		return new(d.stores[0].StoreID)
	}
	return nil
}
