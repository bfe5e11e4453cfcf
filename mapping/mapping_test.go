package mapping

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMappings(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Mapping
	}{
		{name: "empty", in: "", want: nil},
		{name: "blank", in: "  ; ", want: nil},
		{
			name: "design example",
			in:   "Next Day Air=ups:ups_next_day_air;Ground=fedex:fedex_ground",
			want: []Mapping{
				{Method: "Next Day Air", Carrier: UPS, Service: "ups_next_day_air"},
				{Method: "Ground", Carrier: FedEx, Service: "fedex_ground"},
			},
		},
		{
			name: "package and confirmation, spaces and trailing separator",
			in:   " Next Day Air = UPS : ups_next_day_air : package : signature ; Priority=stamps_com:usps_priority_mail:flat_rate_envelope ;",
			want: []Mapping{
				{Method: "Next Day Air", Carrier: UPS, Service: "ups_next_day_air", Package: "package", Confirmation: "signature"},
				{Method: "Priority", Carrier: USPS, Service: "usps_priority_mail", Package: "flat_rate_envelope"},
			},
		},
		{
			name: "empty package with confirmation",
			in:   "Express=dhl:dhl_express_worldwide::adult_signature",
			want: []Mapping{{Method: "Express", Carrier: DHL, Service: "dhl_express_worldwide", Confirmation: "adult_signature"}},
		},
		{
			name: "method keeps colons, carrier alias",
			in:   "Ship: 2 days=Federal Express:fedex_2day",
			want: []Mapping{{Method: "Ship: 2 days", Carrier: FedEx, Service: "fedex_2day"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMappings(tt.in)
			if err != nil {
				t.Fatalf("ParseMappings(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseMappings(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseMappingsErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // the lines of the error, in order
	}{
		{
			name: "no equals sign",
			in:   "Ground=fedex:fedex_ground;Next Day Air",
			want: []string{`entry 2: "Next Day Air" is not method=carrier:service`},
		},
		{
			name: "service missing",
			in:   "Ground=fedex",
			want: []string{`entry 1: "Ground": want carrier:service[:package[:confirmation]] after "=", got 1 field(s)`},
		},
		{
			name: "too many fields",
			in:   "Ground=fedex:fedex_ground:package:none:extra",
			want: []string{`entry 1: "Ground": want carrier:service[:package[:confirmation]] after "=", got 5 field(s)`},
		},
		{
			name: "unknown carrier",
			in:   "Ground=fedex:fedex_ground;Cheap=ontrac:ground",
			want: []string{`entry 2 ("Cheap"): unknown carrier "ontrac" (want ups, fedex, usps or dhl)`},
		},
		{
			name: "empty parts",
			in:   " =:",
			want: []string{
				`entry 1 (""): method is required`,
				`entry 1 (""): carrier is required`,
				`entry 1 (""): service is required`,
			},
		},
		{
			name: "bad confirmation",
			in:   "Ground=fedex:fedex_ground:package:signed",
			want: []string{`entry 1 ("Ground"): unknown confirmation "signed" (want none, delivery, signature, adult_signature or direct_signature)`},
		},
		{
			name: "duplicate after normalisation",
			in:   "Next Day Air=ups:ups_next_day_air;next  day AIR=fedex:fedex_priority_overnight",
			want: []string{`entry 2 ("next  day AIR"): same method as entry 1 ("Next Day Air")`},
		},
		{
			name: "every problem at once, numbered by position",
			in:   "A=ups:x;;B;C=zz:y;A=ups:z",
			want: []string{
				`entry 3: "B" is not method=carrier:service`,
				`entry 4 ("C"): unknown carrier "zz" (want ups, fedex, usps or dhl)`,
				`entry 5 ("A"): same method as entry 1 ("A")`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMappings(tt.in)
			if err == nil {
				t.Fatalf("ParseMappings(%q) = %+v, want an error", tt.in, got)
			}
			if got != nil {
				t.Errorf("ParseMappings(%q) returned mappings %+v with its error", tt.in, got)
			}
			if diff := cmp.Diff(tt.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("ParseMappings(%q) error lines (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseMappingsJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Mapping
	}{
		{name: "empty array", in: `[]`, want: nil},
		{name: "null", in: `null`, want: nil},
		{
			name: "all fields",
			in: `[
				{"method": "Next Day Air", "carrier": "UPS", "service": "ups_next_day_air",
				 "package": "package", "confirmation": "adult_signature",
				 "billToParty": "third_party", "billToAccount": "A1B2C3",
				 "billToPostalCode": "10001", "billToCountryCode": "us"},
				{"method": " Ground ", "carrier": " fedex ", "service": " fedex_ground "}
			]`,
			want: []Mapping{
				{
					Method: "Next Day Air", Carrier: UPS, Service: "ups_next_day_air",
					Package: "package", Confirmation: "adult_signature",
					BillToParty: "third_party", BillToAccount: "A1B2C3",
					BillToPostalCode: "10001", BillToCountryCode: "US",
				},
				{Method: " Ground ", Carrier: FedEx, Service: "fedex_ground"},
			},
		},
		{
			name: "recipient billing alone",
			in:   `[{"method":"Collect","carrier":"dhl","service":"dhl_express_worldwide","billToParty":"recipient"}]`,
			want: []Mapping{{Method: "Collect", Carrier: DHL, Service: "dhl_express_worldwide", BillToParty: "recipient"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMappingsJSON([]byte(tt.in))
			if err != nil {
				t.Fatalf("ParseMappingsJSON: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseMappingsJSON (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMappingsJSONErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // the lines of the error, in order
	}{
		{
			name: "not an array",
			in:   `{"method":"Ground"}`,
			want: []string{"want a JSON array of mapping objects: json: cannot unmarshal object into Go value of type []json.RawMessage"},
		},
		{
			name: "empty file",
			in:   ``,
			want: []string{"want a JSON array of mapping objects: unexpected end of JSON input"},
		},
		{
			name: "required fields",
			in:   `[{"method":"Ground","carrier":"fedex","service":"fedex_ground"},{"package":"box"}]`,
			want: []string{
				`entry 2 (""): method is required`,
				`entry 2 (""): carrier is required`,
				`entry 2 (""): service is required`,
			},
		},
		{
			name: "unknown field",
			in:   `[{"method":"Ground","carrier":"fedex","servce":"fedex_ground"}]`,
			want: []string{`entry 1: json: unknown field "servce"`},
		},
		{
			name: "wrong type",
			in:   `[{"method":"Ground","carrier":"fedex","service":"fedex_ground","billToParty":"third_party","billToAccount":12345}]`,
			want: []string{`entry 1: field "billToAccount" must be a string, got number`},
		},
		{
			name: "entry not an object",
			in:   `["Ground=fedex:fedex_ground"]`,
			want: []string{`entry 1: want a JSON object, got string`},
		},
		{
			name: "unknown carrier",
			in:   `[{"method":"Ground","carrier":"ontrac","service":"ground"}]`,
			want: []string{`entry 1 ("Ground"): unknown carrier "ontrac" (want ups, fedex, usps or dhl)`},
		},
		{
			name: "bad bill-to party",
			in:   `[{"method":"Ground","carrier":"ups","service":"ups_ground","billToParty":"myaccount"}]`,
			want: []string{`entry 1 ("Ground"): unknown billToParty "myaccount" (want my_account, my_other_account, recipient or third_party)`},
		},
		{
			name: "bill-to fields without party",
			in:   `[{"method":"Ground","carrier":"ups","service":"ups_ground","billToAccount":"X1","billToCountryCode":"USA"}]`,
			want: []string{
				`entry 1 ("Ground"): billToAccount, billToPostalCode and billToCountryCode need billToParty`,
				`entry 1 ("Ground"): billToCountryCode "USA" is not a two-letter country code`,
			},
		},
		{
			name: "duplicate methods after normalisation",
			in: `[{"method":"Ground","carrier":"ups","service":"ups_ground"},
			      {"method":"Air","carrier":"ups","service":"ups_next_day_air"},
			      {"method":"  GROUND","carrier":"fedex","service":"fedex_ground"}]`,
			want: []string{`entry 3 ("  GROUND"): same method as entry 1 ("Ground")`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMappingsJSON([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParseMappingsJSON = %+v, want an error", got)
			}
			if got != nil {
				t.Errorf("ParseMappingsJSON returned mappings %+v with its error", got)
			}
			if diff := cmp.Diff(tt.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("ParseMappingsJSON error lines (-want +got):\n%s", diff)
			}
		})
	}
}
