package shipstation

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestItemsDecodeLeniently: the model page documents options as strings and
// some servers write quantities as decimals; neither may cost the order.
func TestItemsDecodeLeniently(t *testing.T) {
	var o Order
	err := json.Unmarshal([]byte(`{"orderId":1,"items":[
		{"sku":"A","quantity":2.0,"options":["Size: L","gift wrap"]},
		{"sku":"B","quantity":1,"options":[{"name":"Color","value":"Red"}]},
		{"sku":"C","quantity":null}]}`), &o)
	if err != nil {
		t.Fatal(err)
	}
	want := []OrderItem{
		{SKU: "A", Quantity: 2, Options: []ItemOption{{Name: "Size", Value: "L"}, {Value: "gift wrap"}}},
		{SKU: "B", Quantity: 1, Options: []ItemOption{{Name: "Color", Value: "Red"}}},
		{SKU: "C"},
	}
	if diff := cmp.Diff(want, o.Items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`{"orderId":1,"items":[{"sku":"A","quantity":1.5}]}`), &o); err == nil {
		t.Error("a fractional quantity decoded")
	}
}
