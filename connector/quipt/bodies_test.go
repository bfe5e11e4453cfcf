package quipt

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// TestBodiesAreMarshal checks the hand-written bodies of the writes sent
// per order against json.Marshal, on random values: pointers nil or set,
// lines nil, empty or several, strings that need escapes, float edges.
func TestBodiesAreMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	strs := []string{"", "plain", `<a&b> "q" \ é`, "tab\there\u2028", "\xff"}
	str := func() string { return strs[rng.IntN(len(strs))] }
	strPtr := func() *string {
		if rng.IntN(3) == 0 {
			return nil
		}
		s := str()
		return &s
	}
	floats := []float64{0, math.Copysign(0, -1), 19.99, 1e-7, 1e21, -3}
	num := func() float64 { return floats[rng.IntN(len(floats))] }
	lineQuantities := func() []LineQuantity {
		switch rng.IntN(3) {
		case 0:
			return nil
		case 1:
			return []LineQuantity{}
		}
		return []LineQuantity{{LineID: str(), Quantity: rng.IntN(5) - 1}, {LineID: str(), Quantity: 2}}
	}
	for range 5_000 {
		var residential *bool
		if rng.IntN(2) == 0 {
			v := rng.IntN(2) == 0
			residential = &v
		}
		po := NewPurchaseOrder{
			PartnerReference: str(), OrderNumber: str(), Channel: Channel{ID: str(), Name: str()},
			Customer: Customer{Name: str(), Email: str(), Phone: str()},
			ShipTo: Address{Name: str(), Company: strPtr(), Address1: str(), Address2: strPtr(), City: str(), State: str(),
				PostalCode: str(), Country: str(), Phone: str(), Residential: residential},
			Shipping:      Shipping{RequestedMethod: str(), CarrierCode: strPtr(), CarrierMethod: strPtr()},
			WarehouseCode: str(), Totals: Totals{Subtotal: num(), Tax: num(), Shipping: num(), Total: num()},
		}
		switch rng.IntN(3) {
		case 1:
			po.Lines = []Line{}
		case 2:
			po.Lines = []Line{{ID: str(), SKU: str(), VendorSKU: str(), Name: str(), Quantity: rng.IntN(4), UnitPrice: num()}, {}}
		}
		ack := AcknowledgeRequest{OrderID: str(), Status: rng.IntN(3), Reason: str(), Lines: lineQuantities()}
		ship := ShipRequest{OrderID: str(), ExternalShipmentID: str(), TrackingNumber: str(), CarrierCode: str(),
			CarrierMethod: str(), ShipDate: str(), Lines: lineQuantities()}
		for _, body := range []bodyAppender{&po, &ack, &ship} {
			want, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			got, err := body.appendJSON(nil)
			if err != nil || string(got) != string(want) {
				t.Fatalf("appendJSON = %s, %v\njson.Marshal = %s", got, err, want)
			}
		}
	}
}
