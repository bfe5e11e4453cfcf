package shipstationtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type shipmentList struct {
	Shipments []map[string]any `json:"shipments"`
	Total     int              `json:"total"`
}

func (l shipmentList) ids() []int64 {
	var out []int64
	for _, s := range l.Shipments {
		id, _ := s["shipmentId"].(float64)
		out = append(out, int64(id))
	}
	return out
}

// twoLineOrder is an order with two lines and a discount.
func twoLineOrder() Order {
	return Order{
		OrderNumber: "WEB-100482",
		ShipTo:      &Address{Name: "Jordan Alvarez"},
		Items: []OrderItem{
			{SKU: "MUG", Name: "Mug", Quantity: 2, LineItemKey: new("li-1")},
			{SKU: "SOCK", Name: "Socks", Quantity: 1, LineItemKey: new("li-2")},
			{SKU: "DISC", Name: "Discount", Quantity: 1, UnitPrice: -5, Adjustment: true},
		},
		AdvancedOptions: AdvancedOptions{StoreID: new(DefaultStoreID), WarehouseID: new(AustinWarehouseID)},
	}
}

func TestLabelsCreateAndVoidWindows(t *testing.T) {
	la := pacific(t)
	t0 := time.Date(2025, 3, 10, 8, 51, 7, 653_000_000, la)
	clk := newClock(t0)
	srv := start(t, WithDefaultAccount(), WithClock(clk.Now))
	o := srv.AddOrder(twoLineOrder())

	// Two packages: the order ships when the second one is made.
	first := srv.CreateLabel(o.OrderID, []ShipmentItem{{LineItemKey: new("li-1")}}, "ups", "ups_ground")
	if got, _ := srv.Order(o.OrderID); got.OrderStatus != StatusAwaitingShipment {
		t.Fatalf("status after a partial label = %s", got.OrderStatus)
	}
	clk.Advance(10 * time.Minute)
	second := srv.CreateLabel(o.OrderID, nil, "ups", "ups_ground")
	if diff := cmp.Diff([]string{"SOCK"}, skus(second.ShipmentItems)); diff != "" {
		t.Errorf("nil items = the lines not yet shipped (-want +got):\n%s", diff)
	}
	got, _ := srv.Order(o.OrderID)
	if got.OrderStatus != StatusShipped || !got.ModifyDate.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("status after every line = %s", got.OrderStatus)
	}
	if first.TrackingNumber == "" || first.TrackingNumber == second.TrackingNumber {
		t.Errorf("tracking numbers %q, %q", first.TrackingNumber, second.TrackingNumber)
	}

	// Void the first label an hour later: createDate stays, voidDate is set,
	// and the order is no longer fully shipped.
	clk.Advance(time.Hour)
	srv.VoidLabel(first.ShipmentID)
	voided, _ := srv.Shipment(first.ShipmentID)
	if !voided.Voided || !voided.VoidDate.Equal(t0.Add(70*time.Minute)) || !voided.CreateDate.Equal(t0) {
		t.Errorf("voided shipment: %+v", voided)
	}
	if got, _ := srv.Order(o.OrderID); got.OrderStatus != StatusAwaitingShipment || !got.ShipDate.IsZero() {
		t.Errorf("order after the void: %s, shipDate %v", got.OrderStatus, got.ShipDate)
	}

	for _, c := range []struct {
		query url.Values
		want  []int64
	}{
		{url.Values{"createDateStart": {"2025-03-10 08:51:07"}, "createDateEnd": {"2025-03-10 08:55:00"}}, []int64{first.ShipmentID}},
		{url.Values{"createDateStart": {"2025-03-10 09:30:00"}}, nil},
		{url.Values{"voidDateStart": {"2025-03-10 10:00:00"}, "voidDateEnd": {"2025-03-10 10:01:07"}}, []int64{first.ShipmentID}},
		{url.Values{"voidDateStart": {"2025-03-10 10:01:08"}}, nil},
		{url.Values{"shipDateStart": {"2025-03-10"}, "shipDateEnd": {"2025-03-10"}}, []int64{first.ShipmentID, second.ShipmentID}},
		{url.Values{"shipDateStart": {"2025-03-11"}}, nil},
		{url.Values{"orderId": {itoa(o.OrderID)}, "sortDir": {"DESC"}}, []int64{second.ShipmentID, first.ShipmentID}},
		{url.Values{"trackingNumber": {second.TrackingNumber}}, []int64{second.ShipmentID}},
		{url.Values{"storeId": {itoa(AmazonStoreID)}}, nil},
	} {
		var l shipmentList
		call(t, srv, "GET", "/shipments?"+c.query.Encode(), nil).decode(t, &l)
		if diff := cmp.Diff(c.want, l.ids()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.query.Encode(), diff)
		}
	}

	var l shipmentList
	call(t, srv, "GET", "/shipments?orderId="+itoa(o.OrderID), nil).decode(t, &l)
	s := l.Shipments[0]
	for k, v := range map[string]any{
		"createDate": "2025-03-10T08:51:07.6530000", "shipDate": "2025-03-10",
		"voidDate": "2025-03-10T10:01:07.6530000", "voided": true, "isReturnLabel": false,
		"carrierCode": "ups", "serviceCode": "ups_ground", "orderNumber": "WEB-100482",
	} {
		if s[k] != v {
			t.Errorf("shipment %s = %#v, want %#v", k, s[k], v)
		}
	}
}

