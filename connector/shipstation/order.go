package shipstation

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Order statuses. ShipStation adds values over time, so Order.OrderStatus is
// a plain string and callers must tolerate others.
const (
	StatusAwaitingPayment     = "awaiting_payment"
	StatusAwaitingShipment    = "awaiting_shipment"
	StatusPendingFulfillment  = "pending_fulfillment"
	StatusShipped             = "shipped"
	StatusOnHold              = "on_hold"
	StatusCancelled           = "cancelled"
	StatusRejectedFulfillment = "rejected_fulfillment"
)

// Order is a ShipStation order. Fields marked read-only are set by
// ShipStation; they are omitted when zero, and CreateOrders strips them, so an
// Order built from scratch or read back can be sent whole (createorder does
// not support partial updates: fields left out are cleared).
type Order struct {
	// OrderID is ShipStation's ID. Leave it 0 when creating; send it when
	// updating a split or merged order.
	OrderID     int64  `json:"orderId,omitempty"`
	OrderNumber string `json:"orderNumber"`
	// OrderKey is the caller's unique key; createorder(s) upserts by it.
	OrderKey    string `json:"orderKey,omitempty"`
	OrderDate   Time   `json:"orderDate"`
	CreateDate  Time   `json:"createDate,omitzero"` // read-only
	ModifyDate  Time   `json:"modifyDate,omitzero"` // read-only
	PaymentDate Time   `json:"paymentDate,omitzero"`
	ShipByDate  Time   `json:"shipByDate,omitzero"`
	// OrderStatus is one of the Status constants.
	OrderStatus      string      `json:"orderStatus"`
	CustomerID       int64       `json:"customerId,omitempty"` // read-only
	CustomerUsername string      `json:"customerUsername,omitempty"`
	CustomerEmail    string      `json:"customerEmail,omitempty"`
	BillTo           Address     `json:"billTo"`
	ShipTo           Address     `json:"shipTo"`
	Items            []OrderItem `json:"items,omitempty"`
	OrderTotal       float64     `json:"orderTotal,omitempty"` // read-only
	AmountPaid       float64     `json:"amountPaid"`
	TaxAmount        float64     `json:"taxAmount"`
	ShippingAmount   float64     `json:"shippingAmount"`
	CustomerNotes    string      `json:"customerNotes,omitempty"`
	InternalNotes    string      `json:"internalNotes,omitempty"`
	Gift             bool        `json:"gift"`
	GiftMessage      string      `json:"giftMessage,omitempty"`
	PaymentMethod    string      `json:"paymentMethod,omitempty"`
	// RequestedShippingService is the method the buyer chose, as the channel wrote it.
	RequestedShippingService string  `json:"requestedShippingService,omitempty"`
	CarrierCode              *string `json:"carrierCode,omitempty"`
	ServiceCode              *string `json:"serviceCode,omitempty"`
	PackageCode              *string `json:"packageCode,omitempty"`
	// Confirmation is none, delivery, signature, adult_signature or direct_signature.
	Confirmation string `json:"confirmation,omitempty"`
	ShipDate     Date   `json:"shipDate,omitzero"`
	// HoldUntilDate is when an on_hold order returns to awaiting_shipment;
	// createorders replaces it like any other field, so an update that keeps
	// a hold sends it back.
	HoldUntilDate        Time                 `json:"holdUntilDate,omitzero"`
	Weight               Weight               `json:"weight,omitzero"`
	Dimensions           *Dimensions          `json:"dimensions,omitempty"`
	InsuranceOptions     InsuranceOptions     `json:"insuranceOptions,omitzero"`
	InternationalOptions InternationalOptions `json:"internationalOptions,omitzero"`
	AdvancedOptions      AdvancedOptions      `json:"advancedOptions,omitzero"`
	// TagIDs is nil when the order has no tags (ShipStation sends null).
	TagIDs []int64 `json:"tagIds,omitempty"`
	// UserID is the assigned user's GUID, nil when unassigned. Read-only:
	// assign with Orders.AssignUser.
	UserID                    *string `json:"userId,omitempty"`
	ExternallyFulfilled       bool    `json:"externallyFulfilled,omitempty"`       // read-only
	ExternallyFulfilledBy     string  `json:"externallyFulfilledBy,omitempty"`     // read-only
	ExternallyFulfilledByID   int64   `json:"externallyFulfilledById,omitempty"`   // read-only
	ExternallyFulfilledByName string  `json:"externallyFulfilledByName,omitempty"` // read-only
}

// OrderItem is a line of an order, or of a shipment (Shipment.ShipmentItems).
type OrderItem struct {
	OrderItemID int64 `json:"orderItemId,omitempty"` // read-only
	// LineItemKey is the line's ID in the originating system.
	LineItemKey       string       `json:"lineItemKey,omitempty"`
	SKU               string       `json:"sku,omitempty"`
	Name              string       `json:"name"`
	ImageURL          string       `json:"imageUrl,omitempty"`
	Weight            Weight       `json:"weight,omitzero"`
	Quantity          int          `json:"quantity"`
	UnitPrice         float64      `json:"unitPrice"`
	TaxAmount         float64      `json:"taxAmount,omitempty"`      // per unit
	ShippingAmount    float64      `json:"shippingAmount,omitempty"` // per unit
	WarehouseLocation string       `json:"warehouseLocation,omitempty"`
	Options           []ItemOption `json:"options,omitempty"`
	ProductID         int64        `json:"productId,omitempty"`
	FulfillmentSKU    string       `json:"fulfillmentSku,omitempty"`
	// Adjustment marks a non-physical line such as a discount.
	Adjustment bool   `json:"adjustment"`
	UPC        string `json:"upc,omitempty"`
	CreateDate Time   `json:"createDate,omitzero"` // read-only
	ModifyDate Time   `json:"modifyDate,omitzero"` // read-only
}

