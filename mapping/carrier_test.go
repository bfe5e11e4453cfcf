package mapping

import "testing"

func TestParseCarrier(t *testing.T) {
	tests := []struct {
		in   string
		want Carrier
		ok   bool
	}{
		{"ups", UPS, true},
		{"UPS", UPS, true},
		{" Ups ", UPS, true},
		{"ups_walleted", UPS, true},
		{"UPS by ShipStation", UPS, true},
		{"UPS  by\tShipStation", UPS, true},
		{"U.P.S.", UPS, true},
		{"United Parcel Service", UPS, true},
		{"fedex", FedEx, true},
		{"FedEx", FedEx, true},
		{"Fed-Ex", FedEx, true},
		{"FDX", FedEx, true},
		{"Federal Express", FedEx, true},
		{"fedex_walleted", FedEx, true},
		{"FedEx One Balance", FedEx, true},
		{"usps", USPS, true},
		{"USPS", USPS, true},
		{"stamps_com", USPS, true},
		{"Stamps.com", USPS, true},
		{"endicia", USPS, true},
		{"express_1", USPS, true},
		{"USPS by ShipStation", USPS, true},
		{"United States Postal Service", USPS, true},
		{"dhl", DHL, true},
		{"DHL", DHL, true},
		{"dhl_express_worldwide", DHL, true},
		{"DHL Express", DHL, true},
		{"DHL Express by ShipStation", DHL, true},
		{"", "", false},
		{"   ", "", false},
		{"ONTRAC", "", false},
		{"AMZN", "", false},
		{"ups_ground", "", false},
		{"dhl_global_mail", "", false},
		{"fedexx", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseCarrier(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseCarrier(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCarrierCodes(t *testing.T) {
	tests := []struct {
		c        Carrier
		uspsCode string
		ss       string
		quipt    string
		valid    bool
	}{
		{UPS, "", "ups", "UPS", true},
		{UPS, "usps", "ups", "UPS", true},
		{FedEx, "", "fedex", "FDX", true},
		{USPS, "", "stamps_com", "USPS", true},
		{USPS, "usps", "usps", "USPS", true},
		{USPS, "stamps_com", "stamps_com", "USPS", true},
		{DHL, "", "dhl_express_worldwide", "DHL", true},
		{"", "", "", "", false},
		{"ontrac", "usps", "", "", false},
		{"UPS", "", "", "", false},
	}
	for _, tt := range tests {
		if got := tt.c.ShipStationCode(tt.uspsCode); got != tt.ss {
			t.Errorf("%q.ShipStationCode(%q) = %q, want %q", tt.c, tt.uspsCode, got, tt.ss)
		}
		if got := tt.c.QuiptCode(); got != tt.quipt {
			t.Errorf("%q.QuiptCode() = %q, want %q", tt.c, got, tt.quipt)
		}
		if got := tt.c.Valid(); got != tt.valid {
			t.Errorf("%q.Valid() = %v, want %v", tt.c, got, tt.valid)
		}
	}
}

// Every code shipsync writes must parse back to the carrier it came from, so
// a value read back from either system routes the same way.
func TestCarrierCodesRoundTrip(t *testing.T) {
	for _, c := range []Carrier{UPS, FedEx, USPS, DHL} {
		for _, code := range []string{string(c), c.QuiptCode(), c.ShipStationCode(""), c.ShipStationCode("usps")} {
			if got, ok := ParseCarrier(code); !ok || got != c {
				t.Errorf("ParseCarrier(%q) = %q, %v; want %q, true", code, got, ok, c)
			}
		}
	}
}

// TestParseCarrierText covers the free text of /fulfillments carrierCode
// (docs/shipstation-api.md §4.3): a carrier's name followed by anything is
// that carrier; anything else stays unknown.
func TestParseCarrierText(t *testing.T) {
	tests := []struct {
		in   string
		want Carrier
		ok   bool
	}{
		// Everything ParseCarrier knows.
		{"USPS", USPS, true},
		{"FedEx", FedEx, true},
		{"ups_walleted", UPS, true},
		{"stamps_com", USPS, true},
		{"dhl_express_worldwide", DHL, true},
		{"Federal Express", FedEx, true},
		// A carrier name and a service, as typed or as a code.
		{"FedEx Ground", FedEx, true},
		{"FEDEX_GROUND", FedEx, true},
		{"fedex_2day", FedEx, true},
		{"FedEx Home Delivery", FedEx, true},
		{"Fed Ex Ground", FedEx, true},
		{"Fed-Ex 2Day", FedEx, true},
		{"FDX Express Saver", FedEx, true},
		{"Federal Express Priority Overnight", FedEx, true},
		{"FedExGround", FedEx, true},
		{"UPS Ground", UPS, true},
		{"ups_ground", UPS, true},
		{"UPS® Next Day Air", UPS, true},
		{"UPS SurePost", UPS, true},
		{"United Parcel Service Ground", UPS, true},
		{"USPS Priority Mail", USPS, true},
		{"usps_priority_mail", USPS, true},
		{"U.S.P.S. Priority", USPS, true},
		{"US Postal Service", USPS, true},
		{"United States Postal Service - First Class", USPS, true},
		{"Priority Mail", USPS, true},
		{"Priority Mail Express", USPS, true},
		{"First Class", USPS, true},
		{"First-Class Package Service", USPS, true},
		{"Stamps.com Priority", USPS, true},
		{"Endicia First Class", USPS, true},
		{"DHL eCommerce", DHL, true},
		{"dhl_global_mail", DHL, true},
		{"DHL Express Worldwide", DHL, true},
		{"DHLExpress", DHL, true},
		{"  fedex  ", FedEx, true},
		// Unknown stays unknown.
		{"", "", false},
		{"   ", "", false},
		{"-", "", false},
		{"OnTrac", "", false},
		{"ONTRAC Ground", "", false},
		{"AMZN", "", false},
		{"Amazon Shipping", "", false},
		{"LaserShip", "", false},
		{"Other", "", false},
		{"Ground", "", false},
		{"Priority", "", false},
		{"Priority Overnight", "", false},
		{"Express", "", false},
		{"upstate courier", "", false},
		{"Upscale Freight", "", false},
		{"Shipped via FedEx", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseCarrierText(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseCarrierText(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
