package pushorders

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/shipstation"
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
	for i, o := range groupTestOrders(t) {
		hashes := groupHashes(&o)
		for _, g := range groups {
			raw, err := json.Marshal(g.value(&o))
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
