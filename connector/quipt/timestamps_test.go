package quipt

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shipsync/shipsync/connector/jsonscan"
)

// docsOrder is the order of docs/quipt-api.md.
const docsOrder = `{ "Id": "8b0e6f7c-3f0a-4c3e-9a51-2f7d3c1b9e20",
  "OrderNumber": "Q-100231",
  "PartnerReference": null,
  "Status": 4, "SubStatus": 0,
  "CreatedAt": "2026-03-02T16:58:40Z", "UpdatedAt": "2026-03-02T17:01:02Z",
  "Channel": {"Id": "c1", "Name": "Web Store"},
  "Customer": {"Name": "Dana Ruiz", "Email": "dana@example.com", "Phone": "555-0100"},
  "ShipTo": {"Name": "Dana Ruiz", "Company": null, "Address1": "12 Elm St", "Address2": null,
             "City": "Austin", "State": "TX", "PostalCode": "78701", "Country": "US",
             "Phone": "555-0100", "Residential": true},
  "Lines": [ {"Id": "l1", "SKU": "CASE-IP15-BLK", "VendorSKU": "V-CASE-15", "Name": "Case",
              "Quantity": 2, "UnitPrice": 19.99} ],
  "Shipping": {"RequestedMethod": "Standard", "CarrierCode": null, "CarrierMethod": null},
  "WarehouseCode": "AUS1",
  "Totals": {"Subtotal": 39.98, "Tax": 3.30, "Shipping": 5.00, "Total": 48.28},
  "Shipments": [ {"Id": "...", "ExternalShipmentId": "shipstation:81234", "TrackingNumber": "1Z...",
                  "CarrierCode": "UPS", "CarrierMethod": "ups_ground", "ShipDate": "2026-03-03",
                  "Voided": false, "Lines": [{"LineId": "l1", "Quantity": 2}]} ],
  "Cancellations": [ {"Type": "Soft", "Reason": "...", "CreatedAt": "2026-03-02T17:00:00Z"} ] }`

// TestListItemDecodingMatchesJSONUnmarshal checks that a list item decoded
// through the order tables (decodeItem) gives what json.Unmarshal gives
// through Order.UnmarshalJSON, on the documented order and variants of its
// fields, and fails where it fails.
func TestListItemDecodingMatchesJSONUnmarshal(t *testing.T) {
	variants := map[string]string{
		"docs":               docsOrder,
		"zone-less times":    strings.ReplaceAll(docsOrder, `:40Z"`, `:40.123"`),
		"date only":          strings.ReplaceAll(docsOrder, `"2026-03-02T16:58:40Z"`, `"2026-03-02"`),
		"space separated":    strings.ReplaceAll(docsOrder, `"2026-03-02T16:58:40Z"`, `"2026-03-02 16:58:40"`),
		"null times":         strings.ReplaceAll(docsOrder, `"2026-03-02T16:58:40Z"`, `null`),
		"empty times":        strings.ReplaceAll(docsOrder, `"2026-03-02T17:01:02Z"`, `""`),
		"escaped time":       strings.ReplaceAll(docsOrder, `"2026-03-02T16:58:40Z"`, `"2026-03-02T16:58:40\u005A"`),
		"lower-case keys":    strings.ReplaceAll(strings.ReplaceAll(docsOrder, `"CreatedAt"`, `"createdat"`), `"Id"`, `"id"`),
		"no times":           `{"Id": "o1", "Lines": []}`,
		"null":               `null`,
		"empty":              `{}`,
		"bad time":           strings.ReplaceAll(docsOrder, `"2026-03-02T16:58:40Z"`, `"yesterday"`),
		"time is a number":   strings.ReplaceAll(docsOrder, `"2026-03-02T16:58:40Z"`, `20260302`),
		"status is a string": strings.ReplaceAll(docsOrder, `"Status": 4`, `"Status": "4"`),
		"lines not a list":   `{"Id": "o1", "Lines": {}}`,
		"quantity decimal":   strings.ReplaceAll(docsOrder, `"Quantity": 2,`, `"Quantity": 2.0,`),
		"nulls everywhere":   `{"Id":null,"ShipTo":null,"Lines":[null],"Shipping":{"CarrierCode":null},"Totals":null,"Shipments":null}`,
		"pointers set":       `{"Id":"o","PartnerReference":"p","ShipTo":{"Company":"c","Address2":"","Residential":false}}`,
		"merged twice":       `{"Id":"o","ShipTo":{"Name":"a"},"shipto":{"City":"b"},"Lines":[{"SKU":"x"}],"lines":[]}`,
		"escaped":            `{"\u0049d":"o\u00e9","Customer":{"Email":"a\"b"}}`,
		"bad shipment":       `{"Id":"o","Shipments":[{"Voided":"no"}]}`,
		"bad cancellation":   `{"Id":"o","Cancellations":[{"CreatedAt":"soon"}]}`,
		"unknown fields":     `{"Id":"o","Extra":{"a":[1,2,{"b":null}]},"Tags":["x"]}`,
	}
	for name, doc := range variants {
		t.Run(name, func(t *testing.T) {
			var want Order
			wantErr := json.Unmarshal([]byte(doc), &want)
			got, gotErr := decodeItem([]byte(doc), newOrderDecoder().Decode, func(*Order) error { return nil })
			if (gotErr != nil) != (wantErr != nil) {
				t.Fatalf("decodeItem: %v, json.Unmarshal: %v", gotErr, wantErr)
			}
			if wantErr == nil {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("decodeItem differs from json.Unmarshal (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// FuzzOrderDecodeTables compares the order tables with json.Unmarshal
// (through Order.UnmarshalJSON) on any input, handed what jsonscan.Delimit
// finds (as a list walk hands an item): a malformed order must not decode.
func FuzzOrderDecodeTables(f *testing.F) {
	f.Add(docsOrder)
	f.Add(`{"id":"o","lines":[{"quantity":1,"unitprice":-0.5}],"shipto":{"residential":null},"createdat":"2026-03-02"}`)
	f.Add(`{"Id":"o","ShipTo":{"Name":"a",},"Lines":[{"SKU":"x"} {}],"Extra":[01]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		start, end, err := jsonscan.Delimit([]byte(doc), 0)
		if err != nil {
			return
		}
		raw := []byte(doc[start:end])
		var want, got Order
		gotErr := newOrderDecoder().Decode(&got, raw)
		if !json.Valid(raw) {
			if gotErr == nil {
				t.Fatalf("%s: malformed, yet decoded", raw)
			}
			return
		}
		wantErr := json.Unmarshal(raw, &want)
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("%s: tables: %v, json.Unmarshal: %v", raw, gotErr, wantErr)
		}
		if diff := cmp.Diff(want, got); wantErr == nil && diff != "" {
			t.Errorf("%s: tables differ from json.Unmarshal (-want +got):\n%s", raw, diff)
		}
	})
}
