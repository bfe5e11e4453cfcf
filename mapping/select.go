package mapping

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoCarrier means no rule of DESIGN.md §3 gave the order a carrier: it is
// not routed and goes to the dead letters. Errors that say why wrap it.
var ErrNoCarrier = errors.New("no carrier")

// Source says which rule of DESIGN.md §3 produced a Selection.
type Source string

// The rules, in the order Select tries them.
const (
	SourceMapping Source = "mapping"
	SourceOrder   Source = "order"
	SourceDefault Source = "default"
)

// Selector chooses a carrier and service for an order (DESIGN.md §3). The
// zero value selects only from the order's own carrier and service.
type Selector struct {
	// Mappings are tried in order against the requested shipping method.
	Mappings []Mapping
	// Preferred is the default carrier, "" for none.
	Preferred Carrier
	// DefaultService is the service code used with Preferred.
	DefaultService string
	// DefaultEnabled turns the default carrier on.
	DefaultEnabled bool
	// USPSEnabled allows USPS results; when false they are replaced by the
	// default carrier.
	USPSEnabled bool
}

// Request is what an order says about its shipping.
type Request struct {
	// Method is the requested shipping method text.
	Method string
	// Carrier is the order's own carrier, "" if none.
	Carrier Carrier
	// Service is the order's own service code, "" if none.
	Service string
}

// BillTo is third-party billing for a label, as ShipStation's advancedOptions
// billToParty, billToAccount, billToPostalCode and billToCountryCode.
type BillTo struct {
	Party       string
	Account     string
	PostalCode  string
	CountryCode string
}

// Selection is the carrier and service chosen for an order. Package,
// Confirmation and BillTo are set only by a mapping that has them.
type Selection struct {
	Carrier      Carrier
	Service      string
	Package      string
	Confirmation string
	BillTo       *BillTo
	Source       Source
}

// Select applies DESIGN.md §3, first match wins:
//  1. a mapping whose Method equals r.Method exactly, else the first whose
//     Method equals it after NormalizeMethod on both sides;
//  2. the order's own carrier and service, when it has both;
//  3. Preferred with DefaultService, when DefaultEnabled;
//  4. otherwise ErrNoCarrier.
//
// With USPSEnabled false a USPS result is replaced by the default carrier when
// that is enabled and not USPS itself; otherwise the error wraps ErrNoCarrier
// with the reason.
func (s Selector) Select(r Request) (Selection, error) {
	sel, ok := s.mapped(r.Method)
	if !ok {
		sel, ok = ownSelection(r)
	}
	if !ok {
		sel, ok = s.fallback()
	}
	if !ok {
		return Selection{}, fmt.Errorf("%w for requested method %q: add it to SHIPPING_MAPPINGS or set PREFERRED_CARRIER and DEFAULT_SERVICE", ErrNoCarrier, r.Method)
	}
	if sel.Carrier != USPS || s.USPSEnabled {
		return sel, nil
	}
	def, ok := s.fallback()
	switch {
	case !ok:
		return Selection{}, fmt.Errorf("%w for requested method %q: it resolves to USPS, which USPS_ENABLED=false disables, and there is no default carrier: set PREFERRED_CARRIER and DEFAULT_SERVICE, or USPS_ENABLED=true", ErrNoCarrier, r.Method)
	case def.Carrier == USPS:
		return Selection{}, fmt.Errorf("%w for requested method %q: it resolves to USPS, which USPS_ENABLED=false disables, and PREFERRED_CARRIER is USPS too: set another PREFERRED_CARRIER, or USPS_ENABLED=true", ErrNoCarrier, r.Method)
	}
	return def, nil
}

// mapped finds the mapping for method: an exact match first, then a match
// after normalisation.
func (s Selector) mapped(method string) (Selection, bool) {
	if NormalizeMethod(method) == "" {
		return Selection{}, false
	}
	for _, m := range s.Mappings {
		if m.Method == method {
			return m.selection(), true
		}
	}
	want := NormalizeMethod(method)
	for _, m := range s.Mappings {
		if NormalizeMethod(m.Method) == want {
			return m.selection(), true
		}
	}
	return Selection{}, false
}

// ownSelection uses the order's own carrier and service when it has both.
func ownSelection(r Request) (Selection, bool) {
	if !r.Carrier.Valid() || strings.TrimSpace(r.Service) == "" {
		return Selection{}, false
	}
	return Selection{Carrier: r.Carrier, Service: r.Service, Source: SourceOrder}, true
}

// fallback is the default carrier, when enabled and complete.
func (s Selector) fallback() (Selection, bool) {
	if !s.DefaultEnabled || !s.Preferred.Valid() || s.DefaultService == "" {
		return Selection{}, false
	}
	return Selection{Carrier: s.Preferred, Service: s.DefaultService, Source: SourceDefault}, true
}

// selection turns a mapping into the Selection it gives.
func (m Mapping) selection() Selection {
	sel := Selection{
		Carrier:      m.Carrier,
		Service:      m.Service,
		Package:      m.Package,
		Confirmation: m.Confirmation,
		Source:       SourceMapping,
	}
	if m.BillToParty != "" {
		sel.BillTo = &BillTo{
			Party:       m.BillToParty,
			Account:     m.BillToAccount,
			PostalCode:  m.BillToPostalCode,
			CountryCode: m.BillToCountryCode,
		}
	}
	return sel
}

// NormalizeMethod trims s, lower-cases it and collapses every run of white
// space to one space, so "  Next   DAY air " and "next day air" compare equal.
func NormalizeMethod(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
