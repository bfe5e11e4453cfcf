package shipstationtest

import "time"

// Shipment is a label made in ShipStation (GET /shipments, docs §4.1).
// CreateDate and VoidDate are rendered as Pacific date-times, ShipDate as a
// date only; zero times are rendered as null. ShipmentItems is listed only
// when the request asks for includeShipmentItems=true.
type Shipment struct {
	ShipmentID          int64                   `json:"shipmentId"`
	OrderID             int64                   `json:"orderId"`
	OrderKey            string                  `json:"orderKey"`
	UserID              *string                 `json:"userId"`
	CustomerEmail       *string                 `json:"customerEmail"`
	OrderNumber         string                  `json:"orderNumber"`
	CreateDate          time.Time               `json:"createDate"`
	ShipDate            time.Time               `json:"shipDate"`
	ShipmentCost        float64                 `json:"shipmentCost"`
	InsuranceCost       float64                 `json:"insuranceCost"`
	TrackingNumber      string                  `json:"trackingNumber"`
	IsReturnLabel       bool                    `json:"isReturnLabel"`
	BatchNumber         *string                 `json:"batchNumber"`
	CarrierCode         string                  `json:"carrierCode"`
	ServiceCode         string                  `json:"serviceCode"`
	PackageCode         *string                 `json:"packageCode"`
	Confirmation        *string                 `json:"confirmation"`
	WarehouseID         *int64                  `json:"warehouseId"`
	Voided              bool                    `json:"voided"`
	VoidDate            time.Time               `json:"voidDate"`
	MarketplaceNotified bool                    `json:"marketplaceNotified"`
	NotifyErrorMessage  *string                 `json:"notifyErrorMessage"`
	ShipTo              *Address                `json:"shipTo"`
	Weight              *Weight                 `json:"weight"`
	Dimensions          *Dimensions             `json:"dimensions"`
	InsuranceOptions    *InsuranceOptions       `json:"insuranceOptions"`
	AdvancedOptions     ShipmentAdvancedOptions `json:"advancedOptions"`
	ShipmentItems       []ShipmentItem          `json:"shipmentItems"`
	LabelData           *string                 `json:"labelData"`
	FormData            *string                 `json:"formData"`
}

// ShipmentAdvancedOptions is the partial advancedOptions object that
// shipments carry.
type ShipmentAdvancedOptions struct {
	BillToParty       *string `json:"billToParty"`
	BillToAccount     *string `json:"billToAccount"`
	BillToPostalCode  *string `json:"billToPostalCode"`
	BillToCountryCode *string `json:"billToCountryCode"`
	StoreID           *int64  `json:"storeId"`
}

// Fulfillment is an order marked as shipped, in the UI, through
// /orders/markasshipped or by a fulfillment provider (GET /fulfillments, docs
// §4.3). CarrierCode is free text such as "FedEx". CreateDate, VoidDate and
// DeliveryDate are rendered as Pacific date-times, ShipDate as a date only.
type Fulfillment struct {
	FulfillmentID           int64     `json:"fulfillmentId"`
	OrderID                 int64     `json:"orderId"`
	OrderNumber             string    `json:"orderNumber"`
	UserID                  *string   `json:"userId"`
	CustomerEmail           *string   `json:"customerEmail"`
	TrackingNumber          string    `json:"trackingNumber"`
	CreateDate              time.Time `json:"createDate"`
	ShipDate                time.Time `json:"shipDate"`
	VoidDate                time.Time `json:"voidDate"`
	DeliveryDate            time.Time `json:"deliveryDate"`
	CarrierCode             string    `json:"carrierCode"`
	SellerFillProviderID    *int64    `json:"sellerFillProviderId"`
	SellerFillProviderName  *string   `json:"sellerFillProviderName"`
	FulfillmentServiceCode  *string   `json:"fulfillmentServiceCode"`
	FulfillmentProviderCode *string   `json:"fulfillmentProviderCode"`
	FulfillmentFee          float64   `json:"fulfillmentFee"`
	VoidRequested           bool      `json:"voidRequested"`
	Voided                  bool      `json:"voided"`
	MarketplaceNotified     bool      `json:"marketplaceNotified"`
	NotifyErrorMessage      *string   `json:"notifyErrorMessage"`
	ShipTo                  *Address  `json:"shipTo"`
}

// clone returns a copy of s that shares no mutable memory with it.
func (s Shipment) clone() Shipment {
	s.ShipTo = clonePtr(s.ShipTo)
	s.Weight = clonePtr(s.Weight)
	s.Dimensions = clonePtr(s.Dimensions)
	s.InsuranceOptions = clonePtr(s.InsuranceOptions)
	s.ShipmentItems = cloneItems(s.ShipmentItems)
	return s
}

// clone returns a copy of f that shares no mutable memory with it.
func (f Fulfillment) clone() Fulfillment {
	f.ShipTo = clonePtr(f.ShipTo)
	return f
}
