package shipstation

import (
	"context"
	"iter"
	"net/url"
	"time"

	"github.com/shipsync/shipsync/connector/jsonfields"
)

// Fulfillment is an order marked as shipped (in the UI or with
// Orders.MarkAsShipped) or shipped by a fulfillment provider. It carries no
// items: it ships every line of the order not shipped yet.
type Fulfillment struct {
	FulfillmentID  int64  `json:"fulfillmentId"`
	OrderID        int64  `json:"orderId"`
	OrderNumber    string `json:"orderNumber"`
	UserID         string `json:"userId"`
	CustomerEmail  string `json:"customerEmail"`
	TrackingNumber string `json:"trackingNumber"`
	CreateDate     Time   `json:"createDate"`
	ShipDate       Date   `json:"shipDate"`
	VoidDate       Time   `json:"voidDate"`
	DeliveryDate   Time   `json:"deliveryDate"`
	// CarrierCode is free text as entered ("USPS", "FedEx"), not necessarily
	// a /carriers code.
	CarrierCode             string  `json:"carrierCode"`
	SellerFillProviderID    int64   `json:"sellerFillProviderId"`
	SellerFillProviderName  string  `json:"sellerFillProviderName"`
	FulfillmentServiceCode  string  `json:"fulfillmentServiceCode"`
	FulfillmentProviderCode string  `json:"fulfillmentProviderCode"`
	FulfillmentFee          float64 `json:"fulfillmentFee"`
	VoidRequested           bool    `json:"voidRequested"`
	Voided                  bool    `json:"voided"`
	MarketplaceNotified     bool    `json:"marketplaceNotified"`
	NotifyErrorMessage      string  `json:"notifyErrorMessage"`
	ShipTo                  Address `json:"shipTo"`
}

// FulfillmentsService handles /fulfillments.
type FulfillmentsService service

// FulfillmentListOptions filters GET /fulfillments. Zero values are not sent;
// date-times are sent as Pacific "2006-01-02 15:04:05", ship dates as Pacific
// "2006-01-02".
type FulfillmentListOptions struct {
	CreateDateStart time.Time
	CreateDateEnd   time.Time
	ShipDateStart   time.Time
	ShipDateEnd     time.Time
	OrderID         int64
	OrderNumber     string
	TrackingNumber  string
	// SortBy is ShipDate or CreateDate; SortDir is ASC or DESC.
	SortBy  string
	SortDir string
	// PageSize defaults to (and is capped at) MaxPageSize.
	PageSize int
}

// Pages lists fulfillments page by page; see Page for how bad items are reported.
func (s *FulfillmentsService) Pages(ctx context.Context, opts FulfillmentListOptions) iter.Seq2[*Page[Fulfillment], error] {
	q := query{}
	q.time("createDateStart", opts.CreateDateStart)
	q.time("createDateEnd", opts.CreateDateEnd)
	q.date("shipDateStart", opts.ShipDateStart)
	q.date("shipDateEnd", opts.ShipDateEnd)
	q.id("orderId", opts.OrderID)
	q.str("orderNumber", opts.OrderNumber)
	q.str("trackingNumber", opts.TrackingNumber)
	q.str("sortBy", opts.SortBy)
	q.str("sortDir", opts.SortDir)
	return pages[Fulfillment](ctx, s.client, listSpec{
		path: "/fulfillments", query: url.Values(q), pageSize: opts.PageSize, itemsKey: "fulfillments", idKey: "fulfillmentId",
	}, jsonfields.Std[Fulfillment])
}
