package shipstationtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCreateOrdersUpsertsByKey(t *testing.T) {
	t0 := time.Date(2025, 3, 10, 17, 0, 0, 0, time.UTC)
	clk := newClock(t0)
	srv := start(t, WithDefaultAccount(), WithClock(clk.Now))

	first := minimalOrder("WEB-1", "quipt:1")
	first["customerNotes"] = "leave at the door"
	first["tagIds"] = []int64{QuiptTagID}
	var res createOrdersReply
	call(t, srv, "POST", "/orders/createorders", []any{first}).decode(t, &res)
	if res.HasErrors || len(res.Results) != 1 || !res.Results[0].Success || res.Results[0].OrderID == 0 {
		t.Fatalf("create: %+v", res)
	}
	id := res.Results[0].OrderID
	created, _ := srv.Order(id)
	if created.OrderTotal != 2*34.5+2.5+5 || *created.AdvancedOptions.StoreID != DefaultStoreID {
		t.Errorf("created: total %v store %v", created.OrderTotal, *created.AdvancedOptions.StoreID)
	}

	clk.Advance(time.Minute)
	second := minimalOrder("WEB-1", "quipt:1")
	second["shipTo"].(map[string]any)["city"] = "Meridian"
	second["advancedOptions"] = map[string]any{"storeId": AmazonStoreID}
	second["tagIds"] = []int64{PriorityTagID}
	call(t, srv, "POST", "/orders/createorders", []any{second}).decode(t, &res)
	if !res.Results[0].Success || res.Results[0].OrderID != id {
		t.Fatalf("update: %+v, want success for order %d", res, id)
	}

	if n := len(srv.Orders()); n != 1 {
		t.Fatalf("orders = %d, want 1", n)
	}
	got, _ := srv.Order(id)
	if *got.ShipTo.City != "Meridian" {
		t.Errorf("shipTo.city = %s, want the update", *got.ShipTo.City)
	}
	if got.CustomerNotes != nil {
		t.Errorf("customerNotes = %q, want null: updates are not partial", *got.CustomerNotes)
	}
	if !got.CreateDate.Equal(t0) || !got.ModifyDate.Equal(t0.Add(time.Minute)) {
		t.Errorf("createDate %v modifyDate %v", got.CreateDate, got.ModifyDate)
	}
	if *got.AdvancedOptions.StoreID != DefaultStoreID {
		t.Errorf("storeId = %d, want the creation-time store", *got.AdvancedOptions.StoreID)
	}
	if diff := cmp.Diff([]int64{QuiptTagID, PriorityTagID}, got.TagIDs); diff != "" {
		t.Errorf("tags cannot be removed through createorders (-want +got):\n%s", diff)
	}
	if got.Items[0].OrderItemID != created.Items[0].OrderItemID {
		t.Errorf("line with the same lineItemKey got a new orderItemId")
	}
	if diff := cmp.Diff([][]string{{"quipt:1"}, {"quipt:1"}}, srv.CreateOrdersCalls()); diff != "" {
		t.Errorf("CreateOrdersCalls (-want +got):\n%s", diff)
	}
}

func TestCreateOrdersPerItemFailures(t *testing.T) {
	srv := start(t)
	locked := srv.AddOrder(Order{OrderNumber: "WEB-100399", OrderKey: "shipped-key", OrderStatus: StatusShipped})
	tooLong := minimalOrder(strings.Repeat("9", 51), "k-long")
	noNumber := minimalOrder("", "k-none")
	delete(noNumber, "orderNumber")
	noShipTo := minimalOrder("WEB-4", "k-noship")
	delete(noShipTo, "shipTo")
	batch := []any{
		minimalOrder("WEB-1", "k-ok"),
		minimalOrder("WEB-100399", "shipped-key"),
		noNumber,
		tooLong,
		noShipTo,
		`{"orderNumber": 12, "orderKey": "k-typed"}`,
		minimalOrder("WEB-2", "k-ok-2"),
	}
	// The string element must be raw JSON, not a JSON string.
	body := "["
	for i, o := range batch {
		if i > 0 {
			body += ","
		}
		if s, ok := o.(string); ok {
			body += s
		} else {
			body += string(mustJSON(t, o))
		}
	}
	body += "]"

	var res createOrdersReply
	r := call(t, srv, "POST", "/orders/createorders", body)
	r.wantStatus(t, http.StatusOK)
	r.decode(t, &res)
	if !res.HasErrors || len(res.Results) != len(batch) {
		t.Fatalf("reply: %s", r.body)
	}
	wantOK := []bool{true, false, false, false, false, false, true}
	for i, ok := range wantOK {
		got := res.Results[i]
		if got.Success != ok || (ok && got.ErrorMessage != nil) || (!ok && (got.ErrorMessage == nil || got.OrderID != 0)) {
			t.Errorf("result %d = %+v, want success %v", i, got, ok)
		}
	}
	if msg := *res.Results[1].ErrorMessage; !strings.Contains(msg, "'shipped'") || res.Results[1].OrderKey != "shipped-key" {
		t.Errorf("locked-order result = %+v", res.Results[1])
	}
	if msg := *res.Results[2].ErrorMessage; !strings.Contains(msg, "OrderNumber") {
		t.Errorf("missing orderNumber message = %q", msg)
	}
	if msg := *res.Results[4].ErrorMessage; !strings.Contains(msg, "ShipTo") {
		t.Errorf("missing shipTo message = %q", msg)
	}
	if res.Results[5].OrderKey != "k-typed" {
		t.Errorf("malformed element result keeps its key: %+v", res.Results[5])
	}
	if got, _ := srv.Order(locked.OrderID); got.OrderStatus != StatusShipped || !got.ModifyDate.Equal(locked.ModifyDate) {
		t.Error("the locked order was modified")
	}
	if n := len(srv.Orders()); n != 3 {
		t.Errorf("orders = %d, want the locked one and two new", n)
	}
	if diff := cmp.Diff([][]string{{"k-ok", "shipped-key", "k-none", "k-long", "k-noship", "k-typed", "k-ok-2"}}, srv.CreateOrdersCalls()); diff != "" {
		t.Errorf("CreateOrdersCalls (-want +got):\n%s", diff)
	}
}

