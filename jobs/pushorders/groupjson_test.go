package pushorders

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/internal/edgevalues"
)

// groupTestOrders are the orders of the ShipStation example page and one
// that sets every field group with values that need escapes and exponents.
func groupTestOrders(t *testing.T) []shipstation.Order {
	t.Helper()
	raw, err := os.ReadFile("../../testdata/shipstation/orders-list-page.json")
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Orders []shipstation.Order }
	if err := json.Unmarshal(raw, &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Orders) == 0 {
		t.Fatal("the example page holds no orders")
	}
	carrier, residential := "ups <&>", true
	at := shipstation.Time{Time: time.Date(2026, 3, 2, 9, 1, 2, 500, time.UTC)}
	odd := shipstation.Order{
		OrderNumber: " Q-1\u2028 ", OrderKey: "quipt:1", OrderDate: at, PaymentDate: at, ShipByDate: at,
		OrderStatus: shipstation.StatusOnHold, HoldUntilDate: at, CustomerUsername: "é\xff", CustomerEmail: "A@B.COM",
		BillTo: shipstation.Address{Name: "\"quoted\"\\", State: "ca", Country: "us", Residential: &residential},
		ShipTo: shipstation.Address{Name: "tab\there", Street1: "1 <Main> & Co"},
		Items: []shipstation.OrderItem{
			{LineItemKey: "b", SKU: "S2", Name: "two", Quantity: 3, UnitPrice: 1e-7},
			{LineItemKey: "a", SKU: "S1", Name: "one", Quantity: -1, UnitPrice: 1e21, FulfillmentSKU: "F"},
		},
		AmountPaid: 12.345, TaxAmount: -0.005, ShippingAmount: 123456789.125,
		RequestedShippingService: "Ground", CarrierCode: &carrier, Confirmation: "adult_signature",
		Weight:               shipstation.Weight{Value: 0.000012345, Units: "Ounces"},
		Dimensions:           &shipstation.Dimensions{Units: "inches", Length: 1.5, Width: 2, Height: 1e-9},
		InsuranceOptions:     shipstation.InsuranceOptions{Provider: "carrier", InsureShipment: true, InsuredValue: 99.99},
		InternationalOptions: shipstation.InternationalOptions{Contents: "merchandise", CustomsItems: []shipstation.CustomsItem{{Description: "<x>", Quantity: 1, Value: 2.5}}},
		TagIDs:               []int64{9, -3, 1 << 40},
		AdvancedOptions: shipstation.AdvancedOptions{WarehouseID: 7, StoreID: 8, CustomField1: "c1", CustomField2: "&",
			NonMachinable: true, BillToParty: "third_party", BillToMyOtherAccount: 5},
	}
	return append(page.Orders, odd, shipstation.Order{})
}

// TestGroupHashesAreMarshalHashes checks every field group's hash of every
// test order against the SHA-256 of the group value's json.Marshal: push
// records keep these hashes, so writing the JSON by hand must not change one.
func TestGroupHashesAreMarshalHashes(t *testing.T) {
	if len(groupValues) != len(groups) {
		t.Fatalf("%d group values defined for %d groups", len(groupValues), len(groups))
	}
	orders := groupTestOrders(t)
	p := edgevalues.New(3)
	for range 5_000 {
		orders = append(orders, randomGroupOrder(p))
	}
	for i, o := range orders {
		hashes := groupHashes(&o)
		for _, g := range groups {
			raw, err := json.Marshal(groupValues[g.name](&o))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(raw)
			want := hex.EncodeToString(sum[:8])
			if got := g.hash(&o); got != want || hashes[g.name] != want {
				t.Errorf("order %d, group %s: hash %s, groupHashes %s, want %s (%s)", i, g.name, got, hashes[g.name], want, raw)
			}
		}
	}
}

