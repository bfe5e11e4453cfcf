package demo

import (
	"fmt"
	"time"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
)

// quiptOrder describes one seeded Quipt fulfillment order in a line.
type quiptOrder struct {
	number    string
	channel   string
	warehouse string
	method    string
	carrier   string // the order's own Quipt carrier code, "" for none
	service   string
	status    int
	sku       string
	qty       int
}

// quiptOrders is what the demo tenant asks the merchant to fulfil: orders
// push-orders routes by channel and warehouse through a mapping, the order's
// own carrier and the default carrier, one it must dead-letter (a warehouse
// WAREHOUSES does not know) and one still validating (Pending, not pushed).
func quiptOrders() []quiptOrder {
	return []quiptOrder{
		{number: "Q-5001", channel: "Web Store", warehouse: "AUS1", method: "Ground", sku: "CMP-MUG-12-SLT", qty: 2},
		{number: "Q-5002", channel: "Web Store", warehouse: "AUS1", method: "Next Day Air", sku: "BNE-MRN-OLV", qty: 1},
		{number: "Q-5003", channel: "Amazon", warehouse: "RNO1", method: "Expedited", carrier: "UPS", service: "ups_2nd_day_air", sku: "CASE-IP15-BLK", qty: 3},
		{number: "Q-5004", channel: "Amazon", warehouse: "RNO1", method: "Standard", sku: "SCK-TRL-3PK-M", qty: 1},
		{number: "Q-5005", channel: "Web Store", warehouse: "AUS1", method: "Ground", sku: "BTL-STEEL-750", qty: 4},
		{number: "Q-5006", channel: "Web Store", warehouse: "DAL9", method: "Ground", sku: "CMP-MUG-12-SLT", qty: 1},
		{number: "Q-5007", channel: "Web Store", warehouse: "AUS1", method: "Ground", status: 2, sku: "BNE-MRN-OLV", qty: 1},
	}
}

// catalogue is the SKU list behind the demo: ShipStation products and Quipt
// inventory overlap in most SKUs, and each side has one the other lacks.
var (
	shipStationSKUs = []string{"CMP-MUG-12-SLT", "BNE-MRN-OLV", "CASE-IP15-BLK", "SCK-TRL-3PK-M", "BTL-STEEL-750", "GFT-CARD-25"}
	quiptSKUs       = []string{"cmp-mug-12-slt", "BNE-MRN-OLV", "CASE-IP15-BLK", "SCK-TRL-3PK-M", "BTL-STEEL-750", "TNT-2P-ULTRA"}
)

// seedQuipt loads the demo fulfillment orders and inventory into the Quipt
// sandbox, and the matching products into the ShipStation sandbox.
func seedQuipt(q *quipttest.Server, ss *sst.Server, now time.Time) {
	for i, o := range quiptOrders() {
		status := o.status
		if status == 0 {
			status = 4 // Open
		}
		name := demoNames[(i+3)%len(demoNames)]
		order := quipttest.Order{
			OrderNumber: o.number,
			Status:      status,
			CreatedAt:   now.Add(-time.Duration(i+1) * 10 * time.Minute),
			Channel:     quipttest.Channel{ID: fmt.Sprintf("c%d", i%2+1), Name: o.channel},
			Customer:    quipttest.Customer{Name: name, Email: fmt.Sprintf("buyer%d@example.com", i+1), Phone: "555-0100"},
			ShipTo: quipttest.Address{Name: name, Address1: fmt.Sprintf("%d Oak Ave", 200+i), City: "Denver", State: "CO",
				PostalCode: "80202", Country: "US", Phone: "555-0100", Residential: new(true)},
			Lines:         []quipttest.Line{{SKU: o.sku, Name: o.sku, Quantity: o.qty, UnitPrice: 24.5}},
			Shipping:      quipttest.Shipping{RequestedMethod: o.method},
			WarehouseCode: o.warehouse,
			Totals:        quipttest.Totals{Subtotal: 24.5 * float64(o.qty), Shipping: 6, Total: 24.5*float64(o.qty) + 6},
		}
		if o.carrier != "" {
			order.Shipping.CarrierCode, order.Shipping.CarrierMethod = new(o.carrier), new(o.service)
		}
		q.AddFulfillmentOrder(order)
	}
	for i, sku := range quiptSKUs {
		q.AddInventory(quipttest.InventoryItem{ID: fmt.Sprintf("inv-%d", i+1), SKU: sku, Name: sku, Quantity: 20 + i, WarehouseCode: "AUS1", UpdatedAt: now})
	}
	for _, sku := range shipStationSKUs {
		ss.AddProduct(sst.Product{SKU: sku, Name: sku, Active: new(true)})
	}
}
