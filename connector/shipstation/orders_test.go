package shipstation

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestOrdersPagesQuery(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, map[string]string{
			"orderStatus":     "awaiting_shipment",
			"createDateStart": "2025-03-08 16:00:00", // 2025-03-09T00:00Z in PST
			"createDateEnd":   "2025-03-09 03:30:00", // 10:30Z in PDT
			"modifyDateStart": "2025-11-02 01:28:02", // first 01:28 (PDT)
			"modifyDateEnd":   "2025-11-02 01:28:02", // second 01:28 (PST)
			"orderDateStart":  "2024-12-31 16:00:00",
			"orderDateEnd":    "2025-01-31 16:00:00",
			"orderNumber":     "WEB-100",
			"storeId":         "88231",
			"sortBy":          "ModifyDate",
			"sortDir":         "ASC",
			"page":            "1",
			"pageSize":        "500",
		})
		orderPage(t, w, []int64{1}, 1, 1, 1)
	})
	_, _, err := collect(t, c, OrderListOptions{
		OrderStatus:     StatusAwaitingShipment,
		CreateDateStart: time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC),
		CreateDateEnd:   time.Date(2025, 3, 9, 10, 30, 0, 0, time.UTC),
		ModifyDateStart: time.Date(2025, 11, 2, 8, 28, 2, 0, time.UTC),
		ModifyDateEnd:   time.Date(2025, 11, 2, 9, 28, 2, 0, time.UTC),
		OrderDateStart:  time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		OrderDateEnd:    time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC),
		OrderNumber:     "WEB-100",
		StoreID:         88231,
		SortBy:          "ModifyDate",
		SortDir:         "ASC",
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOrdersPagesOmitsUnsetFilters(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, map[string]string{"page": "1", "pageSize": "500"})
		orderPage(t, w, nil, 0, 1, 0)
	})
	if _, _, err := collect(t, c, OrderListOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestOrdersPagesByTag(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /orders/listbytag", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, map[string]string{"orderStatus": "awaiting_shipment", "tagId": "41822", "page": "1", "pageSize": "100"})
		orderPage(t, w, []int64{512874301}, 1, 1, 1)
	})
	var ids []int64
	for page, err := range c.Orders.PagesByTag(t.Context(), ListByTagOptions{OrderStatus: StatusAwaitingShipment, TagID: 41822, PageSize: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Items {
			ids = append(ids, o.OrderID)
		}
	}
	if !cmp.Equal(ids, []int64{512874301}) {
		t.Errorf("ids = %v", ids)
	}
}

func TestOrdersGet(t *testing.T) {
	c, mux, _ := setup(t)
	sample := mustReadFile(t, "orders-list-page.json")
	var env struct{ Orders []json.RawMessage }
	if err := json.Unmarshal(sample, &env); err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "513002467" {
			t.Errorf("path id = %s", r.PathValue("id"))
		}
		_, _ = w.Write(env.Orders[1])
	})
	o, err := c.Orders.Get(t.Context(), 513002467)
	if err != nil {
		t.Fatal(err)
	}
	if o.OrderID != 513002467 || o.OrderNumber != "WEB-100497" || o.ShipTo.Country != "CA" {
		t.Errorf("order = %+v", o)
	}
}

func TestOrdersAssignUser(t *testing.T) {
	c, mux, _ := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("POST /orders/assignuser", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		body := readBody(t, r)
		want := map[string]any{"orderIds": []any{1.0, 2.0}, "userId": "5f0c2d9e-8a41-4e3b-b6f7-2a9d1c0e7b53"}
		if diff := cmp.Diff(want, body); diff != "" {
			t.Errorf("body (-want +got):\n%s", diff)
		}
		writeJSON(t, w, 200, map[string]any{"success": true, "message": "User assigned successfully."})
	})
	if err := c.Orders.AssignUser(t.Context(), []int64{1, 2}, "5f0c2d9e-8a41-4e3b-b6f7-2a9d1c0e7b53"); err != nil {
		t.Fatal(err)
	}
	if err := c.Orders.AssignUser(t.Context(), nil, "u"); err == nil {
		t.Error("no order IDs: want an error")
	}
	if err := c.Orders.AssignUser(t.Context(), []int64{1}, ""); err == nil {
		t.Error("no user: want an error")
	}
	if hits.Load() != 1 {
		t.Errorf("hits = %d; invalid calls must not be sent", hits.Load())
	}
}

func TestOrdersAssignUserNotApplied(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("POST /orders/assignuser", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 200, map[string]any{"success": false, "message": "Order 2 not found"})
	})
	err := c.Orders.AssignUser(t.Context(), []int64{1, 2}, "u")
	if !errors.Is(err, ErrNotApplied) || !IsPermanent(err) || !strings.Contains(err.Error(), "Order 2 not found") {
		t.Errorf("err = %v, want ErrNotApplied with the server's message", err)
	}
}

