package shipstation

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/shipsync/shipsync/internal/edgevalues"
)

// randomOrder fills every field of an order, each one empty or not at
// random, with values that test the encoding's edges: escapes, exponents,
// nil against empty slices and pointers to empty strings.
func randomOrder(p *edgevalues.Picker) Order {
	str, strPtr, num, yes := p.String, p.StringPtr, p.Float, p.Bool
	ints := []int64{0, 1, -1, math.MaxInt64, 81234}
	id := func() int64 { return ints[p.IntN(len(ints))] }
	at := func() Time {
		if yes() {
			return Time{}
		}
		return Time{Time: time.Date(2025, 3, 9, 3, 43, 11, p.IntN(1e9), time.UTC)}
	}
	ids := func() []int64 {
		switch p.IntN(3) {
		case 0:
			return nil
		case 1:
			return []int64{}
		}
		return []int64{id(), 2}
	}
	weight := func() Weight {
		if yes() {
			return Weight{}
		}
		return Weight{Value: num(), Units: str(), WeightUnits: int(id() % 3)}
	}
	address := func() Address {
		var res *bool
		if yes() {
			b := yes()
			res = &b
		}
		return Address{Name: str(), Company: str(), Street1: str(), Street2: str(), Street3: str(), City: str(),
			State: str(), PostalCode: str(), Country: str(), Phone: str(), Residential: res, AddressVerified: str()}
	}
	o := Order{
		OrderID: id(), OrderNumber: str(), OrderKey: str(), OrderDate: at(), CreateDate: at(), ModifyDate: at(),
		PaymentDate: at(), ShipByDate: at(), OrderStatus: str(), CustomerID: id(), CustomerUsername: str(),
		CustomerEmail: str(), BillTo: address(), ShipTo: address(), OrderTotal: num(), AmountPaid: num(),
		TaxAmount: num(), ShippingAmount: num(), CustomerNotes: str(), InternalNotes: str(), Gift: yes(),
		GiftMessage: str(), PaymentMethod: str(), RequestedShippingService: str(), CarrierCode: strPtr(),
		ServiceCode: strPtr(), PackageCode: strPtr(), Confirmation: str(), HoldUntilDate: at(), Weight: weight(),
		TagIDs: ids(), UserID: strPtr(), ExternallyFulfilled: yes(), ExternallyFulfilledBy: str(),
		ExternallyFulfilledByID: id(), ExternallyFulfilledByName: str(),
	}
	if yes() {
		o.ShipDate = Date{Time: time.Date(2025, 3, 10, 0, 0, 0, 0, Pacific())}
	}
	if yes() {
		o.Dimensions = &Dimensions{Units: str(), Length: num(), Width: num(), Height: num()}
	}
	if yes() {
		o.InsuranceOptions = InsuranceOptions{Provider: str(), InsureShipment: yes(), InsuredValue: num()}
	}
	switch p.IntN(3) {
	case 1:
		o.InternationalOptions = InternationalOptions{CustomsItems: []CustomsItem{}}
	case 2:
		o.InternationalOptions = InternationalOptions{Contents: str(), NonDelivery: str(),
			CustomsItems: []CustomsItem{{Description: str(), Quantity: 2, Value: num()}}}
	}
	if yes() {
		o.AdvancedOptions = AdvancedOptions{WarehouseID: id(), NonMachinable: yes(), SaturdayDelivery: yes(),
			ContainsAlcohol: yes(), StoreID: id(), CustomField1: str(), CustomField2: str(), CustomField3: str(),
			Source: str(), MergedOrSplit: yes(), MergedIDs: ids(), ParentID: id(), BillToParty: str(),
			BillToAccount: str(), BillToPostalCode: str(), BillToCountryCode: str(), BillToMyOtherAccount: id()}
	} else if yes() {
		o.AdvancedOptions.MergedIDs = ids() // only the slice: []int64{} is not zero
	}
	switch n := p.IntN(4); n {
	case 0:
	case 1:
		o.Items = []OrderItem{}
	default:
		for range n {
			it := OrderItem{OrderItemID: id(), LineItemKey: str(), SKU: str(), Name: str(), ImageURL: str(),
				Weight: weight(), Quantity: int(id() % 5), UnitPrice: num(), TaxAmount: num(), ShippingAmount: num(),
				WarehouseLocation: str(), ProductID: id(), FulfillmentSKU: str(), Adjustment: yes(), UPC: str(),
				CreateDate: at(), ModifyDate: at()}
			switch p.IntN(3) {
			case 1:
				it.Options = []ItemOption{}
			case 2:
				it.Options = []ItemOption{{Name: str(), Value: str()}, {}}
			}
			o.Items = append(o.Items, it)
		}
	}
	return o
}

// TestAppendOrderIsMarshal checks the hand-written encoding against
// json.Marshal on the example orders and on random ones (read-only fields
// set too): AppendOrder writes json.Marshal(o.withoutReadOnly()), what
// createorders sent before it was written by hand.
func TestAppendOrderIsMarshal(t *testing.T) {
	var sample struct{ Orders []Order }
	if err := json.Unmarshal(mustReadFile(t, "orders-list-page.json"), &sample); err != nil {
		t.Fatal(err)
	}
	orders := append(sample.Orders, Order{})
	p := edgevalues.New(7)
	for range 5_000 {
		orders = append(orders, randomOrder(p))
	}
	for i, o := range orders {
		want, err := json.Marshal(o.withoutReadOnly())
		if err != nil {
			t.Fatal(err)
		}
		if got, err := AppendOrder([]byte("x"), &o); err != nil || string(got) != "x"+string(want) {
			t.Fatalf("order %d: AppendOrder = %s, %v\njson.Marshal(withoutReadOnly) = %s", i, got, err, want)
		}
	}
}

// withoutReadOnly returns a copy of o without the fields ShipStation sets
// itself: what createorders sent (through json.Marshal) before AppendOrder,
// the reference AppendOrder is checked against. OrderID is kept: split
// orders need it.
func (o Order) withoutReadOnly() Order {
	o.CreateDate, o.ModifyDate = Time{}, Time{}
	o.CustomerID, o.OrderTotal, o.UserID = 0, 0, nil
	o.ExternallyFulfilled, o.ExternallyFulfilledBy = false, ""
	o.ExternallyFulfilledByID, o.ExternallyFulfilledByName = 0, ""
	o.BillTo.AddressVerified, o.ShipTo.AddressVerified = "", ""
	o.AdvancedOptions.MergedOrSplit, o.AdvancedOptions.MergedIDs, o.AdvancedOptions.ParentID = false, nil, 0
	o.Weight.WeightUnits = 0
	if o.Items != nil {
		items := make([]OrderItem, len(o.Items))
		for i, it := range o.Items {
			it.CreateDate, it.ModifyDate = Time{}, Time{}
			it.Weight.WeightUnits = 0
			items[i] = it
		}
		o.Items = items
	}
	return o
}
