package quipt

import (
	"encoding/json"
	"testing"

	"github.com/shipsync/shipsync/internal/edgevalues"
)

// TestBodiesAreMarshal checks the hand-written bodies of the writes sent
// per order against json.Marshal, on random values: pointers nil or set,
// lines nil, empty or several, strings that need escapes, float edges.
func TestBodiesAreMarshal(t *testing.T) {
	p := edgevalues.New(5)
	str, strPtr, num := p.String, p.StringPtr, p.Float
	lineQuantities := func() []LineQuantity {
		switch p.IntN(3) {
		case 0:
			return nil
		case 1:
			return []LineQuantity{}
		}
		return []LineQuantity{{LineID: str(), Quantity: p.IntN(5) - 1}, {LineID: str(), Quantity: 2}}
	}
	for range 5_000 {
		var residential *bool
		if p.IntN(2) == 0 {
			v := p.IntN(2) == 0
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
		switch p.IntN(3) {
		case 1:
			po.Lines = []Line{}
		case 2:
			po.Lines = []Line{{ID: str(), SKU: str(), VendorSKU: str(), Name: str(), Quantity: p.IntN(4), UnitPrice: num()}, {}}
		}
		ack := AcknowledgeRequest{OrderID: str(), Status: p.IntN(3), Reason: str(), Lines: lineQuantities()}
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
