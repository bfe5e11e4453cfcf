package shipstationtest

import (
	"encoding/json"
	"slices"
	"time"
)

// Order statuses of the ShipStation order model (docs §3.3).
const (
	StatusAwaitingPayment     = "awaiting_payment"
	StatusAwaitingShipment    = "awaiting_shipment"
	StatusPendingFulfillment  = "pending_fulfillment"
	StatusOnHold              = "on_hold"
	StatusShipped             = "shipped"
	StatusCancelled           = "cancelled"
	StatusRejectedFulfillment = "rejected_fulfillment"
)

// Order is a ShipStation order with the API's JSON field names. Times are
// instants; the sandbox renders them in Pacific local time without an offset,
// and a zero time.Time is rendered as null. Pointer fields are nullable in the
// API and are rendered as null when nil, so tests can seed odd data.
type Order struct {
	OrderID                   int64                 `json:"orderId"`
	OrderNumber               string                `json:"orderNumber"`
	OrderKey                  string                `json:"orderKey"`
	OrderDate                 time.Time             `json:"orderDate"`
	CreateDate                time.Time             `json:"createDate"`
	ModifyDate                time.Time             `json:"modifyDate"`
	PaymentDate               time.Time             `json:"paymentDate"`
	ShipByDate                time.Time             `json:"shipByDate"`
	OrderStatus               string                `json:"orderStatus"`
	CustomerID                *int64                `json:"customerId"`
	CustomerUsername          *string               `json:"customerUsername"`
	CustomerEmail             *string               `json:"customerEmail"`
	BillTo                    *Address              `json:"billTo"`
	ShipTo                    *Address              `json:"shipTo"`
	Items                     []OrderItem           `json:"items"`
	OrderTotal                float64               `json:"orderTotal"`
	AmountPaid                float64               `json:"amountPaid"`
	TaxAmount                 float64               `json:"taxAmount"`
	ShippingAmount            float64               `json:"shippingAmount"`
	CustomerNotes             *string               `json:"customerNotes"`
	InternalNotes             *string               `json:"internalNotes"`
	Gift                      bool                  `json:"gift"`
	GiftMessage               *string               `json:"giftMessage"`
	PaymentMethod             *string               `json:"paymentMethod"`
	RequestedShippingService  *string               `json:"requestedShippingService"`
	CarrierCode               *string               `json:"carrierCode"`
	ServiceCode               *string               `json:"serviceCode"`
	PackageCode               *string               `json:"packageCode"`
	Confirmation              *string               `json:"confirmation"`
	ShipDate                  time.Time             `json:"shipDate"`
	HoldUntilDate             time.Time             `json:"holdUntilDate"`
	Weight                    *Weight               `json:"weight"`
	Dimensions                *Dimensions           `json:"dimensions"`
	InsuranceOptions          *InsuranceOptions     `json:"insuranceOptions"`
	InternationalOptions      *InternationalOptions `json:"internationalOptions"`
	AdvancedOptions           AdvancedOptions       `json:"advancedOptions"`
	TagIDs                    []int64               `json:"tagIds"`
	UserID                    *string               `json:"userId"`
	ExternallyFulfilled       bool                  `json:"externallyFulfilled"`
	ExternallyFulfilledBy     *string               `json:"externallyFulfilledBy"`
	ExternallyFulfilledByID   *int64                `json:"externallyFulfilledById"`
	ExternallyFulfilledByName *string               `json:"externallyFulfilledByName"`
	LabelMessages             json.RawMessage       `json:"labelMessages"`
}

// OrderItem is one line of an order (docs §3.6). CreateDate and ModifyDate
// are rendered with the API's trimmed fraction, e.g. 2025-03-08T19:43:11.287.
type OrderItem struct {
	OrderItemID       int64        `json:"orderItemId"`
	LineItemKey       *string      `json:"lineItemKey"`
	SKU               string       `json:"sku"`
	Name              string       `json:"name"`
	ImageURL          *string      `json:"imageUrl"`
	Weight            *Weight      `json:"weight"`
	Quantity          int          `json:"quantity"`
	UnitPrice         float64      `json:"unitPrice"`
	TaxAmount         *float64     `json:"taxAmount"`
	ShippingAmount    *float64     `json:"shippingAmount"`
	WarehouseLocation *string      `json:"warehouseLocation"`
	Options           []ItemOption `json:"options"`
	ProductID         *int64       `json:"productId"`
	FulfillmentSKU    *string      `json:"fulfillmentSku"`
	Adjustment        bool         `json:"adjustment"`
	UPC               *string      `json:"upc"`
	CreateDate        time.Time    `json:"createDate"`
	ModifyDate        time.Time    `json:"modifyDate"`
}

