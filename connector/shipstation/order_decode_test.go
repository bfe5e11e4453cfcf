package shipstation

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shipsync/shipsync/connector/jsonscan"
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

// TestOrderDecodeListedMatchesUnmarshal checks that the decoding of a
// listed order through its tables gives what json.Unmarshal gives (through
// OrderItem's UnmarshalJSON), on the sample orders and on variants of their
// fields, and fails where it fails.
func TestOrderDecodeListedMatchesUnmarshal(t *testing.T) {
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
		"not an object":       `[1]`,
		"quantity text space": `{"items":[{"quantity":" 1"}]}`,
		"quantity text empty": `{"items":[{"quantity":""}]}`,
		"quantity twice":      `{"items":[{"quantity":2,"Quantity":null}]}`,
		"names by case":       `{"ORDERID":7,"shipto":{"NAME":"a","Residential":true},"advancedOPTIONS":{"storeid":3,"mergedIds":[1,2]}}`,
		"escaped name":        `{"order\u0049d":7,"\u0073hipTo":{"name":"\u00e9"}}`,
		"merge twice":         `{"shipTo":{"name":"a"},"shipTo":{"city":"b"},"tagIds":[1],"tagIds":null}`,
		"pointers":            `{"carrierCode":"ups","carrierCode":null,"serviceCode":"","userId":"u","dimensions":{"length":1}}`,
		"wrong kinds":         `{"gift":"yes"}`,
		"int as float":        `{"orderId":1.0}`,
		"int overflow":        `{"orderId":9223372036854775808}`,
		"int min":             `{"orderId":-9223372036854775808}`,
		"float overflow":      `{"amountPaid":1e400}`,
		"times":               `{"orderDate":"2025-03-09T03:43:11.2870000","createDate":null,"shipDate":"2025-03-10","holdUntilDate":"x"}`,
		"weights":             `{"weight":{"value":1.5,"units":"ounces","WeightUnits":1},"items":[{"weight":null,"options":null}]}`,
		"unknown members":     `{"labelMessages":{"a":[1,{"b":null}]},"orderId":2,"x":-0.5e-3}`,
	}
	for i, raw := range sample.Orders {
		docs[fmt.Sprintf("sample %d", i)] = string(raw)
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) { checkDecodeListed(t, doc) })
	}
}

// FuzzOrderDecodeListed compares the decoding through the tables with
// json.Unmarshal on any input.
func FuzzOrderDecodeListed(f *testing.F) {
	f.Add(`{"orderId":1,"items":[{"sku":"A","quantity":2.0,"options":["Size: L",{"name":"n","value":"v"}]}]}`)
	f.Add(`{"orderId":1,"orderDate":"2025-03-09T03:43:11.2870000","items":[{"quantity":1e2},null]}`)
	f.Add(`{"shipTo":{"name":"a","residential":null},"advancedOptions":{"mergedIds":[1],"billToMyOtherAccount":-3},"tagIds":[]}`)
	f.Add(`{"shipTo":{"name":"a",},"items":[{"sku":"A"} {"sku":"B"}],"x":[01]}`)
	f.Add(`{"ORDERNUMBER":"\u00e9","gift":true,"items":[{"quantity":"2","adjustment":false,"createDate":null}]}`)
	f.Fuzz(func(t *testing.T, doc string) { checkDecodeListed(t, doc) })
}

// checkDecodeListed decodes doc through the tables, handed what
// jsonscan.Delimit finds (as the page walk hands an item), and compares with
// json.Unmarshal; a malformed item must not decode.
func checkDecodeListed(t *testing.T, doc string) {
	t.Helper()
	start, end, err := jsonscan.Delimit([]byte(doc), 0)
	if err != nil {
		return
	}
	raw := []byte(doc[start:end])
	var got Order
	gotErr := newOrderDecoders().order.Decode(&got, raw)
	if !json.Valid(raw) {
		if gotErr == nil {
			t.Fatalf("%s: malformed, yet decoded", raw)
		}
		return
	}
	var want Order
	wantErr := json.Unmarshal(raw, &want)
	if wantErr != nil && gotErr == nil {
		t.Fatalf("tables: no error, json.Unmarshal: %v", wantErr)
	}
	if wantErr == nil && gotErr != nil {
		t.Fatalf("tables: %v, json.Unmarshal: no error", gotErr)
	}
	if wantErr == nil {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("tables differ from json.Unmarshal (-want +got):\n%s", diff)
		}
	}
}