func TestIncludeShipmentItems(t *testing.T) {
	srv := start(t, WithDefaultAccount())
	o := srv.AddOrder(twoLineOrder())
	srv.CreateLabel(o.OrderID, []ShipmentItem{{SKU: "MUG", Quantity: 1}}, "fedex", "fedex_ground")

	var l shipmentList
	call(t, srv, "GET", "/shipments", nil).decode(t, &l)
	if v, ok := l.Shipments[0]["shipmentItems"]; !ok || v != nil {
		t.Errorf("shipmentItems without includeShipmentItems = %#v, want null", v)
	}
	call(t, srv, "GET", "/shipments?includeShipmentItems=True", nil).decode(t, &l)
	items, _ := l.Shipments[0]["shipmentItems"].([]any)
	if len(items) != 1 {
		t.Fatalf("shipmentItems = %#v", l.Shipments[0]["shipmentItems"])
	}
	item := items[0].(map[string]any)
	if item["sku"] != "MUG" || item["quantity"] != 1.0 || item["lineItemKey"] != "li-1" || item["orderItemId"] != float64(o.Items[0].OrderItemID) {
		t.Errorf("item = %v", item)
	}
	call(t, srv, "GET", "/shipments?includeShipmentItems=maybe", nil).wantStatus(t, http.StatusBadRequest)
}

func TestReturnLabelDoesNotShipTheOrder(t *testing.T) {
	srv := start(t, WithDefaultAccount())
	o := srv.AddOrder(twoLineOrder())
	ret := srv.AddReturnLabel(o.OrderID)
	if !ret.IsReturnLabel || ret.ShipTo == nil || ret.ShipTo.Name != "Austin DC" {
		t.Errorf("return label = %+v", ret)
	}
	if got, _ := srv.Order(o.OrderID); got.OrderStatus != StatusAwaitingShipment {
		t.Errorf("status = %s", got.OrderStatus)
	}
	// A label for everything still ships it: the return label carries nothing outbound.
	srv.CreateLabel(o.OrderID, nil, "ups", "ups_ground")
	if got, _ := srv.Order(o.OrderID); got.OrderStatus != StatusShipped {
		t.Errorf("status = %s", got.OrderStatus)
	}
}

// TestShipmentJSONHasTheAPIFieldNames compares the keys of a rendered
// shipment with the sample page in testdata.
func TestShipmentJSONHasTheAPIFieldNames(t *testing.T) {
	var sample struct {
		Shipments []map[string]json.RawMessage `json:"shipments"`
	}
	readSample(t, "shipments-list-page.json", &sample)
	srv := start(t, WithDefaultAccount())
	o := srv.AddOrder(twoLineOrder())
	srv.CreateLabel(o.OrderID, nil, "ups", "ups_ground")
	var page struct {
		Shipments []map[string]json.RawMessage `json:"shipments"`
	}
	call(t, srv, "GET", "/shipments?includeShipmentItems=true", nil).decode(t, &page)
	compareKeys(t, "shipment", sample.Shipments[0], page.Shipments[0])
	compareKeys(t, "advancedOptions", object(t, sample.Shipments[0]["advancedOptions"]), object(t, page.Shipments[0]["advancedOptions"]))
}

func TestRawShipmentAndAddShipment(t *testing.T) {
	srv := start(t)
	seeded := srv.AddShipment(Shipment{OrderID: 1, TrackingNumber: "T1", CarrierCode: "ups"})
	srv.AddRawShipment(json.RawMessage(`{"shipmentId": "x"}`))
	var page struct {
		Shipments []json.RawMessage `json:"shipments"`
		Total     int               `json:"total"`
	}
	call(t, srv, "GET", "/shipments?createDateStart=2000-01-01", nil).decode(t, &page)
	if page.Total != 2 || string(page.Shipments[1]) != `{"shipmentId":"x"}` {
		t.Errorf("page = %d %s", page.Total, page.Shipments)
	}
	if seeded.ShipmentID == 0 || seeded.CreateDate.IsZero() {
		t.Errorf("AddShipment defaults: %+v", seeded)
	}
}

func skus(items []ShipmentItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.SKU)
	}
	return out
}
