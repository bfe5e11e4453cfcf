package demo

import (
	"fmt"
	"time"

	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
)

// ssOrder describes one seeded ShipStation order in a line.
type ssOrder struct {
	number    string
	age       time.Duration // how long before now it was created
	status    string
	method    string // requestedShippingService
	carrier   string // the order's own carrierCode, "" for none
	service   string
	orderKey  string // "" lets the sandbox generate one
	store     int64
	warehouse int64
	noStreet  bool // an address shipsync must refuse
	sku       string
	qty       int
	price     float64
}

// shipStationOrders is what the demo account holds: orders that get-orders
// imports (through a mapping, a case- and space-insensitive mapping, the
// order's own carrier and the default carrier), and orders it must leave alone
// (outside the 7-day window, another status, pushed by shipsync itself) or
// dead-letter (no street).
func shipStationOrders() []ssOrder {
	const day = 24 * time.Hour
	return []ssOrder{
		{number: "WEB-1001", age: 2 * time.Hour, method: "Next Day Air", sku: "CMP-MUG-12-SLT", qty: 2, price: 34.5},
		{number: "WEB-1002", age: 5 * time.Hour, method: "Ground", sku: "BNE-MRN-OLV", qty: 1, price: 28},
		{number: "WEB-1003", age: 26 * time.Hour, method: "  ground ", sku: "SCK-TRL-3PK-M", qty: 3, price: 19.5},
		{number: "AMZ-2001", age: 3 * day, method: "Standard Shipping (3-5 days)", carrier: "ups", service: "ups_ground", store: sst.AmazonStoreID, warehouse: sst.RenoWarehouseID, sku: "CASE-IP15-BLK", qty: 1, price: 19.99},
		{number: "WEB-1004", age: 4 * day, method: "Economy", sku: "BTL-STEEL-750", qty: 2, price: 24},
		{number: "WEB-1008", age: 7*day - 3*time.Hour, method: "Ground", sku: "CMP-MUG-12-SLT", qty: 1, price: 34.5},
		{number: "WEB-1009", age: 7*day + 3*time.Hour, method: "Ground", sku: "CMP-MUG-12-SLT", qty: 1, price: 34.5},
		{number: "WEB-1005", age: 12 * day, method: "Ground", sku: "BNE-MRN-OLV", qty: 1, price: 28},
		{number: "WEB-1006", age: 6 * time.Hour, status: sst.StatusAwaitingPayment, method: "Ground", sku: "BNE-MRN-OLV", qty: 1, price: 28},
		{number: "Q-100231", age: 8 * time.Hour, method: "Standard", carrier: "fedex", service: "fedex_ground", orderKey: "quipt:8b0e6f7c-3f0a-4c3e-9a51-2f7d3c1b9e20", sku: "CASE-IP15-BLK", qty: 2, price: 19.99},
		{number: "WEB-1007", age: 30 * time.Hour, method: "Ground", noStreet: true, sku: "SCK-TRL-3PK-M", qty: 1, price: 19.5},
	}
}

// seedShipStation loads the demo orders into the ShipStation sandbox.
func seedShipStation(ss *sst.Server, now time.Time) {
	for i, o := range shipStationOrders() {
		status := o.status
		if status == "" {
			status = sst.StatusAwaitingShipment
		}
		store, warehouse := o.store, o.warehouse
		if store == 0 {
			store = sst.DefaultStoreID
		}
		if warehouse == 0 {
			warehouse = sst.AustinWarehouseID
		}
		name := demoNames[i%len(demoNames)]
		ship := &sst.Address{
			Name: name, Street1: new(fmt.Sprintf("%d Elm St", 100+i)), City: new("Austin"), State: new("TX"),
			PostalCode: new("78701"), Country: new("US"), Phone: new("512-555-0142"), Residential: new(true),
		}
		if o.noStreet {
			ship.Street1 = nil
		}
		created := now.Add(-o.age)
		order := sst.Order{
			OrderNumber:              o.number,
			OrderKey:                 o.orderKey,
			OrderDate:                created.Add(-time.Minute),
			CreateDate:               created,
			PaymentDate:              created.Add(-time.Minute),
			OrderStatus:              status,
			CustomerEmail:            new(fmt.Sprintf("customer%d@example.com", i+1)),
			BillTo:                   &sst.Address{Name: name},
			ShipTo:                   ship,
			Items:                    []sst.OrderItem{{LineItemKey: new(fmt.Sprintf("li_%s_1", o.number)), SKU: o.sku, Name: o.sku, Quantity: o.qty, UnitPrice: o.price}},
			OrderTotal:               float64(o.qty)*o.price + 5,
			AmountPaid:               float64(o.qty)*o.price + 5,
			ShippingAmount:           5,
			RequestedShippingService: new(o.method),
			Confirmation:             new("none"),
			Weight:                   &sst.Weight{Value: 16, Units: "ounces", WeightUnits: 1},
			AdvancedOptions:          sst.AdvancedOptions{StoreID: new(store), WarehouseID: new(warehouse), Source: new("web")},
		}
		if o.carrier != "" {
			order.CarrierCode, order.ServiceCode = new(o.carrier), new(o.service)
		}
		ss.AddOrder(order)
	}
}

var demoNames = []string{"Dana Ruiz", "Jordan Alvarez", "Priya Natarajan", "Mathieu Tremblay", "Sam Okafor", "Lee Chen"}
