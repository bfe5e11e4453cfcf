// Package mapping holds carrier and service selection (DESIGN.md §3) as pure
// functions: parsing the operator's shipping mappings, choosing a carrier and
// service for an order, and translating carrier names between ShipStation
// codes, Quipt codes and the free text people type.
package mapping

import (
	"strings"
	"unicode"
)

// Carrier is one of the carriers shipsync routes to, in its canonical
// lower-case form. The zero value means "no carrier".
type Carrier string

// The carriers shipsync knows.
const (
	UPS   Carrier = "ups"
	FedEx Carrier = "fedex"
	USPS  Carrier = "usps"
	DHL   Carrier = "dhl"
)

// DefaultUSPSCode is the ShipStation carrier code used for USPS when the caller
// does not know which USPS code the account has connected.
const DefaultUSPSCode = "stamps_com"

// ParseCarrier normalises a carrier name as a person, ShipStation or Quipt
// writes it: canonical names, ShipStation carrier codes (ups_walleted,
// stamps_com, endicia, express_1, dhl_express_worldwide, …), ShipStation
// display names ("UPS by ShipStation", "Stamps.com", "DHL Express"), Quipt
// codes (FDX) and long names ("Federal Express"). Case, white space and
// punctuation are ignored. It reports false for anything else, including "".
func ParseCarrier(s string) (Carrier, bool) {
	switch carrierKey(s) {
	case "ups", "upswalleted", "upsbyshipstation", "unitedparcelservice":
		return UPS, true
	case "fedex", "fdx", "federalexpress", "fedexwalleted", "fedexonebalance", "fedexbyshipstation":
		return FedEx, true
	case "usps", "uspsbyshipstation", "unitedstatespostalservice",
		"stampscom", "stamps", "endicia", "express1":
		return USPS, true
	case "dhl", "dhlexpress", "dhlexpressworldwide", "dhlexpressbyshipstation":
		return DHL, true
	}
	return "", false
}

// ParseCarrierText recognises the carrier in free text as people and
// fulfilment providers enter it (the carrierCode of ShipStation
// /fulfillments, docs/shipstation-api.md §4.3): whatever ParseCarrier
// accepts, and otherwise text that starts with a carrier's name, followed by
// a service or anything else: "FedEx Ground", "FEDEX_GROUND", "UPS Ground",
// "USPS Priority Mail", "DHL eCommerce". It looks at the leading words only:
// fedex, fdx, fed ex, federal express → FedEx; ups, united parcel → UPS;
// usps, us postal, united states postal, stamps(.com), endicia, priority mail,
// first class → USPS; dhl → DHL. It reports false for anything else,
// including "", so that an unknown carrier stays unknown. Use ParseCarrier
// where the text must be exactly a carrier (configuration).
func ParseCarrierText(s string) (Carrier, bool) {
	if c, ok := ParseCarrier(s); ok {
		return c, true
	}
	words := carrierWords(s)
	if len(words) == 0 {
		return "", false
	}
	first, two := words[0], words[0]
	if len(words) > 1 {
		two += words[1]
	}
	switch {
	case first == "ups", two == "unitedparcel":
		return UPS, true
	case first == "fedex", first == "fdx", two == "fedex", two == "federalexpress":
		return FedEx, true
	case first == "usps", first == "stamps", first == "stampscom", first == "endicia", two == "uspostal",
		two == "unitedstates" && len(words) > 2 && words[2] == "postal",
		two == "prioritymail", two == "firstclass":
		return USPS, true
	case first == "dhl":
		return DHL, true
	}
	// A name run together with what follows it ("FedExGround",
	// "U.S.P.S. Priority"): only prefixes no English word starts with.
	key := carrierKey(s)
	for _, p := range []struct {
		prefix string
		c      Carrier
	}{{"fedex", FedEx}, {"federalexpress", FedEx}, {"usps", USPS}, {"stampscom", USPS}, {"endicia", USPS}, {"dhl", DHL}} {
		if strings.HasPrefix(key, p.prefix) {
			return p.c, true
		}
	}
	return "", false
}

// carrierWords lower-cases s and splits it into its runs of letters and
// digits: "FEDEX_GROUND" and "FedEx Ground" both give fedex, ground.
func carrierWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// carrierKey lower-cases s and drops everything but letters and digits, so
// "UPS by ShipStation", "ups_by-shipstation" and "U.P.S. by ShipStation" agree.
func carrierKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Valid reports whether c is one of the known carriers.
func (c Carrier) Valid() bool {
	switch c {
	case UPS, FedEx, USPS, DHL:
		return true
	}
	return false
}

// ShipStationCode returns the ShipStation carrier code for c. USPS has two
// possible codes; uspsCode is the one the account has connected (found among
// its /carriers, "stamps_com" or "usps"), and DefaultUSPSCode is used when it
// is empty. It returns "" for an unknown carrier.
func (c Carrier) ShipStationCode(uspsCode string) string {
	switch c {
	case UPS:
		return "ups"
	case FedEx:
		return "fedex"
	case USPS:
		if uspsCode == "" {
			return DefaultUSPSCode
		}
		return uspsCode
	case DHL:
		return "dhl_express_worldwide"
	}
	return ""
}

// QuiptCode returns the Quipt carrier code for c (UPS, FDX, USPS, DHL), or ""
// for an unknown carrier.
func (c Carrier) QuiptCode() string {
	switch c {
	case UPS:
		return "UPS"
	case FedEx:
		return "FDX"
	case USPS:
		return "USPS"
	case DHL:
		return "DHL"
	}
	return ""
}
