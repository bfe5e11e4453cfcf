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

// TestAppendJSONIsMarshal checks appendJSON against json.Marshal on the
// kinds of value the groups hold, the edges of float formatting included.
func TestAppendJSONIsMarshal(t *testing.T) {
	var nilStrings []string
	for _, v := range []any{
		"", "plain", "<&>\u2028\u2029\"\\\n\x01é\xff",
		0.0, math.Copysign(0, -1), 1.0, -2.5, 0.1, 1e-6, 9.99999e-7, 1e-7, 1.5e-300, 1e20, 1e21, 123456789012345678901234.0,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 12.345,
		0, -1, int64(math.MaxInt64), int64(math.MinInt64), true, false,
		nilStrings, []string{}, []string{"a", "<"}, []float64{0.5, 1e22}, []int64{}, []int64{1, -2},
		[]any{"x", 1, 2.5, true, nil}, [][]any{{"a", 1}, {}}, [][]any(nil),
		shipstation.InsuranceOptions{InsuredValue: 1e-7}, (*shipstation.Dimensions)(nil),
	} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendJSON([]byte("prefix"), v)
		if err != nil {
			t.Fatalf("appendJSON(%#v): %v", v, err)
		}
		if string(got) != "prefix"+string(want) {
			t.Errorf("appendJSON(%#v) = %s, json.Marshal %s", v, got[len("prefix"):], want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1)} {
		if _, err := appendJSON(nil, f); err == nil {
			t.Errorf("appendJSON(%v) gave no error; json.Marshal refuses it", f)
		}
	}
}

// FuzzAppendJSON checks appendJSON against json.Marshal on any float64
// and any string.
func FuzzAppendJSON(f *testing.F) {
	f.Add(1e-7, "a<b")
	f.Add(1e21, "\u2028")
	f.Fuzz(func(t *testing.T, x float64, s string) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		v := []any{x, s}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendJSON(nil, v)
		if err != nil || string(got) != string(want) {
			t.Errorf("appendJSON = %s, %v; json.Marshal %s", got, err, want)
		}
	})
}
