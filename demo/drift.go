package demo

import (
	"time"

	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
)

// MissAnImport plays an outage on purpose: an order created in ShipStation
// while get-orders was off, an hour before now, which no scheduled run will
// see before the next one, and a reconcile finds at once. It returns the
// order's orderId.
func (w *World) MissAnImport(now time.Time) int64 {
	created := now.Add(-time.Hour)
	o := w.ShipStation.AddOrder(sst.Order{
		OrderNumber: "WEB-1010", OrderDate: created, CreateDate: created, PaymentDate: created,
		OrderStatus:   sst.StatusAwaitingShipment,
		CustomerEmail: new("customer-outage@example.com"),
		BillTo:        &sst.Address{Name: "Ravi Menon"},
		ShipTo: &sst.Address{Name: "Ravi Menon", Street1: new("210 Elm St"), City: new("Austin"), State: new("TX"),
			PostalCode: new("78701"), Country: new("US"), Phone: new("512-555-0199"), Residential: new(true)},
		Items:                    []sst.OrderItem{{LineItemKey: new("li_WEB-1010_1"), SKU: "BNE-MRN-OLV", Name: "BNE-MRN-OLV", Quantity: 1, UnitPrice: 28}},
		OrderTotal:               33,
		AmountPaid:               33,
		ShippingAmount:           5,
		RequestedShippingService: new("Ground"),
		Weight:                   &sst.Weight{Value: 16, Units: "ounces", WeightUnits: 1},
		AdvancedOptions:          sst.AdvancedOptions{StoreID: new(int64(sst.DefaultStoreID)), WarehouseID: new(int64(sst.AustinWarehouseID)), Source: new("web")},
	})
	return o.OrderID
}
