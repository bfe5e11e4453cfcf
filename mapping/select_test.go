package mapping

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizeMethod(t *testing.T) {
	tests := map[string]string{
		"":                        "",
		"   ":                     "",
		"Ground":                  "ground",
		"  Next   DAY\tair \n":    "next day air",
		"Next\u00a0Day Air":       "next day air", // no-break space counts as white space
		"2-Day / Express, Signed": "2-day / express, signed",
	}
	for in, want := range tests {
		if got := NormalizeMethod(in); got != want {
			t.Errorf("NormalizeMethod(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSelect(t *testing.T) {
	mappings := []Mapping{
		{Method: "Next Day Air", Carrier: UPS, Service: "ups_next_day_air"},
		{Method: "next day air", Carrier: FedEx, Service: "fedex_priority_overnight"},
		{Method: "Ground", Carrier: FedEx, Service: "fedex_ground", Package: "package", Confirmation: "delivery"},
		{Method: "Economy", Carrier: USPS, Service: "usps_first_class_mail"},
		{
			Method: "Third Party Air", Carrier: UPS, Service: "ups_2nd_day_air", Confirmation: "signature",
			BillToParty: "third_party", BillToAccount: "A1B2C3", BillToPostalCode: "10001", BillToCountryCode: "US",
		},
	}
	withDefault := Selector{Mappings: mappings, Preferred: UPS, DefaultService: "ups_ground", DefaultEnabled: true, USPSEnabled: true}
	noDefault := Selector{Mappings: mappings, USPSEnabled: true}
	defaultOff := withDefault
	defaultOff.DefaultEnabled = false
	noService := withDefault
	noService.DefaultService = ""
	uspsOff := withDefault
	uspsOff.USPSEnabled = false
	uspsOffNoDefault := noDefault
	uspsOffNoDefault.USPSEnabled = false
	uspsOffUSPSDefault := Selector{Mappings: mappings, Preferred: USPS, DefaultService: "usps_priority_mail", DefaultEnabled: true}
	uspsDefault := uspsOffUSPSDefault
	uspsDefault.USPSEnabled = true

	upsDefault := Selection{Carrier: UPS, Service: "ups_ground", Source: SourceDefault}

	tests := []struct {
		name    string
		s       Selector
		r       Request
		want    Selection
		wantErr string
	}{
		{
			name: "exact mapping match",
			s:    withDefault,
			r:    Request{Method: "Next Day Air", Carrier: DHL, Service: "dhl_express_worldwide"},
			want: Selection{Carrier: UPS, Service: "ups_next_day_air", Source: SourceMapping},
		},
		{
			name: "exact match wins over an earlier normalised match",
			s:    withDefault,
			r:    Request{Method: "next day air"},
			want: Selection{Carrier: FedEx, Service: "fedex_priority_overnight", Source: SourceMapping},
		},
		{
			name: "normalised match takes the first mapping",
			s:    withDefault,
			r:    Request{Method: "  NEXT  day\tAir "},
			want: Selection{Carrier: UPS, Service: "ups_next_day_air", Source: SourceMapping},
		},
		{
			name: "mapping adds package and confirmation",
			s:    withDefault,
			r:    Request{Method: "ground"},
			want: Selection{Carrier: FedEx, Service: "fedex_ground", Package: "package", Confirmation: "delivery", Source: SourceMapping},
		},
		{
			name: "mapping adds billing",
			s:    withDefault,
			r:    Request{Method: "Third Party Air"},
			want: Selection{
				Carrier: UPS, Service: "ups_2nd_day_air", Confirmation: "signature", Source: SourceMapping,
				BillTo: &BillTo{Party: "third_party", Account: "A1B2C3", PostalCode: "10001", CountryCode: "US"},
			},
		},
		{
			name: "order's own carrier and service",
			s:    withDefault,
			r:    Request{Method: "Two Day", Carrier: DHL, Service: "dhl_express_worldwide"},
			want: Selection{Carrier: DHL, Service: "dhl_express_worldwide", Source: SourceOrder},
		},
		{
			name: "no method, order's own",
			s:    noDefault,
			r:    Request{Carrier: FedEx, Service: "fedex_2day"},
			want: Selection{Carrier: FedEx, Service: "fedex_2day", Source: SourceOrder},
		},
		{
			name: "order has a carrier but no service: default",
			s:    withDefault,
			r:    Request{Method: "Two Day", Carrier: FedEx},
			want: upsDefault,
		},
		{
			name: "order has a service but no carrier: default",
			s:    withDefault,
			r:    Request{Method: "Two Day", Service: "fedex_2day"},
			want: upsDefault,
		},
		{
			name: "order's carrier unknown: default",
			s:    withDefault,
			r:    Request{Carrier: "ontrac", Service: "ground"},
			want: upsDefault,
		},
		{
			name: "blank method never matches a mapping",
			s:    withDefault,
			r:    Request{Method: "   "},
			want: upsDefault,
		},
		{
			name:    "nothing matches and no default",
			s:       noDefault,
			r:       Request{Method: "Two Day"},
			wantErr: "no carrier for requested method \"Two Day\": add it to SHIPPING_MAPPINGS or set PREFERRED_CARRIER and DEFAULT_SERVICE",
		},
		{
			name:    "default disabled",
			s:       defaultOff,
			r:       Request{Method: "Two Day"},
			wantErr: "no carrier for requested method \"Two Day\": add it to SHIPPING_MAPPINGS or set PREFERRED_CARRIER and DEFAULT_SERVICE",
		},
		{
			name:    "default without service",
			s:       noService,
			r:       Request{Method: "Two Day", Carrier: FedEx},
			wantErr: "no carrier for requested method \"Two Day\": add it to SHIPPING_MAPPINGS or set PREFERRED_CARRIER and DEFAULT_SERVICE",
		},
		{
			name:    "zero selector",
			s:       Selector{},
			r:       Request{Method: "Ground"},
			wantErr: "no carrier for requested method \"Ground\": add it to SHIPPING_MAPPINGS or set PREFERRED_CARRIER and DEFAULT_SERVICE",
		},
		{
			name: "USPS mapping allowed",
			s:    withDefault,
			r:    Request{Method: "Economy"},
			want: Selection{Carrier: USPS, Service: "usps_first_class_mail", Source: SourceMapping},
		},
		{
			name: "USPS mapping replaced by the default when USPS is disabled",
			s:    uspsOff,
			r:    Request{Method: "Economy"},
			want: upsDefault,
		},
		{
			name: "order's own USPS replaced by the default when USPS is disabled",
			s:    uspsOff,
			r:    Request{Carrier: USPS, Service: "usps_priority_mail"},
			want: upsDefault,
		},
		{
			name: "USPS disabled does not touch other carriers",
			s:    uspsOff,
			r:    Request{Method: "Ground"},
			want: Selection{Carrier: FedEx, Service: "fedex_ground", Package: "package", Confirmation: "delivery", Source: SourceMapping},
		},
		{
			name:    "USPS disabled and no default",
			s:       uspsOffNoDefault,
			r:       Request{Method: "Economy"},
			wantErr: "no carrier for requested method \"Economy\": it resolves to USPS, which USPS_ENABLED=false disables, and there is no default carrier: set PREFERRED_CARRIER and DEFAULT_SERVICE, or USPS_ENABLED=true",
		},
		{
			name:    "USPS disabled and the default is USPS",
			s:       uspsOffUSPSDefault,
			r:       Request{Method: "Economy"},
			wantErr: "no carrier for requested method \"Economy\": it resolves to USPS, which USPS_ENABLED=false disables, and PREFERRED_CARRIER is USPS too: set another PREFERRED_CARRIER, or USPS_ENABLED=true",
		},
		{
			name:    "USPS disabled and the default itself gives USPS",
			s:       uspsOffUSPSDefault,
			r:       Request{Method: "Two Day"},
			wantErr: "no carrier for requested method \"Two Day\": it resolves to USPS, which USPS_ENABLED=false disables, and PREFERRED_CARRIER is USPS too: set another PREFERRED_CARRIER, or USPS_ENABLED=true",
		},
		{
			name: "USPS default allowed when USPS is enabled",
			s:    uspsDefault,
			r:    Request{Method: "Two Day"},
			want: Selection{Carrier: USPS, Service: "usps_priority_mail", Source: SourceDefault},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.Select(tt.r)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Select(%+v) = %+v, want error %q", tt.r, got, tt.wantErr)
				}
				if err.Error() != tt.wantErr {
					t.Errorf("Select(%+v) error = %q, want %q", tt.r, err, tt.wantErr)
				}
				if !errors.Is(err, ErrNoCarrier) {
					t.Errorf("Select(%+v) error %v is not ErrNoCarrier", tt.r, err)
				}
				if diff := cmp.Diff(Selection{}, got); diff != "" {
					t.Errorf("Select(%+v) returned a selection with its error:\n%s", tt.r, diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("Select(%+v): %v", tt.r, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Select(%+v) (-want +got):\n%s", tt.r, diff)
			}
		})
	}
}

// Mappings parsed from the environment form select what they say, whatever
// the spacing and case of the order's method.
func TestSelectParsedMappings(t *testing.T) {
	ms, err := ParseMappings("Next Day Air=ups:ups_next_day_air;Ground=fedex:fedex_ground:package:signature")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Selector{Mappings: ms, USPSEnabled: true}.Select(Request{Method: "\tground  "})
	if err != nil {
		t.Fatal(err)
	}
	want := Selection{Carrier: FedEx, Service: "fedex_ground", Package: "package", Confirmation: "signature", Source: SourceMapping}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Select (-want +got):\n%s", diff)
	}
}
