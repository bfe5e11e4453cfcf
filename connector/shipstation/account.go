package shipstation

import (
	"context"
	"net/url"
)

// Store is a selling channel connection (marketplace ID 0 is a manual store).
type Store struct {
	StoreID         int64  `json:"storeId"`
	StoreName       string `json:"storeName"`
	MarketplaceID   int64  `json:"marketplaceId"`
	MarketplaceName string `json:"marketplaceName"`
	AccountName     string `json:"accountName"`
	Email           string `json:"email"`
	IntegrationURL  string `json:"integrationUrl"`
	Active          bool   `json:"active"`
	CompanyName     string `json:"companyName"`
	Phone           string `json:"phone"`
	PublicEmail     string `json:"publicEmail"`
	Website         string `json:"website"`
	// RefreshDate and LastRefreshAttempt are not reliably Pacific; do not
	// build cursors on them.
	RefreshDate        Time `json:"refreshDate"`
	LastRefreshAttempt Time `json:"lastRefreshAttempt"`
	CreateDate         Time `json:"createDate"`
	ModifyDate         Time `json:"modifyDate"`
	AutoRefresh        bool `json:"autoRefresh"`
}

// Warehouse is a ship-from location.
type Warehouse struct {
	WarehouseID   int64   `json:"warehouseId"`
	WarehouseName string  `json:"warehouseName"`
	OriginAddress Address `json:"originAddress"`
	ReturnAddress Address `json:"returnAddress"`
	CreateDate    Time    `json:"createDate"`
	IsDefault     bool    `json:"isDefault"`
}

// User is a ShipStation user; UserID is a GUID.
type User struct {
	UserID   string `json:"userId"`
	UserName string `json:"userName"`
	Name     string `json:"name"`
}

// Tag is an order tag.
type Tag struct {
	TagID int64  `json:"tagId"`
	Name  string `json:"name"`
	Color string `json:"color"`
}

// StoresService handles /stores.
type StoresService service

// List returns all stores, inactive ones included (see Store.Active).
func (s *StoresService) List(ctx context.Context) ([]Store, error) {
	return list[Store](ctx, s.client, "/stores", url.Values{"showInactive": {"true"}})
}

// WarehousesService handles /warehouses.
type WarehousesService service

// List returns the ship-from locations.
func (s *WarehousesService) List(ctx context.Context) ([]Warehouse, error) {
	return list[Warehouse](ctx, s.client, "/warehouses", nil)
}

// UsersService handles /users.
type UsersService service

// List returns the active users.
func (s *UsersService) List(ctx context.Context) ([]User, error) {
	return list[User](ctx, s.client, "/users", nil)
}

// TagsService handles /accounts/listtags.
type TagsService service

// List returns the account's order tags.
func (s *TagsService) List(ctx context.Context) ([]Tag, error) {
	return list[Tag](ctx, s.client, "/accounts/listtags", nil)
}
