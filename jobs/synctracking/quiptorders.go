package synctracking

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
)

// quiptOrders reads Quipt fulfillment orders at most once per page. The
// job's own writes are applied to the copy it holds (noteShip, noteVoid), so
// that later packages of the same order in the page see them without a
// second read; a refused write drops the copy (forget), since the order is
// then not what the job thought.
//
// It is safe for concurrent use by packages of different orders; the
// packages of one order are applied one after the other (packagePage), so
// an order's copy is only ever changed by one of them at a time.
type quiptOrders struct {
	client *quipt.Client
	mu     sync.Mutex
	byID   map[string]*quipt.Order
}

func newQuiptOrders(c *quipt.Client) *quiptOrders {
	return &quiptOrders{client: c, byID: map[string]*quipt.Order{}}
}

func (q *quiptOrders) get(ctx context.Context, id string) (*quipt.Order, error) {
	if o, ok := q.cached(id); ok {
		return o, nil
	}
	o, err := q.client.FulfillmentOrders.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read Quipt order %s: %w", id, err)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.byID[id] = o
	return o, nil
}

// cached returns the copy of order id read in this page, if any.
func (q *quiptOrders) cached(id string) (*quipt.Order, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	o, ok := q.byID[id]
	return o, ok
}

// has reports whether the order was read in this page already.
func (q *quiptOrders) has(id string) bool {
	_, ok := q.cached(id)
	return ok
}

// forget drops a cached order, so that the next get reads it again.
func (q *quiptOrders) forget(id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.byID, id)
}

// noteShip adds a shipment the job made to the cached order, if any.
func (q *quiptOrders) noteShip(req quipt.ShipRequest) {
	o, ok := q.cached(req.OrderID)
	if !ok {
		return
	}
	if stateOf(o, req.ExternalShipmentID) != shipmentAbsent {
		return
	}
	o.Shipments = append(o.Shipments, quipt.Shipment{
		ExternalShipmentID: req.ExternalShipmentID, TrackingNumber: req.TrackingNumber, CarrierCode: req.CarrierCode,
		CarrierMethod: req.CarrierMethod, ShipDate: req.ShipDate, Lines: slices.Clone(req.Lines),
	})
}

// noteVoid marks a shipment the job voided in the cached order, if any.
func (q *quiptOrders) noteVoid(orderID, ext string) {
	o, ok := q.cached(orderID)
	if !ok {
		return
	}
	for i := range o.Shipments {
		if o.Shipments[i].ExternalShipmentID == ext {
			o.Shipments[i].Voided = true
		}
	}
}

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

// allocation hands the quantities of a Quipt order's lines out to the items
// of one package: by line Id when the item names one of the order's lines,
// else by SKU, spreading an item over the lines of its SKU by what each has
// left to ship.
type allocation struct {
	o *quipt.Order
	// left is, per line Id, the quantity no live shipment carries, less what
	// this package took so far (negative when it took more).
	left  map[string]int
	lines []quipt.LineQuantity
}

func newAllocation(o *quipt.Order) *allocation {
	a := &allocation{o: o, left: make(map[string]int, len(o.Lines))}
	for _, l := range o.Lines {
		a.left[l.ID] = 0
	}
	for _, lq := range jobs.Unshipped(o) {
		a.left[lq.LineID] = lq.Quantity
	}
	return a
}

// isLine reports whether id is the Id of a line of the order.
func (a *allocation) isLine(id string) bool {
	_, ok := a.left[id]
	return id != "" && ok
}

// take puts q of line id into the package.
func (a *allocation) take(id string, q int) {
	a.left[id] -= q
	a.lines = addLine(a.lines, id, q)
}

// item allocates one shipment item: by its lineItemKey when that is a line
// of the order, else by SKU. It returns why the item cannot be placed, or "".
func (a *allocation) item(it shipstation.OrderItem) string {
	if a.isLine(it.LineItemKey) {
		a.take(it.LineItemKey, it.Quantity)
		return ""
	}
	cands := a.linesBySKU(it.SKU)
	if len(cands) == 0 {
		return fmt.Sprintf("item %q (SKU %q) matches no line of Quipt order %s", it.Name, it.SKU, a.o.ID)
	}
	q := it.Quantity
	for _, id := range cands {
		if n := min(q, a.left[id]); n > 0 {
			a.take(id, n)
			q -= n
		}
	}
	if q > 0 {
		// More than the lines of this SKU have left: Quipt judges (it
		// refuses a quantity beyond what is unshipped).
		a.take(cands[0], q)
	}
	return ""
}

// linesBySKU returns the Ids of the order's lines whose SKU (or, when none
// has it, whose VendorSKU) equals sku, ignoring case and surrounding spaces,
// in the order's line order.
func (a *allocation) linesBySKU(sku string) []string {
	sku = strings.TrimSpace(sku)
	if sku == "" {
		return nil
	}
	var out []string
	for _, l := range a.o.Lines {
		if strings.EqualFold(strings.TrimSpace(l.SKU), sku) {
			out = append(out, l.ID)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, l := range a.o.Lines {
		if strings.EqualFold(strings.TrimSpace(l.VendorSKU), sku) {
			out = append(out, l.ID)
		}
	}
	return out
}

// rest returns what the order still has to ship after this package's
// allocations, in the order's line order.
func (a *allocation) rest() []quipt.LineQuantity {
	var out []quipt.LineQuantity
	for _, l := range a.o.Lines {
		if q := a.left[l.ID]; q > 0 {
			out = addLine(out, l.ID, q)
		}
	}
	return out
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