func TestCreateOrdersWithoutKeyDuplicates(t *testing.T) {
	srv := start(t)
	order := minimalOrder("WEB-1", "")
	var a, b createOrdersReply
	call(t, srv, "POST", "/orders/createorders", []any{order}).decode(t, &a)
	call(t, srv, "POST", "/orders/createorders", []any{order}).decode(t, &b)
	if a.Results[0].OrderKey == "" || a.Results[0].OrderKey == b.Results[0].OrderKey {
		t.Errorf("generated keys %q and %q", a.Results[0].OrderKey, b.Results[0].OrderKey)
	}
	if n := len(srv.Orders()); n != 2 {
		t.Errorf("orders = %d, want a duplicate", n)
	}
}

func TestCreateOrdersCancelsOpenOrder(t *testing.T) {
	srv := start(t)
	call(t, srv, "POST", "/orders/createorders", []any{minimalOrder("WEB-1", "quipt:9")}).wantStatus(t, http.StatusOK)
	cancel := minimalOrder("WEB-1", "quipt:9")
	cancel["orderStatus"] = "cancelled"
	var res createOrdersReply
	call(t, srv, "POST", "/orders/createorders", []any{cancel}).decode(t, &res)
	o, _ := srv.OrderByKey("quipt:9")
	if !res.Results[0].Success || o.OrderStatus != StatusCancelled {
		t.Fatalf("cancel: %+v, status %s", res, o.OrderStatus)
	}
	// Now locked.
	call(t, srv, "POST", "/orders/createorders", []any{minimalOrder("WEB-1", "quipt:9")}).decode(t, &res)
	if res.Results[0].Success {
		t.Error("a cancelled order was updated")
	}
}

func TestCreateOrdersBatchLimitsAndBadBody(t *testing.T) {
	srv := start(t)
	batch := make([]any, 101)
	for i := range batch {
		batch[i] = minimalOrder("WEB", "")
	}
	call(t, srv, "POST", "/orders/createorders", batch).wantStatus(t, http.StatusBadRequest)
	call(t, srv, "POST", "/orders/createorders", `{"orderNumber":"1"}`).wantStatus(t, http.StatusBadRequest)
	if len(srv.Orders()) != 0 || len(srv.CreateOrdersCalls()) != 0 {
		t.Error("a rejected batch was applied or recorded")
	}
	call(t, srv, "POST", "/orders/createorders", batch[:100]).wantStatus(t, http.StatusOK)
	if len(srv.Orders()) != 100 {
		t.Errorf("orders = %d, want 100", len(srv.Orders()))
	}
}

func TestCreateOrderSingle(t *testing.T) {
	la := pacific(t)
	srv := start(t)
	order := minimalOrder("WEB-7", "k7")
	order["paymentDate"] = "2025-11-02T01:30:00.0000000"
	r := call(t, srv, "POST", "/orders/createorder", order)
	r.wantStatus(t, http.StatusOK)
	var got map[string]any
	r.decode(t, &got)
	if got["orderKey"] != "k7" || got["orderDate"] != "2025-03-08T19:42:05.0000000" || got["paymentDate"] != "2025-11-02T01:30:00.0000000" {
		t.Errorf("reply = %s", r.body)
	}
	o, _ := srv.OrderByKey("k7")
	if want := time.Date(2025, 3, 8, 19, 42, 5, 0, la); !o.OrderDate.Equal(want) {
		t.Errorf("orderDate = %v, want %v (read as Pacific)", o.OrderDate, want)
	}

	bad := minimalOrder("WEB-8", "k8")
	bad["orderDate"] = "08/03/2025"
	r = call(t, srv, "POST", "/orders/createorder", bad)
	r.wantStatus(t, http.StatusBadRequest)
	if !strings.Contains(string(r.body), "orderDate") {
		t.Errorf("message = %s", r.body)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
