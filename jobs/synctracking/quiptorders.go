package synctracking

import (
	"context"
	"fmt"
	"strings"

	"github.com/shipsync/shipsync/connector/quipt"
)

// quiptOrders reads Quipt fulfillment orders at most once per page, and again
// after the job wrote to one.
type quiptOrders struct {
	client *quipt.Client
	byID   map[string]*quipt.Order
}

func newQuiptOrders(c *quipt.Client) *quiptOrders {
	return &quiptOrders{client: c, byID: map[string]*quipt.Order{}}
}

func (q *quiptOrders) get(ctx context.Context, id string) (*quipt.Order, error) {
	if o, ok := q.byID[id]; ok {
		return o, nil
	}
	o, err := q.client.FulfillmentOrder(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read Quipt order %s: %w", id, err)
	}
	q.byID[id] = o
	return o, nil
}

// forget drops a cached order after a write changed it.
func (q *quiptOrders) forget(id string) { delete(q.byID, id) }

// shipmentState is what a Quipt order holds under one ExternalShipmentId.
type shipmentState int

const (
	shipmentAbsent shipmentState = iota
	shipmentLive
	shipmentVoided
)

func stateOf(o *quipt.Order, ext string) shipmentState {
	for _, sh := range o.Shipments {
		if sh.ExternalShipmentID == ext {
			if sh.Voided {
				return shipmentVoided
			}
			return shipmentLive
		}
	}
	return shipmentAbsent
}

// lineBySKU returns the Id of the first line of o whose SKU (or, failing
// that, VendorSKU) equals sku, ignoring case and surrounding spaces; "" when
// none does.
func lineBySKU(o *quipt.Order, sku string) string {
	sku = strings.TrimSpace(sku)
	if sku == "" {
		return ""
	}
	for _, l := range o.Lines {
		if strings.EqualFold(strings.TrimSpace(l.SKU), sku) {
			return l.ID
		}
	}
	for _, l := range o.Lines {
		if strings.EqualFold(strings.TrimSpace(l.VendorSKU), sku) {
			return l.ID
		}
	}
	return ""
}

// addLine adds q of line id to lines, merging repeats of a line.
func addLine(lines []quipt.LineQuantity, id string, q int) []quipt.LineQuantity {
	for i := range lines {
		if lines[i].LineID == id {
			lines[i].Quantity += q
			return lines
		}
	}
	return append(lines, quipt.LineQuantity{LineID: id, Quantity: q})
}