// ItemOption is a name/value option of an order item, such as a size.
type ItemOption struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// UnmarshalJSON decodes an item, reading a quantity written as a decimal
// ("quantity": 1.0) as the whole number it is.
func (it *OrderItem) UnmarshalJSON(b []byte) error {
	type plain OrderItem
	aux := struct {
		*plain
		Quantity json.Number `json:"quantity"`
	}{plain: (*plain)(it)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	q, err := wholeQuantity(aux.Quantity)
	it.Quantity = q
	return err
}

// wholeQuantity reads an item quantity: a whole number, also when written as
// a decimal; absent or null is 0.
func wholeQuantity(n json.Number) (int, error) {
	if n == "" {
		return 0, nil
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) {
		return 0, fmt.Errorf("item quantity %s is not a whole number", n)
	}
	return int(f), nil
}

// UnmarshalJSON accepts the {name, value} objects live responses carry and
// the plain strings the model page documents ("Size: L" becomes Name "Size",
// Value "L"; a string without a colon is the Value alone).
func (o *ItemOption) UnmarshalJSON(b []byte) error {
	var text string
	if err := json.Unmarshal(b, &text); err == nil {
		name, value, found := strings.Cut(text, ":")
		if !found {
			*o = ItemOption{Value: strings.TrimSpace(text)}
			return nil
		}
		*o = ItemOption{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)}
		return nil
	}
	type plain ItemOption
	return json.Unmarshal(b, (*plain)(o))
}

// Address is a bill-to, ship-to or warehouse address. Nulls decode as "".
type Address struct {
	Name       string `json:"name"`
	Company    string `json:"company,omitempty"`
	Street1    string `json:"street1,omitempty"`
	Street2    string `json:"street2,omitempty"`
	Street3    string `json:"street3,omitempty"`
	City       string `json:"city,omitempty"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
	// Country is the ISO 3166-1 alpha-2 code.
	Country     string `json:"country,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Residential *bool  `json:"residential,omitempty"`
	// AddressVerified is ShipStation's validation result. Read-only.
	AddressVerified string `json:"addressVerified,omitempty"`
}

// Weight is a weight with its unit: pounds, ounces or grams.
type Weight struct {
	Value float64 `json:"value"`
	Units string  `json:"units"`
	// WeightUnits is ShipStation's numeric unit code. Read-only.
	WeightUnits int `json:"WeightUnits,omitempty"`
}

// Dimensions are package dimensions in inches or centimeters.
type Dimensions struct {
	Units  string  `json:"units"`
	Length float64 `json:"length"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// InsuranceOptions says whether and how a shipment is insured.
type InsuranceOptions struct {
	Provider       string  `json:"provider,omitempty"`
	InsureShipment bool    `json:"insureShipment"`
	InsuredValue   float64 `json:"insuredValue"`
}

// InternationalOptions holds the customs data; all empty for domestic orders.
type InternationalOptions struct {
	Contents     string        `json:"contents,omitempty"`
	CustomsItems []CustomsItem `json:"customsItems,omitempty"`
	NonDelivery  string        `json:"nonDelivery,omitempty"`
}

// CustomsItem is one line of a customs declaration.
type CustomsItem struct {
	// CustomsItemID is set by ShipStation; send it to update an existing line.
	CustomsItemID        int64   `json:"customsItemId,omitempty"`
	Description          string  `json:"description"`
	Quantity             int     `json:"quantity"`
	Value                float64 `json:"value"` // USD
	HarmonizedTariffCode string  `json:"harmonizedTariffCode,omitempty"`
	CountryOfOrigin      string  `json:"countryOfOrigin,omitempty"`
}

// AdvancedOptions are an order's routing and billing settings. Shipments
// carry a subset (the billing fields and StoreID).
type AdvancedOptions struct {
	// WarehouseID is the ship-from location; 0 when a fill provider fulfilled the order.
	WarehouseID      int64 `json:"warehouseId,omitempty"`
	NonMachinable    bool  `json:"nonMachinable,omitempty"`
	SaturdayDelivery bool  `json:"saturdayDelivery,omitempty"`
	ContainsAlcohol  bool  `json:"containsAlcohol,omitempty"`
	// StoreID can only be set when the order is created.
	StoreID      int64  `json:"storeId,omitempty"`
	CustomField1 string `json:"customField1,omitempty"`
	CustomField2 string `json:"customField2,omitempty"`
	CustomField3 string `json:"customField3,omitempty"`
	Source       string `json:"source,omitempty"`
	// MergedOrSplit, MergedIDs and ParentID describe merges and splits. Read-only.
	MergedOrSplit bool    `json:"mergedOrSplit,omitempty"`
	MergedIDs     []int64 `json:"mergedIds,omitempty"`
	ParentID      int64   `json:"parentId,omitempty"`
	// BillToParty is my_account, my_other_account, recipient or third_party.
	BillToParty       string `json:"billToParty,omitempty"`
	BillToAccount     string `json:"billToAccount,omitempty"`
	BillToPostalCode  string `json:"billToPostalCode,omitempty"`
	BillToCountryCode string `json:"billToCountryCode,omitempty"`
	// BillToMyOtherAccount is the carrier's shippingProviderId for my_other_account.
	BillToMyOtherAccount int64 `json:"billToMyOtherAccount,omitempty"`
}
