package shipstation

import (
	"encoding/json"
	"fmt"
	"strings"
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

// TestOrderDecodeFromMatchesUnmarshal checks that the one-pass decoding of a
// listed order gives what json.Unmarshal gives (through OrderItem's
// UnmarshalJSON), on the sample orders and on variants of their items, and
// fails where it fails.
func TestOrderDecodeFromMatchesUnmarshal(t *testing.T) {
	var sample struct{ Orders []json.RawMessage }
	if err := json.Unmarshal(mustReadFile(t, "orders-list-page.json"), &sample); err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{
		"decimal quantity":    `{"orderId":1,"items":[{"sku":"A","quantity":2.0,"options":["Size: L"]},{"sku":"B","quantity":null}]}`,
		"fractional quantity": `{"orderId":1,"items":[{"sku":"A","quantity":1.5}]}`,
		"quantity as text":    `{"orderId":1,"items":[{"sku":"A","quantity":"3"}]}`,
		"quantity not a num":  `{"orderId":1,"items":[{"sku":"A","quantity":"x"}]}`,
		"null item":           `{"orderId":1,"items":[null,{"sku":"B","quantity":1}]}`,
		"null items":          `{"orderId":1,"items":null}`,
		"empty items":         `{"orderId":1,"items":[]}`,
		"no items":            `{"orderId":1}`,
		"items twice":         `{"orderId":1,"items":[{"sku":"A"}],"Items":[{"sku":"B","Quantity":4}]}`,
		"bad item field":      `{"orderId":1,"items":[{"sku":5}]}`,
		"bad order field":     `{"orderId":"x","items":[{"sku":"A","quantity":1}]}`,
		"null":                `null`,
	}
	for i, raw := range sample.Orders {
		docs[fmt.Sprintf("sample %d", i)] = string(raw)
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) { checkDecodeFrom(t, doc) })
	}
}

// FuzzOrderDecodeFrom compares the one-pass decoding with json.Unmarshal on
// any input.
func FuzzOrderDecodeFrom(f *testing.F) {
	f.Add(`{"orderId":1,"items":[{"sku":"A","quantity":2.0,"options":["Size: L",{"name":"n","value":"v"}]}]}`)
	f.Add(`{"orderId":1,"orderDate":"2025-03-09T03:43:11.2870000","items":[{"quantity":1e2},null]}`)
	f.Fuzz(func(t *testing.T, doc string) { checkDecodeFrom(t, doc) })
}

func checkDecodeFrom(t *testing.T, doc string) {
	t.Helper()
	var want Order
	wantErr := json.Unmarshal([]byte(doc), &want)
	var got Order
	dec := json.NewDecoder(strings.NewReader(doc))
	gotErr := got.decodeFrom(dec)
	if wantErr != nil && gotErr == nil && json.Valid([]byte(doc)) {
		// Unmarshal refuses trailing data that one decoded value leaves alone.
		t.Fatalf("decodeFrom: no error, json.Unmarshal: %v", wantErr)
	}
	if wantErr == nil && gotErr != nil {
		t.Fatalf("decodeFrom: %v, json.Unmarshal: no error", gotErr)
	}
	if wantErr == nil {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("decodeFrom differs from json.Unmarshal (-want +got):\n%s", diff)
		}
	}
}
