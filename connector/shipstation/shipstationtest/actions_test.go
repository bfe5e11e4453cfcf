package shipstationtest

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAssignUserIsAllOrNothing(t *testing.T) {
	srv := start(t, WithDefaultAccount())
	a := srv.AddOrder(Order{OrderNumber: "A"})
	b := srv.AddOrder(Order{OrderNumber: "B"})

	r := call(t, srv, "POST", "/orders/assignuser", map[string]any{"orderIds": []int64{a.OrderID, 999, b.OrderID}, "userId": DefaultUserID})
	r.wantStatus(t, http.StatusBadRequest)
	var msg apiMessage
	r.decode(t, &msg)
	if msg.Message == "" {
		t.Errorf("400 without a message: %s", r.body)
	}
	for _, id := range []int64{a.OrderID, b.OrderID} {
		if o, _ := srv.Order(id); o.UserID != nil || srv.AssignCount(id) != 0 {
			t.Errorf("order %d assigned although one order was unknown", id)
		}
	}

	call(t, srv, "POST", "/orders/assignuser", map[string]any{"orderIds": []int64{a.OrderID}, "userId": "00000000-0000-0000-0000-000000000000"}).
		wantStatus(t, http.StatusBadRequest)
	call(t, srv, "POST", "/orders/assignuser", map[string]any{"orderIds": []int64{}, "userId": DefaultUserID}).
		wantStatus(t, http.StatusBadRequest)

	r = call(t, srv, "POST", "/orders/assignuser", map[string]any{"orderIds": []int64{a.OrderID, b.OrderID}, "userId": DefaultUserID})
	r.wantStatus(t, http.StatusOK)
	var ok successReply
	r.decode(t, &ok)
	if !ok.Success {
		t.Errorf("reply = %s", r.body)
	}
	for _, id := range []int64{a.OrderID, b.OrderID} {
		if o, _ := srv.Order(id); o.UserID == nil || *o.UserID != DefaultUserID || srv.AssignCount(id) != 1 {
			t.Errorf("order %d: userId %v, assign count %d", id, o.UserID, srv.AssignCount(id))
		}
	}
	want := []AssignUserCall{{OrderIDs: []int64{a.OrderID, b.OrderID}, UserID: DefaultUserID}}
	if diff := cmp.Diff(want, srv.AssignUserCalls()); diff != "" {
		t.Errorf("AssignUserCalls (-want +got):\n%s", diff)
	}
}

