package quipttest

import (
	"encoding/json"
	"time"
)

// Order is a Quipt order as docs/quipt-api.md shows it. The sandbox keeps its
// own types so that it shares no code with the client it tests.
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

// Channel is the order's sales channel.
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

// Address is the ship-to address.
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

// Line is an order line.
type Line struct {
	ID        string  `json:"Id"`
	SKU       string  `json:"SKU"`
	VendorSKU string  `json:"VendorSKU"`
	Name      string  `json:"Name"`
	Quantity  int     `json:"Quantity"`
	UnitPrice float64 `json:"UnitPrice"`
}

// Shipping is the requested method and the chosen carrier service.
type Shipping struct {
	RequestedMethod string  `json:"RequestedMethod"`
	CarrierCode     *string `json:"CarrierCode"`
	CarrierMethod   *string `json:"CarrierMethod"`
}

// Totals are the order's amounts.
type Totals struct {
	Subtotal float64 `json:"Subtotal"`
	Tax      float64 `json:"Tax"`
	Shipping float64 `json:"Shipping"`
	Total    float64 `json:"Total"`
}

// Shipment is one package.
type Shipment struct {
	ID                 string         `json:"Id"`
	ExternalShipmentID string         `json:"ExternalShipmentId"`
	TrackingNumber     string         `json:"TrackingNumber"`
	CarrierCode        string         `json:"CarrierCode"`
	CarrierMethod      string         `json:"CarrierMethod"`
	ShipDate           string         `json:"ShipDate"`
	Voided             bool           `json:"Voided"`
	Lines              []LineQuantity `json:"Lines"`
}

// LineQuantity is a quantity of one line.
type LineQuantity struct {
	LineID   string `json:"LineId"`
	Quantity int    `json:"Quantity"`
}

// Cancellation is one applied cancel.
type Cancellation struct {
	Type      string    `json:"Type"`
	Reason    string    `json:"Reason"`
	CreatedAt time.Time `json:"CreatedAt"`
}

// InventoryItem is one physical inventory record (the shape shipsync
// assumes: Quipt does not publish it).
type InventoryItem struct {
	ID            string    `json:"Id"`
	SKU           string    `json:"SKU"`
	VendorSKU     string    `json:"VendorSKU"`
	Name          string    `json:"Name"`
	Quantity      int       `json:"Quantity"`
	WarehouseCode string    `json:"WarehouseCode"`
	UpdatedAt     time.Time `json:"UpdatedAt"`
}

// Acknowledgement is one accepted or rejected acknowledge write.
type Acknowledgement struct {
	Status    int
	Reason    string
	Lines     []LineQuantity
	CreatedAt time.Time
}

// Write is one successful write, applied or answered as a duplicate.
type Write struct {
	// Endpoint is the path, e.g. /v2/orders/fulfillment/ship.
	Endpoint string
	// Key is the idempotency key: PartnerReference, ExternalShipmentId, or
	// "<OrderId>/<Status>" and "<OrderId>/<Type>" for acknowledge and cancel.
	Key string
	// Duplicate is true when the write repeated an earlier one.
	Duplicate bool
}

// Message is an envelope message.
type Message struct {
	Severity    string `json:"Severity"`
	Code        string `json:"Code"`
	Description string `json:"Description"`
}

// envelope is the body of every response.
type envelope struct {
	Paging          *paging   `json:"Paging,omitempty"`
	Result          any       `json:"Result"`
	TransactionID   string    `json:"TransactionId"`
	TransactionTime time.Time `json:"TransactionTime"`
	Success         bool      `json:"Success"`
	Messages        []Message `json:"Messages"`
}

type paging struct {
	PageNumber     int  `json:"PageNumber"`
	Total          int  `json:"Total"`
	HasMoreRecords bool `json:"HasMoreRecords"`
}

// listedOrder is an order in a read answer (the lists and the by-id call):
// Shipments and Cancellations are present only when the include parameter
// asked for them.
type listedOrder struct {
	Order
	Shipments     *[]Shipment     `json:"Shipments,omitempty"`
	Cancellations *[]Cancellation `json:"Cancellations,omitempty"`
}

// entry is one stored order: a well-formed one, or raw bytes served verbatim
// to test how clients handle malformed items.
type entry struct {
	order     Order
	raw       json.RawMessage
	rawStatus int
}

func (e *entry) status() int {
	if e.raw != nil {
		return e.rawStatus
	}
	return e.order.Status
}
