package shipstation

import (
	"context"
	"iter"
	"net/url"
	"time"

	"github.com/shipsync/shipsync/connector/jsonfields"
)

// Product is a product of the account's catalogue.
type Product struct {
	ProductID               int64            `json:"productId"`
	SKU                     string           `json:"sku"`
	Name                    string           `json:"name"`
	Price                   float64          `json:"price"`
	DefaultCost             float64          `json:"defaultCost"`
	Length                  float64          `json:"length"`
	Width                   float64          `json:"width"`
	Height                  float64          `json:"height"`
	WeightOz                float64          `json:"weightOz"`
	InternalNotes           string           `json:"internalNotes"`
	FulfillmentSKU          string           `json:"fulfillmentSku"`
	CreateDate              Time             `json:"createDate"`
	ModifyDate              Time             `json:"modifyDate"`
	Active                  bool             `json:"active"`
	ProductCategory         *ProductCategory `json:"productCategory"`
	WarehouseLocation       string           `json:"warehouseLocation"`
	DefaultCarrierCode      string           `json:"defaultCarrierCode"`
	DefaultServiceCode      string           `json:"defaultServiceCode"`
	DefaultPackageCode      string           `json:"defaultPackageCode"`
	DefaultIntlCarrierCode  string           `json:"defaultIntlCarrierCode"`
	DefaultIntlServiceCode  string           `json:"defaultIntlServiceCode"`
	DefaultIntlPackageCode  string           `json:"defaultIntlPackageCode"`
	DefaultConfirmation     string           `json:"defaultConfirmation"`
	DefaultIntlConfirmation string           `json:"defaultIntlConfirmation"`
	CustomsDescription      string           `json:"customsDescription"`
	CustomsValue            float64          `json:"customsValue"`
	CustomsTariffNo         string           `json:"customsTariffNo"`
	CustomsCountryCode      string           `json:"customsCountryCode"`
	NoCustoms               bool             `json:"noCustoms"`
	Tags                    []ProductTag     `json:"tags"`
}

// ProductCategory is a product's category.
type ProductCategory struct {
	CategoryID int64  `json:"categoryId"`
	Name       string `json:"name"`
}

// ProductTag is a tag on a product.
type ProductTag struct {
	TagID int64  `json:"tagId"`
	Name  string `json:"name"`
}

// ProductsService handles /products.
type ProductsService service

// ProductListOptions filters GET /products. Zero values are not sent.
type ProductListOptions struct {
	SKU               string
	Name              string
	ProductCategoryID int64
	ProductTypeID     int64
	TagID             int64
	// StartDate and EndDate bound the creation date (Pacific "2006-01-02 15:04:05").
	StartDate    time.Time
	EndDate      time.Time
	ShowInactive bool
	// SortBy is SKU, ModifyDate or CreateDate; SortDir is ASC or DESC.
	SortBy  string
	SortDir string
	// PageSize defaults to (and is capped at) MaxPageSize.
	PageSize int
}

// Pages lists products page by page; see Page for how bad items are reported.
func (s *ProductsService) Pages(ctx context.Context, opts ProductListOptions) iter.Seq2[*Page[Product], error] {
	q := query{}
	q.str("sku", opts.SKU)
	q.str("name", opts.Name)
	q.id("productCategoryId", opts.ProductCategoryID)
	q.id("productTypeId", opts.ProductTypeID)
	q.id("tagId", opts.TagID)
	q.time("startDate", opts.StartDate)
	q.time("endDate", opts.EndDate)
	q.flag("showInactive", opts.ShowInactive)
	q.str("sortBy", opts.SortBy)
	q.str("sortDir", opts.SortDir)
	return pages[Product](ctx, s.client, listSpec{
		path: "/products", query: url.Values(q), pageSize: opts.PageSize, itemsKey: "products", idKey: "productId",
	}, jsonfields.Std[Product])
}