func TestOrdersCreateOrders(t *testing.T) {
	c, mux, _ := setup(t)
	response := mustReadFile(t, "createorders-response.json")
	mux.HandleFunc("POST /orders/createorders", func(w http.ResponseWriter, r *http.Request) {
		body, ok := readBody(t, r).([]any)
		if !ok || len(body) != 2 {
			t.Errorf("body is not an array of 2 orders: %v", body)
			return
		}
		fetched := body[0].(map[string]any)
		for _, ro := range []string{"createDate", "modifyDate", "customerId", "orderTotal", "userId", "holdUntilDate",
			"externallyFulfilled", "externallyFulfilledBy", "externallyFulfilledById", "externallyFulfilledByName"} {
			if _, ok := fetched[ro]; ok {
				t.Errorf("read-only %s sent", ro)
			}
		}
		if fetched["orderId"] != 512874301.0 || fetched["orderKey"] != "c6a1f0e2-4b7d-4a8e-9f21-3d5e8b7a9c10" {
			t.Errorf("orderId/orderKey = %v/%v, both must be kept", fetched["orderId"], fetched["orderKey"])
		}
		if fetched["orderDate"] != "2025-03-08T19:42:05.0000000" {
			t.Errorf("orderDate = %v", fetched["orderDate"])
		}
		adv := fetched["advancedOptions"].(map[string]any)
		if _, ok := adv["mergedIds"]; ok || adv["storeId"] != 88231.0 || adv["warehouseId"] != 301456.0 {
			t.Errorf("advancedOptions = %v", adv)
		}
		item := fetched["items"].([]any)[0].(map[string]any)
		if _, ok := item["createDate"]; ok || item["sku"] != "CMP-MUG-12-SLT" {
			t.Errorf("item = %v", item)
		}
		_, _ = w.Write(response)
	})

	var page struct{ Orders []Order }
	if err := json.Unmarshal(mustReadFile(t, "orders-list-page.json"), &page); err != nil {
		t.Fatal(err)
	}
	res, err := c.Orders.CreateOrders(t.Context(), page.Orders)
	if err != nil {
		t.Fatal(err)
	}
	if !res.HasErrors || len(res.Results) != 3 || res.Results[0].OrderID != 513010221 || !res.Results[0].Success {
		t.Errorf("result = %+v", res)
	}
	failed := res.Results[2]
	if failed.Success || failed.OrderID != 0 || failed.OrderKey != "91c0d2e7-6a4b-4b18-a3f9-5e2d8c1b7f60" || !strings.Contains(failed.ErrorMessage, "shipped") {
		t.Errorf("failed item = %+v", failed)
	}
	if page.Orders[0].CreateDate.IsZero() || page.Orders[0].UserID == nil {
		t.Error("CreateOrders modified the caller's orders")
	}
}

func TestOrdersCreateOrdersLimits(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("POST /orders/createorders", func(w http.ResponseWriter, r *http.Request) {
		t.Error("request sent")
	})
	if _, err := c.Orders.CreateOrders(t.Context(), make([]Order, MaxCreateOrders+1)); err == nil {
		t.Error("101 orders: want an error")
	}
	res, err := c.Orders.CreateOrders(t.Context(), nil)
	if err != nil || res.HasErrors || len(res.Results) != 0 {
		t.Errorf("no orders = %+v, %v", res, err)
	}
}

func TestOrderFromScratchMarshalsNoReadOnlyFields(t *testing.T) {
	ups := "ups"
	o := Order{
		OrderNumber:     "Q-1001",
		OrderKey:        "quipt:1001",
		OrderDate:       Time{Time: time.Date(2025, 6, 1, 17, 0, 0, 0, time.UTC)},
		OrderStatus:     StatusAwaitingShipment,
		BillTo:          Address{Name: "Ann"},
		ShipTo:          Address{Name: "Ann", Street1: "1 Main St", City: "Boise", State: "ID", PostalCode: "83702", Country: "US"},
		Items:           []OrderItem{{SKU: "S-1", Name: "Thing", Quantity: 1, UnitPrice: 9.5}},
		CarrierCode:     &ups,
		AdvancedOptions: AdvancedOptions{StoreID: 88231, WarehouseID: 301456},
	}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []string{"orderId", "createDate", "modifyDate", "customerId", "orderTotal", "userId", "holdUntilDate",
		"externallyFulfilled", "tagIds", "serviceCode", "dimensions", "weight", "shipDate", "paymentDate"} {
		if _, ok := got[ro]; ok {
			t.Errorf("%s sent for an order built from scratch: %s", ro, b)
		}
	}
	if got["orderDate"] != "2025-06-01T10:00:00.0000000" || got["carrierCode"] != "ups" || got["orderStatus"] != "awaiting_shipment" {
		t.Errorf("marshalled = %s", b)
	}
	adv := got["advancedOptions"].(map[string]any)
	if diff := cmp.Diff(map[string]any{"storeId": 88231.0, "warehouseId": 301456.0}, adv); diff != "" {
		t.Errorf("advancedOptions (-want +got):\n%s", diff)
	}
}

