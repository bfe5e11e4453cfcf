package shipstationtest

import (
	"slices"
	"time"
)

// Product is a ShipStation product (GET /products, docs §5.2). Active nil is
// treated as true when the product is added. CreateDate and ModifyDate are
// rendered with the trimmed fraction.
type Product struct {
	ProductID               int64            `json:"productId"`
	SKU                     string           `json:"sku"`
	Name                    string           `json:"name"`
	Price                   *float64         `json:"price"`
	DefaultCost             *float64         `json:"defaultCost"`
	Length                  *float64         `json:"length"`
	Width                   *float64         `json:"width"`
	Height                  *float64         `json:"height"`
	WeightOz                *float64         `json:"weightOz"`
	InternalNotes           *string          `json:"internalNotes"`
	FulfillmentSKU          *string          `json:"fulfillmentSku"`
	CreateDate              time.Time        `json:"createDate"`
	ModifyDate              time.Time        `json:"modifyDate"`
	Active                  *bool            `json:"active"`
	ProductCategory         *ProductCategory `json:"productCategory"`
	ProductType             *string          `json:"productType"`
	WarehouseLocation       *string          `json:"warehouseLocation"`
	DefaultCarrierCode      *string          `json:"defaultCarrierCode"`
	DefaultServiceCode      *string          `json:"defaultServiceCode"`
	DefaultPackageCode      *string          `json:"defaultPackageCode"`
	DefaultIntlCarrierCode  *string          `json:"defaultIntlCarrierCode"`
	DefaultIntlServiceCode  *string          `json:"defaultIntlServiceCode"`
	DefaultIntlPackageCode  *string          `json:"defaultIntlPackageCode"`
	DefaultConfirmation     *string          `json:"defaultConfirmation"`
	DefaultIntlConfirmation *string          `json:"defaultIntlConfirmation"`
	CustomsDescription      *string          `json:"customsDescription"`
	CustomsValue            *float64         `json:"customsValue"`
	CustomsTariffNo         *string          `json:"customsTariffNo"`
	CustomsCountryCode      *string          `json:"customsCountryCode"`
	NoCustoms               *bool            `json:"noCustoms"`
	Tags                    []ProductTag     `json:"tags"`
}

// ProductCategory is the category of a product.
type ProductCategory struct {
	CategoryID int64  `json:"categoryId"`
	Name       string `json:"name"`
}

// ProductTag is a tag on a product.
type ProductTag struct {
	TagID int64  `json:"tagId"`
	Name  string `json:"name"`
}

// clone returns a copy of p that shares no mutable memory with it.
func (p Product) clone() Product {
	p.ProductCategory = clonePtr(p.ProductCategory)
	p.Tags = slices.Clone(p.Tags)
	return p
}

// active reports whether the product is listed without showInactive.
func (p Product) active() bool { return p.Active == nil || *p.Active }
