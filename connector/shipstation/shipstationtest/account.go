package shipstationtest

import "time"

// Carrier is a connected carrier account (GET /carriers). Code is not unique:
// ShippingProviderID identifies the account.
type Carrier struct {
	Name                  string  `json:"name"`
	Code                  string  `json:"code"`
	AccountNumber         string  `json:"accountNumber"`
	RequiresFundedAccount bool    `json:"requiresFundedAccount"`
	Balance               float64 `json:"balance"`
	Nickname              *string `json:"nickname"`
	ShippingProviderID    int64   `json:"shippingProviderId"`
	Primary               bool    `json:"primary"`
}

// Service is a carrier service (GET /carriers/listservices).
type Service struct {
	CarrierCode   string `json:"carrierCode"`
	Code          string `json:"code"`
	Name          string `json:"name"`
	Domestic      bool   `json:"domestic"`
	International bool   `json:"international"`
}

// Store is a sales channel store (GET /stores). MarketplaceID 0 is the manual
// "ShipStation" store, which createorder uses when no storeId is sent. The
// dates are rendered with the trimmed fraction; zero dates as null.
type Store struct {
	StoreID            int64     `json:"storeId"`
	StoreName          string    `json:"storeName"`
	MarketplaceID      int64     `json:"marketplaceId"`
	MarketplaceName    string    `json:"marketplaceName"`
	AccountName        *string   `json:"accountName"`
	Email              *string   `json:"email"`
	IntegrationURL     *string   `json:"integrationUrl"`
	Active             bool      `json:"active"`
	CompanyName        string    `json:"companyName"`
	Phone              string    `json:"phone"`
	PublicEmail        string    `json:"publicEmail"`
	Website            string    `json:"website"`
	RefreshDate        time.Time `json:"refreshDate"`
	LastRefreshAttempt time.Time `json:"lastRefreshAttempt"`
	CreateDate         time.Time `json:"createDate"`
	ModifyDate         time.Time `json:"modifyDate"`
	AutoRefresh        bool      `json:"autoRefresh"`
}

// Warehouse is a ship-from location (GET /warehouses). CreateDate is rendered
// as a Pacific date-time.
type Warehouse struct {
	WarehouseID   int64     `json:"warehouseId"`
	WarehouseName string    `json:"warehouseName"`
	OriginAddress *Address  `json:"originAddress"`
	ReturnAddress *Address  `json:"returnAddress"`
	CreateDate    time.Time `json:"createDate"`
	IsDefault     bool      `json:"isDefault"`
}

// User is a ShipStation user (GET /users); UserID is a GUID.
type User struct {
	UserID   string `json:"userId"`
	UserName string `json:"userName"`
	Name     string `json:"name"`
}

// Tag is an order tag (GET /accounts/listtags).
type Tag struct {
	TagID int64  `json:"tagId"`
	Name  string `json:"name"`
	Color string `json:"color"`
}
