package shipstation

import (
	"context"
	"iter"
	"net/url"
	"time"

	"github.com/shipsync/shipsync/connector/jsonfields"
)

// Shipment is a label created in ShipStation (GET /shipments). Voided labels
// keep their CreateDate and gain Voided and VoidDate; return labels are
// listed too (IsReturnLabel).
type Shipment struct {
	ShipmentID int64 `json:"shipmentId"`
	// OrderID is 0 for a label made without an order.
	OrderID             int64            `json:"orderId"`
	OrderKey            string           `json:"orderKey"`
	OrderNumber         string           `json:"orderNumber"`
	UserID              string           `json:"userId"`
	CustomerEmail       string           `json:"customerEmail"`
	CreateDate          Time             `json:"createDate"`
	ShipDate            Date             `json:"shipDate"`
	ShipmentCost        float64          `json:"shipmentCost"`
	InsuranceCost       float64          `json:"insuranceCost"`
	TrackingNumber      string           `json:"trackingNumber"`
	IsReturnLabel       bool             `json:"isReturnLabel"`
	BatchNumber         string           `json:"batchNumber"`
	CarrierCode         string           `json:"carrierCode"`
	ServiceCode         string           `json:"serviceCode"`
	PackageCode         string           `json:"packageCode"`
	Confirmation        string           `json:"confirmation"`
	WarehouseID         int64            `json:"warehouseId"`
	Voided              bool             `json:"voided"`
	VoidDate            Time             `json:"voidDate"`
	MarketplaceNotified bool             `json:"marketplaceNotified"`
	NotifyErrorMessage  string           `json:"notifyErrorMessage"`
	ShipTo              Address          `json:"shipTo"`
	Weight              Weight           `json:"weight"`
	Dimensions          *Dimensions      `json:"dimensions"`
	InsuranceOptions    InsuranceOptions `json:"insuranceOptions"`
	AdvancedOptions     AdvancedOptions  `json:"advancedOptions"`
	// ShipmentItems is nil unless the list asked for IncludeShipmentItems.
	ShipmentItems []OrderItem `json:"shipmentItems"`
}

// ShipmentsService handles /shipments.
type ShipmentsService service

// ShipmentListOptions filters GET /shipments. Zero values are not sent;
// date-times are sent as Pacific "2006-01-02 15:04:05", ship dates as Pacific
// "2006-01-02". Starts and ends are inclusive.
type ShipmentListOptions struct {
	CreateDateStart time.Time
	CreateDateEnd   time.Time
	VoidDateStart   time.Time
	VoidDateEnd     time.Time
	ShipDateStart   time.Time
	ShipDateEnd     time.Time
	OrderID         int64
	StoreID         int64
	// IncludeShipmentItems fills Shipment.ShipmentItems (ShipStation's default is false).
	IncludeShipmentItems bool
	// SortBy is ShipDate or CreateDate; SortDir is ASC or DESC.
	SortBy  string
	SortDir string
	// PageSize defaults to (and is capped at) MaxPageSize.
	PageSize int
}

// Pages lists shipments page by page; see Page for how bad items are reported.
func (s *ShipmentsService) Pages(ctx context.Context, opts ShipmentListOptions) iter.Seq2[*Page[Shipment], error] {
	q := query{}
	q.time("createDateStart", opts.CreateDateStart)
	q.time("createDateEnd", opts.CreateDateEnd)
	q.time("voidDateStart", opts.VoidDateStart)
	q.time("voidDateEnd", opts.VoidDateEnd)
	q.date("shipDateStart", opts.ShipDateStart)
	q.date("shipDateEnd", opts.ShipDateEnd)
	q.id("orderId", opts.OrderID)
	q.id("storeId", opts.StoreID)
	q.flag("includeShipmentItems", opts.IncludeShipmentItems)
	q.str("sortBy", opts.SortBy)
	q.str("sortDir", opts.SortDir)
	return pages[Shipment](ctx, s.client, listSpec{
		path: "/shipments", query: url.Values(q), pageSize: opts.PageSize, itemsKey: "shipments", idKey: "shipmentId",
	}, jsonfields.Std[Shipment])
}