func TestOrdersMarkAsShipped(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("POST /orders/markasshipped", func(w http.ResponseWriter, r *http.Request) {
		want := map[string]any{"orderId": 512874301.0, "carrierCode": "usps", "shipDate": "2025-03-10",
			"trackingNumber": "9400", "notifyCustomer": false, "notifySalesChannel": true}
		if diff := cmp.Diff(want, readBody(t, r)); diff != "" {
			t.Errorf("body (-want +got):\n%s", diff)
		}
		writeJSON(t, w, 200, map[string]any{"orderId": 512874301, "orderNumber": "WEB-100482"})
	})
	res, err := c.Orders.MarkAsShipped(t.Context(), MarkAsShippedRequest{
		OrderID: 512874301, CarrierCode: "usps", ShipDate: "2025-03-10", TrackingNumber: "9400", NotifySalesChannel: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&MarkAsShippedResult{OrderID: 512874301, OrderNumber: "WEB-100482"}, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if _, err := c.Orders.MarkAsShipped(t.Context(), MarkAsShippedRequest{OrderID: 1}); err == nil {
		t.Error("no carrier code: want an error")
	}
}

// A createorders whose first attempt failed after it was sent (a 503) and
// whose retry was answered says that the first may still be applied; one
// answered at once says nothing of the kind.
func TestCreateOrdersSaysWhenAnEarlierAttemptMayLand(t *testing.T) {
	c, mux, _ := setup(t)
	var n atomic.Int32
	mux.HandleFunc("POST /orders/createorders", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			writeJSON(t, w, http.StatusServiceUnavailable, map[string]any{"Message": "busy"})
			return
		}
		writeJSON(t, w, http.StatusOK, map[string]any{"hasErrors": false, "results": []any{}})
	})
	orders := []Order{{OrderNumber: "U-1", OrderKey: "k1", OrderStatus: StatusAwaitingShipment}}
	res, err := c.Orders.CreateOrders(t.Context(), orders)
	if err != nil || !res.Uncertain {
		t.Fatalf("after a 503 then a success: %+v, %v; want Uncertain", res, err)
	}
	res, err = c.Orders.CreateOrders(t.Context(), orders)
	if err != nil || res.Uncertain {
		t.Errorf("answered at once: %+v, %v; want not Uncertain", res, err)
	}
}

// A createorders that fails on every attempt after sending it fails with an
// error that wraps ErrUncertain and reads as before; a read that fails the
// same way does not.
func TestFailedWriteIsUncertainAndAFailedReadIsNot(t *testing.T) {
	c, mux, _ := setup(t)
	fail := func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusBadGateway, map[string]any{"Message": "bad gateway"})
	}
	mux.HandleFunc("POST /orders/createorders", fail)
	mux.HandleFunc("GET /orders/{id}", fail)
	_, err := c.Orders.CreateOrders(t.Context(), []Order{{OrderNumber: "U-2", OrderKey: "k2"}})
	var apiErr *APIError
	if !errors.Is(err, ErrUncertain) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway {
		t.Errorf("createorders error %v, want ErrUncertain around the 502", err)
	}
	if _, err := c.Orders.Get(t.Context(), 7); err == nil || errors.Is(err, ErrUncertain) {
		t.Errorf("read error %v, want a failure that is not uncertain", err)
	}
}

// A createorders refused with a 400 was not applied: not uncertain.
func TestRefusedWriteIsNotUncertain(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("POST /orders/createorders", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusBadRequest, map[string]any{"Message": "bad order"})
	})
	if _, err := c.Orders.CreateOrders(t.Context(), []Order{{OrderNumber: "U-3", OrderKey: "k3"}}); err == nil || errors.Is(err, ErrUncertain) {
		t.Errorf("refused createorders error %v, want a failure that is not uncertain", err)
	}
}

// An on_hold order's hold end is sent back: createorders replaces it.
func TestCreateOrdersSendsTheHoldEnd(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("POST /orders/createorders", func(w http.ResponseWriter, r *http.Request) {
		body, _ := readBody(t, r).([]any)
		if len(body) != 1 || body[0].(map[string]any)["holdUntilDate"] != "2025-06-03T10:00:00.0000000" {
			t.Errorf("body %v, want holdUntilDate sent", body)
		}
		writeJSON(t, w, http.StatusOK, map[string]any{"hasErrors": false, "results": []any{}})
	})
	o := Order{OrderNumber: "U-4", OrderKey: "k4", OrderStatus: StatusOnHold}
	if err := o.HoldUntilDate.UnmarshalJSON([]byte(`"2025-06-03T10:00:00.0000000"`)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Orders.CreateOrders(t.Context(), []Order{o}); err != nil {
		t.Fatal(err)
	}
}

// A createorders on the wire when the run's context ends may be applied:
// its error wraps ErrUncertain as well as the context's.
func TestWriteCancelledOnTheWireIsUncertain(t *testing.T) {
	c, mux, _ := setup(t)
	arrived := make(chan struct{})
	mux.HandleFunc("POST /orders/createorders", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // the server notices a closed connection only once the body is read
		close(arrived)
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-arrived
		cancel()
	}()
	_, err := c.Orders.CreateOrders(ctx, []Order{{OrderNumber: "U-5", OrderKey: "k5"}})
	if !errors.Is(err, ErrUncertain) || !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want ErrUncertain and context.Canceled", err)
	}
}