// ShipmentItem is an order line as carried by a shipment; it has the same
// shape as OrderItem.
type ShipmentItem = OrderItem

// ItemOption is a name/value option of an order line.
type ItemOption struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Address is a ShipStation address. Name is a string; every other field is
// nullable.
type Address struct {
	Name            string  `json:"name"`
	Company         *string `json:"company"`
	Street1         *string `json:"street1"`
	Street2         *string `json:"street2"`
	Street3         *string `json:"street3"`
	City            *string `json:"city"`
	State           *string `json:"state"`
	PostalCode      *string `json:"postalCode"`
	Country         *string `json:"country"`
	Phone           *string `json:"phone"`
	Residential     *bool   `json:"residential"`
	AddressVerified *string `json:"addressVerified"`
}

// Weight is a weight with its units; WeightUnits is the read-only numeric
// form (1 for ounces in observed responses).
type Weight struct {
	Value       float64 `json:"value"`
	Units       string  `json:"units"`
	WeightUnits int     `json:"WeightUnits"`
}

// Dimensions are package dimensions.
type Dimensions struct {
	Units  string  `json:"units"`
	Length float64 `json:"length"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// InsuranceOptions are the insurance settings of an order or shipment.
type InsuranceOptions struct {
	Provider       *string `json:"provider"`
	InsureShipment bool    `json:"insureShipment"`
	InsuredValue   float64 `json:"insuredValue"`
}

// InternationalOptions are the customs settings of an order.
type InternationalOptions struct {
	Contents     *string       `json:"contents"`
	CustomsItems []CustomsItem `json:"customsItems"`
	NonDelivery  *string       `json:"nonDelivery"`
}

// CustomsItem is one customs declaration line.
type CustomsItem struct {
	CustomsItemID        int64   `json:"customsItemId"`
	Description          string  `json:"description"`
	Quantity             int     `json:"quantity"`
	Value                float64 `json:"value"`
	HarmonizedTariffCode *string `json:"harmonizedTariffCode"`
	CountryOfOrigin      *string `json:"countryOfOrigin"`
}

// AdvancedOptions are the advanced options of an order (docs §3.6).
type AdvancedOptions struct {
	WarehouseID          *int64  `json:"warehouseId"`
	NonMachinable        bool    `json:"nonMachinable"`
	SaturdayDelivery     bool    `json:"saturdayDelivery"`
	ContainsAlcohol      bool    `json:"containsAlcohol"`
	MergedOrSplit        bool    `json:"mergedOrSplit"`
	MergedIDs            []int64 `json:"mergedIds"`
	ParentID             *int64  `json:"parentId"`
	StoreID              *int64  `json:"storeId"`
	CustomField1         *string `json:"customField1"`
	CustomField2         *string `json:"customField2"`
	CustomField3         *string `json:"customField3"`
	Source               *string `json:"source"`
	BillToParty          *string `json:"billToParty"`
	BillToAccount        *string `json:"billToAccount"`
	BillToPostalCode     *string `json:"billToPostalCode"`
	BillToCountryCode    *string `json:"billToCountryCode"`
	BillToMyOtherAccount *int64  `json:"billToMyOtherAccount"`
}

// isOpen reports whether an order in this status may still be updated.
func isOpen(status string) bool {
	switch status {
	case StatusAwaitingPayment, StatusAwaitingShipment, StatusPendingFulfillment, StatusOnHold:
		return true
	}
	return false
}

// clone returns a copy of o that shares no mutable memory with it.
func (o Order) clone() Order {
	o.BillTo = clonePtr(o.BillTo)
	o.ShipTo = clonePtr(o.ShipTo)
	o.Items = cloneItems(o.Items)
	o.Weight = clonePtr(o.Weight)
	o.Dimensions = clonePtr(o.Dimensions)
	o.InsuranceOptions = clonePtr(o.InsuranceOptions)
	if o.InternationalOptions != nil {
		io := *o.InternationalOptions
		io.CustomsItems = slices.Clone(io.CustomsItems)
		o.InternationalOptions = &io
	}
	o.AdvancedOptions.MergedIDs = slices.Clone(o.AdvancedOptions.MergedIDs)
	o.TagIDs = slices.Clone(o.TagIDs)
	o.LabelMessages = slices.Clone(o.LabelMessages)
	return o
}

func cloneItems(items []OrderItem) []OrderItem {
	if items == nil {
		return nil
	}
	out := make([]OrderItem, len(items))
	for i, it := range items {
		it.Weight = clonePtr(it.Weight)
		it.Options = slices.Clone(it.Options)
		out[i] = it
	}
	return out
}

// clonePtr copies the value p points to.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
