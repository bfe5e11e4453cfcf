package quipt

import (
	"errors"
	"time"
)

// Order statuses (bit values; list filters combine them).
const (
	StatusPending  = 2  // still validating
	StatusOpen     = 4  // ready to ship
	StatusShipped  = 8  // every line shipped
	StatusCanceled = 16 // cancelled
)

// Order sub-statuses.
const (
	SubStatusHold                 = 80
	SubStatusSoftCancel           = 95 // "Cancelled By Warehouse"
	SubStatusCancelationRequested = 105
	SubStatusCaptureFailed        = 110
	SubStatusRefundFailed         = 115
)

// Order is a Quipt fulfillment or purchase order. Unknown fields are ignored
// and null leaves a field at its zero value. Times are UTC.
type Order struct {
	ID               string         `json:"Id"`
	OrderNumber      string         `json:"OrderNumber"`
	PartnerReference *string        `json:"PartnerReference"`
	Status           int            `json:"Status"`
	SubStatus        int            `json:"SubStatus"`
	CreatedAt        time.Time      `json:"CreatedAt"`
	UpdatedAt        time.Time      `json:"UpdatedAt"`
	Channel          Channel        `json:"Channel"`
	Customer         Customer       `json:"Customer"`
	ShipTo           Address        `json:"ShipTo"`
	Lines            []Line         `json:"Lines"`
	Shipping         Shipping       `json:"Shipping"`
	WarehouseCode    string         `json:"WarehouseCode"`
	Totals           Totals         `json:"Totals"`
	Shipments        []Shipment     `json:"Shipments"`
	Cancellations    []Cancellation `json:"Cancellations"`
}

// Channel is the sales channel an order came from.
type Channel struct {
	ID   string `json:"Id"`
	Name string `json:"Name"`
}

// Customer is the buyer.
type Customer struct {
	Name  string `json:"Name"`
	Email string `json:"Email"`
	Phone string `json:"Phone"`
}

// Address is a ship-to address.
type Address struct {
	Name        string  `json:"Name"`
	Company     *string `json:"Company"`
	Address1    string  `json:"Address1"`
	Address2    *string `json:"Address2"`
	City        string  `json:"City"`
	State       string  `json:"State"`
	PostalCode  string  `json:"PostalCode"`
	Country     string  `json:"Country"`
	Phone       string  `json:"Phone"`
	Residential *bool   `json:"Residential"`
}

// Line is one order line.
type Line struct {
	ID        string  `json:"Id,omitempty"`
	SKU       string  `json:"SKU"`
	VendorSKU string  `json:"VendorSKU"`
	Name      string  `json:"Name"`
	Quantity  int     `json:"Quantity"`
	UnitPrice float64 `json:"UnitPrice"`
}

// Shipping is the requested and, when chosen, the actual carrier service.
type Shipping struct {
	RequestedMethod string  `json:"RequestedMethod"`
	CarrierCode     *string `json:"CarrierCode"`
	CarrierMethod   *string `json:"CarrierMethod"`
}

// Totals are the order's money amounts.
type Totals struct {
	Subtotal float64 `json:"Subtotal"`
	Tax      float64 `json:"Tax"`
	Shipping float64 `json:"Shipping"`
	Total    float64 `json:"Total"`
}

// Shipment is one package of an order.
type Shipment struct {
	ID                 string         `json:"Id"`
	ExternalShipmentID string         `json:"ExternalShipmentId"`
	TrackingNumber     string         `json:"TrackingNumber"`
	CarrierCode        string         `json:"CarrierCode"`
	CarrierMethod      string         `json:"CarrierMethod"`
	ShipDate           string         `json:"ShipDate"` // yyyy-mm-dd
	Voided             bool           `json:"Voided"`
	Lines              []LineQuantity `json:"Lines"`
}

// LineQuantity is a quantity of one order line, in shipments and writes.
type LineQuantity struct {
	LineID   string `json:"LineId"`
	Quantity int    `json:"Quantity"`
}

// Cancellation records one cancel applied to an order.
type Cancellation struct {
	Type      string    `json:"Type"`
	Reason    string    `json:"Reason"`
	CreatedAt time.Time `json:"CreatedAt"`
}

// InventoryItem is one record of GET /v2/inventory/physical. Quipt does not
// publish this shape; shipsync assumes {Id, SKU, VendorSKU, Name, Quantity,
// WarehouseCode, UpdatedAt} and only relies on SKU.
type InventoryItem struct {
	ID            string    `json:"Id"`
	SKU           string    `json:"SKU"`
	VendorSKU     string    `json:"VendorSKU"`
	Name          string    `json:"Name"`
	Quantity      int       `json:"Quantity"`
	WarehouseCode string    `json:"WarehouseCode"`
	UpdatedAt     time.Time `json:"UpdatedAt"`
}

// validateOrder rejects a decoded order that cannot be worked with.
func validateOrder(o *Order) error {
	if o.ID == "" {
		return errors.New("order has no Id")
	}
	return nil
}

// validateInventoryItem rejects a decoded inventory record without a SKU.
func validateInventoryItem(it *InventoryItem) error {
	if it.SKU == "" {
		return errors.New("inventory item has no SKU")
	}
	return nil
}