// randomGroupOrder is an order whose field-group fields are each empty or
// set at random, with values that test the JSON's edges and lines that
// share keys.
func randomGroupOrder(p *edgevalues.Picker) shipstation.Order {
	str, strPtr, num := p.String, p.StringPtr, p.Float
	at := func() shipstation.Time {
		if p.IntN(2) == 0 {
			return shipstation.Time{}
		}
		return shipstation.Time{Time: time.Date(2025, 3, 9, 3, 43, 11, p.IntN(1e9), time.UTC)}
	}
	address := func() shipstation.Address {
		return shipstation.Address{Name: str(), Company: str(), Street1: str(), Street2: str(), Street3: str(),
			City: str(), State: str(), PostalCode: str(), Country: str(), Phone: str()}
	}
	o := shipstation.Order{
		OrderNumber: str(), OrderDate: at(), PaymentDate: at(), ShipByDate: at(), HoldUntilDate: at(),
		OrderStatus: str(), CustomerUsername: str(), CustomerEmail: str(), BillTo: address(), ShipTo: address(),
		AmountPaid: num(), TaxAmount: num(), ShippingAmount: num(), CustomerNotes: str(), InternalNotes: str(),
		Gift: p.IntN(2) == 0, GiftMessage: str(), PaymentMethod: str(), RequestedShippingService: str(),
		CarrierCode: strPtr(), ServiceCode: strPtr(), PackageCode: strPtr(), Confirmation: str(),
		Weight: shipstation.Weight{Value: num(), Units: str()},
		AdvancedOptions: shipstation.AdvancedOptions{WarehouseID: int64(p.IntN(3)), StoreID: int64(p.IntN(3)),
			CustomField1: str(), CustomField2: str(), CustomField3: str(), Source: str(), NonMachinable: p.IntN(2) == 0,
			SaturdayDelivery: p.IntN(2) == 0, ContainsAlcohol: p.IntN(2) == 0, BillToParty: str(),
			BillToAccount: str(), BillToPostalCode: str(), BillToCountryCode: str(), BillToMyOtherAccount: int64(p.IntN(3) - 1)},
	}
	if p.IntN(2) == 0 {
		o.Dimensions = &shipstation.Dimensions{Units: str(), Length: num(), Width: num(), Height: num()}
	}
	if p.IntN(2) == 0 {
		o.InsuranceOptions = shipstation.InsuranceOptions{Provider: str(), InsureShipment: p.IntN(2) == 0, InsuredValue: num()}
	}
	switch p.IntN(3) {
	case 1:
		o.InternationalOptions = shipstation.InternationalOptions{CustomsItems: []shipstation.CustomsItem{}}
	case 2:
		o.InternationalOptions = shipstation.InternationalOptions{Contents: str(), NonDelivery: str(),
			CustomsItems: []shipstation.CustomsItem{{Description: str(), Quantity: 2, Value: num()}}}
	}
	switch p.IntN(3) {
	case 1:
		o.TagIDs = []int64{}
	case 2:
		o.TagIDs = []int64{int64(p.IntN(50)), 7, -2}
	}
	keys := []string{"a", " a", "b", ""}
	switch n := p.IntN(20); {
	case n == 0:
		o.Items = []shipstation.OrderItem{}
	case n > 1:
		for range n {
			o.Items = append(o.Items, shipstation.OrderItem{LineItemKey: keys[p.IntN(len(keys))], SKU: str(), Name: str(),
				Quantity: p.IntN(5), UnitPrice: num(), FulfillmentSKU: str()})
		}
	}
	return o
}

// TestGroupHashesOfHugeNumbersAreTheirMarshalHashes: amounts and weights
// too large to round (their scaled value overflows to an infinity) hash as
// they are, so that such an order is pushed like any other instead of
// stopping the process: the amounts come from Quipt, the weights also from
// ShipStation.
func TestGroupHashesOfHugeNumbersAreTheirMarshalHashes(t *testing.T) {
	o := shipstation.Order{
		AmountPaid: math.MaxFloat64, TaxAmount: -1e307, ShippingAmount: 1e300,
		Items:  []shipstation.OrderItem{{LineItemKey: "a", SKU: "S", Name: "n", Quantity: 1, UnitPrice: 1e307}},
		Weight: shipstation.Weight{Value: 1e306, Units: "ounces"},
	}
	hashes := groupHashes(&o)
	for name, v := range map[string]any{
		"amounts": []float64{math.MaxFloat64, -1e307, 1e300},
		"items":   [][]any{{"a", "S", "n", 1, 1e307, ""}},
		"weight":  []any{1e306, "ounces"},
	} {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		if want := hex.EncodeToString(sum[:8]); hashes[name] != want {
			t.Errorf("group %s: hash %s, want %s, the hash of %s", name, hashes[name], want, raw)
		}
	}
	var scratch []byte
	if _, err := contentHash(&o, &scratch); err != nil {
		t.Errorf("contentHash: %v", err)
	}
}
