package shipstation

import (
	"context"
	"errors"
	"net/url"
)

// Carrier is a carrier account connected to ShipStation. Code is not unique
// (an account can connect two stamps_com accounts); ShippingProviderID is.
type Carrier struct {
	Name                  string  `json:"name"`
	Code                  string  `json:"code"`
	AccountNumber         string  `json:"accountNumber"`
	RequiresFundedAccount bool    `json:"requiresFundedAccount"`
	Balance               float64 `json:"balance"`
	Nickname              string  `json:"nickname"`
	ShippingProviderID    int64   `json:"shippingProviderId"`
	Primary               bool    `json:"primary"`
}

// CarrierService is a service of a carrier, e.g. ups_ground.
type CarrierService struct {
	CarrierCode   string `json:"carrierCode"`
	Code          string `json:"code"`
	Name          string `json:"name"`
	Domestic      bool   `json:"domestic"`
	International bool   `json:"international"`
}

// CarriersService handles /carriers.
type CarriersService service

// List returns the carrier accounts.
func (s *CarriersService) List(ctx context.Context) ([]Carrier, error) {
	return list[Carrier](ctx, s.client, "/carriers", nil)
}

// ListServices returns the services of the carrier with the given code.
func (s *CarriersService) ListServices(ctx context.Context, carrierCode string) ([]CarrierService, error) {
	if carrierCode == "" {
		return nil, errors.New("shipstation listservices: carrier code is required")
	}
	return list[CarrierService](ctx, s.client, "/carriers/listservices", url.Values{"carrierCode": {carrierCode}})
}