func TestMarkAsShipped(t *testing.T) {
	t0 := time.Date(2025, 3, 11, 7, 30, 0, 0, time.UTC) // 2025-03-11 00:30 PDT
	clk := newClock(t0)
	srv := start(t, WithClock(clk.Now))
	o := srv.AddOrder(Order{OrderNumber: "WEB-5", ShipTo: &Address{Name: "Jordan"}})
	shipped := srv.AddOrder(Order{OrderNumber: "WEB-6", OrderStatus: StatusShipped})

	req := map[string]any{
		"orderId": o.OrderID, "carrierCode": "FedEx", "shipDate": "2025-03-10",
		"trackingNumber": "794600000001", "notifyCustomer": true, "notifySalesChannel": false,
	}
	r := call(t, srv, "POST", "/orders/markasshipped", req)
	r.wantStatus(t, http.StatusOK)
	var reply markAsShippedReply
	r.decode(t, &reply)
	if reply.OrderID != o.OrderID || reply.OrderNumber != "WEB-5" {
		t.Errorf("reply = %s", r.body)
	}
	got, _ := srv.Order(o.OrderID)
	if got.OrderStatus != StatusShipped || !got.ModifyDate.Equal(t0) {
		t.Errorf("order after markasshipped: %s, modified %v", got.OrderStatus, got.ModifyDate)
	}

	var l struct {
		Fulfillments []map[string]any `json:"fulfillments"`
		Total        int              `json:"total"`
	}
	call(t, srv, "GET", "/fulfillments?orderId="+itoa(o.OrderID), nil).decode(t, &l)
	if l.Total != 1 {
		t.Fatalf("fulfillments = %d, want 1", l.Total)
	}
	f := l.Fulfillments[0]
	for k, v := range map[string]any{
		"carrierCode": "FedEx", "trackingNumber": "794600000001", "shipDate": "2025-03-10",
		"createDate": "2025-03-11T00:30:00.0000000", "marketplaceNotified": false, "voidDate": nil,
		"orderNumber": "WEB-5",
	} {
		if f[k] != v {
			t.Errorf("fulfillment %s = %#v, want %#v", k, f[k], v)
		}
	}

	// A second mark-as-shipped, and one of a shipped order, are refused.
	call(t, srv, "POST", "/orders/markasshipped", req).wantStatus(t, http.StatusBadRequest)
	req["orderId"] = shipped.OrderID
	call(t, srv, "POST", "/orders/markasshipped", req).wantStatus(t, http.StatusBadRequest)
	call(t, srv, "POST", "/orders/markasshipped", map[string]any{"orderId": 12345, "carrierCode": "usps"}).wantStatus(t, http.StatusBadRequest)
	call(t, srv, "POST", "/orders/markasshipped", map[string]any{"orderId": o.OrderID}).wantStatus(t, http.StatusBadRequest)

	if srv.MarkAsShippedCount(o.OrderID) != 1 || srv.MarkAsShippedCount(shipped.OrderID) != 0 {
		t.Errorf("counts %d / %d", srv.MarkAsShippedCount(o.OrderID), srv.MarkAsShippedCount(shipped.OrderID))
	}
	want := []MarkAsShippedCall{{OrderID: o.OrderID, CarrierCode: "FedEx", ShipDate: "2025-03-10", TrackingNumber: "794600000001", NotifyCustomer: true}}
	if diff := cmp.Diff(want, srv.MarkAsShippedCalls()); diff != "" {
		t.Errorf("MarkAsShippedCalls (-want +got):\n%s", diff)
	}
}

func TestMarkAsShippedDefaultsShipDateToPacificToday(t *testing.T) {
	clk := newClock(time.Date(2025, 3, 11, 5, 0, 0, 0, time.UTC)) // still 2025-03-10 in Pacific time
	srv := start(t, WithClock(clk.Now))
	o := srv.AddOrder(Order{OrderNumber: "A"})
	call(t, srv, "POST", "/orders/markasshipped", map[string]any{"orderId": o.OrderID, "carrierCode": "ups"}).wantStatus(t, http.StatusOK)
	var l struct{ Fulfillments []map[string]any }
	call(t, srv, "GET", "/fulfillments", nil).decode(t, &l)
	if l.Fulfillments[0]["shipDate"] != "2025-03-10" {
		t.Errorf("shipDate = %v, want 2025-03-10", l.Fulfillments[0]["shipDate"])
	}
}

func TestAddFulfillmentShipsTheOrder(t *testing.T) {
	srv := start(t)
	o := srv.AddOrder(Order{OrderNumber: "A"})
	f := srv.AddFulfillment(Fulfillment{OrderID: o.OrderID, CarrierCode: "FedEx", TrackingNumber: "1"})
	if f.FulfillmentID == 0 || f.OrderNumber != "A" || f.ShipDate.IsZero() {
		t.Errorf("fulfillment = %+v", f)
	}
	if got, _ := srv.Order(o.OrderID); got.OrderStatus != StatusShipped {
		t.Errorf("status = %s, want shipped", got.OrderStatus)
	}
	var l struct {
		Fulfillments []map[string]any `json:"fulfillments"`
	}
	call(t, srv, "GET", "/fulfillments?fulfillmentId="+itoa(f.FulfillmentID), nil).decode(t, &l)
	if len(l.Fulfillments) != 1 || l.Fulfillments[0]["carrierCode"] != "FedEx" {
		t.Errorf("listed = %v", l.Fulfillments)
	}
}
