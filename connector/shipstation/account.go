package shipstation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// Store is a selling channel connection (marketplace ID 0 is a manual store).
// Only the fields shipsync uses are decoded, so that an odd value elsewhere
// (the store refresh dates are not even reliably Pacific) cannot fail the
// preflight's listing.
type Store struct {
	StoreID         int64  `json:"storeId"`
	StoreName       string `json:"storeName"`
	MarketplaceID   int64  `json:"marketplaceId"`
	MarketplaceName string `json:"marketplaceName"`
	// Active is nil when the answer leaves it out; see IsActive.
	Active *bool `json:"active"`
}

// IsActive reports whether the store is active; a store whose answer does not
// say is taken as active.
func (s Store) IsActive() bool { return s.Active == nil || *s.Active }

// Warehouse is a ship-from location; as with Store, only the fields shipsync
// uses are decoded.
type Warehouse struct {
	WarehouseID   int64  `json:"warehouseId"`
	WarehouseName string `json:"warehouseName"`
	IsDefault     bool   `json:"isDefault"`
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

// List returns all stores, inactive ones included (see Store.IsActive).
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

// List returns the active users. The API answers with an array; the original
// v1 documentation shows a single object, which is accepted too.
func (s *UsersService) List(ctx context.Context) ([]User, error) {
	var raw json.RawMessage
	r := request{method: http.MethodGet, endpoint: "/users", path: "/users"}
	if err := s.client.doJSON(ctx, r, &raw); err != nil {
		return nil, err
	}
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '{' {
		var one User
		if err := json.Unmarshal(trimmed, &one); err != nil {
			return nil, r.wrap(fmt.Errorf("decode response: %w", err))
		}
		return []User{one}, nil
	}
	var users []User
	if err := json.Unmarshal(raw, &users); err != nil {
		return nil, r.wrap(fmt.Errorf("decode response: %w", err))
	}
	return users, nil
}

// TagsService handles /accounts/listtags.
type TagsService service

// List returns the account's order tags.
func (s *TagsService) List(ctx context.Context) ([]Tag, error) {
	return list[Tag](ctx, s.client, "/accounts/listtags", nil)
}
