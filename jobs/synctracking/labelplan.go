package synctracking

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
)

// labelPlan is what to do with a live label without a record.
type labelPlan struct {
	lines []quipt.LineQuantity
	// reason, when set, says why the label cannot be applied: dead letter.
	reason string
	// held is the state of the label's shipment in Quipt when the order was
	// read and holds it (a run stopped between the write and its record).
	held shipmentState
	// trusted is true when lines are the lineItemKeys of items as listed,
	// not checked against the Quipt order (it was not read).
	trusted bool
	items   []shipstation.OrderItem
}

// planLabel maps the label's items to Quipt order lines.
//
// An item's lineItemKey is the Quipt line Id push-orders sent, unless
// ShipStation or a person changed it: when every item has one and the Quipt
// order was not read in this page, the keys are sent as they are (no read
// for the ordinary label), and ship checks them against the order only if
// Quipt refuses them. Otherwise the order is read once and each key is
// checked against its line Ids; an item whose key is not one of them is
// matched by SKU, over the lines of that SKU by what each has left to ship.
//
// A label listed without items is looked up again in its order's labels
// (labelItems). When it has none there either, it ships what the Quipt
// order has left to ship (remainder).
func (h *labelPage) planLabel(ctx context.Context, l label) (labelPlan, error) {
	items, others, reason, err := h.labelItems(ctx, l)
	if err != nil || reason != "" {
		return labelPlan{reason: reason}, err
	}
	if len(items) > 0 && allKeyed(items) && !h.orders.has(l.orderID) {
		var lines []quipt.LineQuantity
		for _, it := range items {
			lines = addLine(lines, it.LineItemKey, it.Quantity)
		}
		return labelPlan{lines: lines, trusted: true, items: items}, nil
	}

	o, err := h.orders.get(ctx, l.orderID)
	if err != nil {
		if quipt.IsPermanent(err) {
			return labelPlan{reason: "read Quipt order: " + err.Error()}, nil
		}
		return labelPlan{}, err
	}
	if st := stateOf(o, l.ext); st != shipmentAbsent {
		return labelPlan{held: st}, nil
	}
	if len(items) > 0 {
		lines, reason := allocate(o, items)
		return labelPlan{lines: lines, reason: reason}, nil
	}
	return remainder(o, others), nil
}

// labelItems returns the goods the label carries. A label listed without
// items is looked up in its order's labels, listed again with their items
// (orderLabels), which also gives the order's other live labels (others).
// reason says why the label cannot be planned (dead letter); err stops the
// run.
func (h *labelPage) labelItems(ctx context.Context, l label) (items []shipstation.OrderItem, others []shipstation.Shipment, reason string, _ error) {
	if items = goods(l.sh.ShipmentItems); len(items) > 0 {
		return items, nil, "", nil
	}
	if l.sh.OrderID == 0 {
		return nil, nil, "label carries no items and names no ShipStation order whose labels could say which lines it ships", nil
	}
	all, err := h.orderLabels(ctx, l.sh.OrderID)
	if err != nil {
		if shipstation.IsPermanent(err) {
			return nil, nil, "label listed without items: " + err.Error(), nil
		}
		return nil, nil, "", err
	}
	for _, sh := range all {
		switch {
		case sh.ShipmentID == l.sh.ShipmentID:
			items = goods(sh.ShipmentItems)
		case !sh.Voided && !sh.IsReturnLabel:
			others = append(others, sh)
		}
	}
	return items, others, "", nil
}

// remainder plans a label that carries no items anywhere: it ships what the
// Quipt order o has left to ship, less what the order's other live labels
// (others) that Quipt does not hold yet carry, as a fulfillment does. That
// is unambiguous only when those labels all carry items: several live labels
// without items cannot be told apart, and the label is dead-lettered.
func remainder(o *quipt.Order, others []shipstation.Shipment) labelPlan {
	a := newAllocation(o)
	var blind []string
	for _, sh := range others {
		if stateOf(o, LabelKeyPrefix+strconv.FormatInt(sh.ShipmentID, 10)) != shipmentAbsent {
			continue // in Quipt: its lines are shipped already
		}
		g := goods(sh.ShipmentItems)
		if len(g) == 0 {
			blind = append(blind, strconv.FormatInt(sh.ShipmentID, 10))
			continue
		}
		for _, it := range g {
			if reason := a.item(it); reason != "" {
				return labelPlan{reason: fmt.Sprintf("label carries no items, and the items of label %d of the same order cannot be placed: %s", sh.ShipmentID, reason)}
			}
		}
	}
	if len(blind) > 0 {
		return labelPlan{reason: fmt.Sprintf("label carries no items, nor do the order's other live labels %s: cannot tell which lines each ships",
			strings.Join(blind, ", "))}
	}
	return labelPlan{lines: a.rest()}
}

// allocate maps items to the lines of o (see allocation.item); reason says
// why they cannot be.
func allocate(o *quipt.Order, items []shipstation.OrderItem) (_ []quipt.LineQuantity, reason string) {
	a := newAllocation(o)
	// Items whose key names a line first, so that SKU matching spreads the
	// others over what those leave.
	for _, it := range items {
		if a.isLine(it.LineItemKey) {
			a.take(it.LineItemKey, it.Quantity)
		}
	}
	for _, it := range items {
		if a.isLine(it.LineItemKey) {
			continue
		}
		if reason := a.item(it); reason != "" {
			return nil, reason
		}
	}
	if len(a.lines) == 0 {
		return nil, "label carries no shippable items"
	}
	return a.lines, ""
}

// goods returns the items that are goods: not adjustments, with a quantity.
func goods(items []shipstation.OrderItem) []shipstation.OrderItem {
	var out []shipstation.OrderItem
	for _, it := range items {
		if !it.Adjustment && it.Quantity > 0 {
			out = append(out, it)
		}
	}
	return out
}

// allKeyed reports whether every item names its line with a lineItemKey.
func allKeyed(items []shipstation.OrderItem) bool {
	for _, it := range items {
		if it.LineItemKey == "" {
			return false
		}
	}
	return true
}
