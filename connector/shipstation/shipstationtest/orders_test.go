package shipstationtest

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestOrderRenderingIsPacificWithoutOffset(t *testing.T) {
	la := pacific(t)
	srv := start(t)
	o := srv.AddOrder(Order{
		OrderNumber: "WEB-100482",
		OrderDate:   time.Date(2025, 3, 8, 19, 42, 5, 0, la),
		// 2025-03-09 11:12:48.913 UTC is 03:12:48.913 PDT, just after the spring-forward.
		CreateDate: time.Date(2025, 3, 9, 3, 43, 11, 287_000_000, time.UTC),
		ModifyDate: time.Date(2025, 3, 9, 10, 12, 48, 913_000_000, time.UTC),
		ShipDate:   time.Date(2025, 3, 10, 0, 0, 0, 0, la),
		BillTo:     &Address{Name: "Jordan Alvarez"},
		Items: []OrderItem{{
			SKU: "CMP-MUG-12-SLT", Name: "Camp Mug", Quantity: 2,
			CreateDate: time.Date(2025, 3, 8, 19, 43, 11, 287_000_000, la),
			ModifyDate: time.Date(2025, 3, 8, 19, 43, 11, 440_000_000, la),
		}},
	})
	r := call(t, srv, "GET", "/orders/"+itoa(o.OrderID), nil)
	r.wantStatus(t, http.StatusOK)
	var got map[string]any
	r.decode(t, &got)
	want := map[string]any{
		"orderDate":     "2025-03-08T19:42:05.0000000",
		"createDate":    "2025-03-08T19:43:11.2870000", // PST, UTC-8
		"modifyDate":    "2025-03-09T03:12:48.9130000", // PDT, UTC-7
		"shipDate":      "2025-03-10",
		"paymentDate":   nil,
		"shipByDate":    nil,
		"holdUntilDate": nil,
		"tagIds":        nil,
		"userId":        nil,
		"orderStatus":   "awaiting_shipment",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	item := got["items"].([]any)[0].(map[string]any)
	if item["createDate"] != "2025-03-08T19:43:11.287" || item["modifyDate"] != "2025-03-08T19:43:11.44" {
		t.Errorf("item dates = %v / %v, want trimmed fractions", item["createDate"], item["modifyDate"])
	}
	if opts, ok := item["options"].([]any); !ok || len(opts) != 0 {
		t.Errorf("item options = %#v, want []", item["options"])
	}
}

// TestOrderJSONHasTheAPIFieldNames compares the keys of a rendered order with
// those of the sample page in testdata.
func TestOrderJSONHasTheAPIFieldNames(t *testing.T) {
	var sample struct {
		Orders []map[string]json.RawMessage `json:"orders"`
	}
	readSample(t, "orders-list-page.json", &sample)
	srv := start(t)
	srv.AddOrder(Order{OrderNumber: "1", Items: []OrderItem{{SKU: "A"}}, BillTo: &Address{}, ShipTo: &Address{}})
	var page struct {
		Orders []map[string]json.RawMessage `json:"orders"`
	}
	call(t, srv, "GET", "/orders", nil).decode(t, &page)

	compareKeys(t, "order", sample.Orders[0], page.Orders[0])
	for _, field := range []string{"billTo", "advancedOptions"} {
		compareKeys(t, field, object(t, sample.Orders[0][field]), object(t, page.Orders[0][field]))
	}
	var sampleItems, gotItems []map[string]json.RawMessage
	mustUnmarshal(t, sample.Orders[0]["items"], &sampleItems)
	mustUnmarshal(t, page.Orders[0]["items"], &gotItems)
	compareKeys(t, "item", sampleItems[0], gotItems[0])
}

func TestOrdersDSTFallBackFilteringIsOnPacificWallClock(t *testing.T) {
	srv := start(t)
	// 2025-11-02 01:30 happens twice in Pacific time: 08:30Z (PDT) and 09:30Z (PST).
	pdt := srv.AddOrder(Order{OrderNumber: "PDT", CreateDate: time.Date(2025, 11, 2, 8, 30, 0, 0, time.UTC)})
	pst := srv.AddOrder(Order{OrderNumber: "PST", CreateDate: time.Date(2025, 11, 2, 9, 30, 0, 0, time.UTC)})
	// 01:10 PST: later than the PDT order as an instant, earlier on the wall clock.
	mid := srv.AddOrder(Order{OrderNumber: "MID", CreateDate: time.Date(2025, 11, 2, 9, 10, 0, 0, time.UTC)})

	for _, id := range []int64{pdt.OrderID, pst.OrderID} {
		var o map[string]any
		call(t, srv, "GET", "/orders/"+itoa(id), nil).decode(t, &o)
		if o["createDate"] != "2025-11-02T01:30:00.0000000" {
			t.Errorf("order %d createDate = %v, want 2025-11-02T01:30:00.0000000", id, o["createDate"])
		}
	}

	cases := []struct {
		name  string
		query url.Values
		want  []int64
	}{
		{"start on the repeated minute", url.Values{"createDateStart": {"2025-11-02 01:30:00"}}, []int64{pdt.OrderID, pst.OrderID}},
		{"start after it", url.Values{"createDateStart": {"2025-11-02 01:30:01"}}, nil},
		{"end before it", url.Values{"createDateEnd": {"2025-11-02 01:29:59"}}, []int64{mid.OrderID}},
		{"window 01:20-01:40", url.Values{"createDateStart": {"2025-11-02 01:20:00"}, "createDateEnd": {"2025-11-02 01:40:00"}}, []int64{pdt.OrderID, pst.OrderID}},
		{"date only", url.Values{"createDateStart": {"2025-11-02"}, "createDateEnd": {"2025-11-03"}}, []int64{pdt.OrderID, pst.OrderID, mid.OrderID}},
		{"sort by create date", url.Values{"sortBy": {"CreateDate"}}, []int64{mid.OrderID, pdt.OrderID, pst.OrderID}},
		{"sort by create date desc", url.Values{"sortBy": {"CreateDate"}, "sortDir": {"DESC"}}, []int64{pst.OrderID, pdt.OrderID, mid.OrderID}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var l orderList
			call(t, srv, "GET", "/orders?"+c.query.Encode(), nil).decode(t, &l)
			if diff := cmp.Diff(c.want, l.ids()); diff != "" {
				t.Errorf("orders (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOrdersDateFiltersAreInclusiveAtSecondPrecision(t *testing.T) {
	la := pacific(t)
	srv := start(t)
	o := srv.AddOrder(Order{
		OrderNumber: "A",
		CreateDate:  time.Date(2025, 6, 1, 10, 0, 0, 0, la),
		ModifyDate:  time.Date(2025, 6, 1, 10, 0, 5, 900_000_000, la),
		OrderDate:   time.Date(2025, 5, 31, 9, 0, 0, 0, la),
	})
	hit := []int64{o.OrderID}
	for q, want := range map[string][]int64{
		"modifyDateStart=2025-06-01 10:00:05": hit,
		"modifyDateEnd=2025-06-01 10:00:05":   hit, // .9 s is still "on" 10:00:05
		"modifyDateStart=2025-06-01 10:00:06": nil,
		"orderDateEnd=2025-05-31 08:59:59":    nil,
		"orderDateStart=2025-05-31 09:00:00":  hit,
		"paymentDateStart=2025-01-01":         nil, // null paymentDate never matches a window
	} {
		var l orderList
		call(t, srv, "GET", "/orders?"+url.PathEscape(q), nil).decode(t, &l)
		if diff := cmp.Diff(want, l.ids()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", q, diff)
		}
	}
}

func TestOrdersFilters(t *testing.T) {
	srv := start(t)
	a := srv.AddOrder(Order{OrderNumber: "1001", OrderStatus: StatusAwaitingShipment, AdvancedOptions: AdvancedOptions{StoreID: new(int64(88231))},
		ShipTo: &Address{Name: "Priya Natarajan"}})
	b := srv.AddOrder(Order{OrderNumber: "100-1", OrderStatus: StatusShipped, AdvancedOptions: AdvancedOptions{StoreID: new(int64(88232))}})
	c := srv.AddOrder(Order{OrderNumber: "2001", OrderStatus: StatusAwaitingShipment})
	for q, want := range map[string][]int64{
		"":                              {a.OrderID, b.OrderID, c.OrderID},
		"orderNumber=100":               {a.OrderID, b.OrderID},
		"orderStatus=awaiting_shipment": {a.OrderID, c.OrderID},
		"storeId=88232":                 {b.OrderID},
		"customerName=natarajan":        {a.OrderID},
		"sortDir=DESC":                  {c.OrderID, b.OrderID, a.OrderID},
	} {
		var l orderList
		call(t, srv, "GET", "/orders?"+q, nil).decode(t, &l)
		if diff := cmp.Diff(want, l.ids()); diff != "" {
			t.Errorf("%q (-want +got):\n%s", q, diff)
		}
	}
}

func TestOrdersBadQueriesAre400(t *testing.T) {
	srv := start(t)
	for _, q := range []string{
		"createDateStart=2025-13-45",
		"modifyDateEnd=yesterday",
		"pageSize=501",
		"pageSize=0",
		"page=0",
		"storeId=abc",
		"orderStatus=lost",
		"sortBy=Weight",
		"sortDir=UP",
	} {
		r := call(t, srv, "GET", "/orders?"+q, nil)
		var body apiMessage
		r.decode(t, &body)
		if r.status != http.StatusBadRequest || body.Message == "" {
			t.Errorf("%s: %d %s, want 400 with a message", q, r.status, r.body)
		}
	}
	call(t, srv, "GET", "/orders?pageSize=500", nil).wantStatus(t, http.StatusOK)
}

func TestOrdersPaging(t *testing.T) {
	srv := start(t)
	var ids []int64
	for range 5 {
		ids = append(ids, srv.AddOrder(Order{OrderNumber: "X"}).OrderID)
	}
	for page, want := range map[int][]int64{1: ids[:2], 2: ids[2:4], 3: ids[4:], 4: nil} {
		var l orderList
		call(t, srv, "GET", "/orders?pageSize=2&page="+itoa(int64(page)), nil).decode(t, &l)
		if l.Total != 5 || l.Pages != 3 || l.Page != page {
			t.Errorf("page %d envelope total=%d pages=%d page=%d", page, l.Total, l.Pages, l.Page)
		}
		if diff := cmp.Diff(want, l.ids()); diff != "" {
			t.Errorf("page %d (-want +got):\n%s", page, diff)
		}
	}
	var l orderList
	call(t, srv, "GET", "/orders", nil).decode(t, &l)
	if len(l.Orders) != 5 || l.Pages != 1 {
		t.Errorf("default page: %d orders, %d pages", len(l.Orders), l.Pages)
	}
}

func TestListByTagRequiresStatusAndTag(t *testing.T) {
	srv := start(t)
	tagged := srv.AddOrder(Order{OrderNumber: "T", TagIDs: []int64{41822, 41907}})
	srv.AddOrder(Order{OrderNumber: "U"})
	srv.AddOrder(Order{OrderNumber: "S", OrderStatus: StatusShipped, TagIDs: []int64{41822}})

	for _, q := range []string{"", "orderStatus=awaiting_shipment", "tagId=41822", "orderStatus=awaiting_shipment&tagId=x"} {
		call(t, srv, "GET", "/orders/listbytag?"+q, nil).wantStatus(t, http.StatusBadRequest)
	}
	var l orderList
	call(t, srv, "GET", "/orders/listbytag?orderStatus=awaiting_shipment&tagId=41822", nil).decode(t, &l)
	if diff := cmp.Diff([]int64{tagged.OrderID}, l.ids()); diff != "" {
		t.Errorf("listbytag (-want +got):\n%s", diff)
	}
	call(t, srv, "GET", "/orders/listbytag?orderStatus=awaiting_shipment&tagId=1&pageSize=501", nil).wantStatus(t, http.StatusBadRequest)
}

func TestRawOrderIsListedInPlace(t *testing.T) {
	srv := start(t)
	a := srv.AddOrder(Order{OrderNumber: "A"})
	srv.AddRawOrder(json.RawMessage(`{"orderId":"not-a-number","items":7}`))
	b := srv.AddOrder(Order{OrderNumber: "B"})

	var page struct {
		Orders []json.RawMessage `json:"orders"`
		Total  int               `json:"total"`
	}
	call(t, srv, "GET", "/orders?orderStatus=awaiting_shipment", nil).decode(t, &page)
	if page.Total != 3 || len(page.Orders) != 3 {
		t.Fatalf("total=%d len=%d, want 3", page.Total, len(page.Orders))
	}
	if string(page.Orders[1]) != `{"orderId":"not-a-number","items":7}` {
		t.Errorf("middle element = %s, want the raw order", page.Orders[1])
	}
	var first, last struct{ OrderID int64 }
	mustUnmarshal(t, page.Orders[0], &first)
	mustUnmarshal(t, page.Orders[2], &last)
	if first.OrderID != a.OrderID || last.OrderID != b.OrderID {
		t.Errorf("order around the raw one: %d, %d", first.OrderID, last.OrderID)
	}
}

func TestOperatorActionsBumpModifyDate(t *testing.T) {
	t0 := time.Date(2025, 4, 1, 16, 0, 0, 0, time.UTC)
	clk := newClock(t0)
	srv := start(t, WithClock(clk.Now))
	o := srv.AddOrder(Order{OrderNumber: "A"})
	if !o.CreateDate.Equal(t0) || !o.ModifyDate.Equal(t0) || o.OrderKey == "" || o.OrderID == 0 {
		t.Fatalf("AddOrder defaults: %+v", o)
	}

	clk.Advance(time.Hour)
	srv.UpdateOrder(o.OrderID, func(o *Order) {
		o.InternalNotes = new("re-packed")
		o.Items = append(o.Items, OrderItem{SKU: "NEW", Quantity: 1})
	})
	got, _ := srv.Order(o.OrderID)
	if !got.ModifyDate.Equal(t0.Add(time.Hour)) || *got.InternalNotes != "re-packed" || got.Items[0].OrderItemID == 0 {
		t.Errorf("after UpdateOrder: %+v", got)
	}

	clk.Advance(time.Hour)
	srv.CancelOrder(o.OrderID)
	got, _ = srv.OrderByKey(o.OrderKey)
	if got.OrderStatus != StatusCancelled || !got.ModifyDate.Equal(t0.Add(2*time.Hour)) || !got.CreateDate.Equal(t0) {
		t.Errorf("after CancelOrder: status %s modify %v create %v", got.OrderStatus, got.ModifyDate, got.CreateDate)
	}

	// Returned orders are copies.
	got.Items[0].Quantity = 99
	again, _ := srv.Order(o.OrderID)
	if again.Items[0].Quantity == 99 {
		t.Error("Order returned the stored items, not a copy")
	}
}

func TestUnknownOrderPanics(t *testing.T) {
	srv := start(t)
	defer func() {
		if recover() == nil {
			t.Error("CancelOrder of an unknown order did not panic")
		}
	}()
	srv.CancelOrder(42)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func readSample(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile("../../../testdata/shipstation/" + name)
	if err != nil {
		t.Fatal(err)
	}
	mustUnmarshal(t, b, v)
}

func mustUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
}

func object(t *testing.T, b json.RawMessage) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	mustUnmarshal(t, b, &m)
	return m
}

// compareKeys fails when the two objects do not have the same keys.
func compareKeys(t *testing.T, what string, want, got map[string]json.RawMessage) {
	t.Helper()
	if diff := cmp.Diff(slices.Sorted(maps.Keys(want)), slices.Sorted(maps.Keys(got))); diff != "" {
		t.Errorf("%s keys (-sample +sandbox):\n%s", what, diff)
	}
}

// TestOrdersCreateAndModifyWindowsCombine: get-orders' incremental read
// sends createDateStart with a modifyDate window sorted by ModifyDate; an
// order must satisfy every filter, and the list comes oldest modification
// first.
func TestOrdersCreateAndModifyWindowsCombine(t *testing.T) {
	la := pacific(t)
	srv := start(t)
	at := func(d, h, m int) time.Time { return time.Date(2025, 6, d, h, m, 0, 0, la) }
	add := func(number string, created, modified time.Time) int64 {
		return srv.AddOrder(Order{OrderNumber: number, OrderStatus: StatusAwaitingShipment, CreateDate: created, ModifyDate: modified}).OrderID
	}
	late := add("late", at(5, 9, 0), at(8, 10, 30))
	early := add("early", at(6, 9, 0), at(8, 10, 10))
	add("created-before", at(1, 9, 0), at(8, 10, 20))
	add("modified-before", at(6, 9, 0), at(8, 9, 59))
	add("modified-after", at(6, 9, 0), at(8, 11, 1))
	q := url.Values{
		"orderStatus":     {StatusAwaitingShipment},
		"createDateStart": {"2025-06-02 00:00:00"},
		"modifyDateStart": {"2025-06-08 10:00:00"},
		"modifyDateEnd":   {"2025-06-08 11:00:00"},
		"sortBy":          {"ModifyDate"},
		"sortDir":         {"ASC"},
	}
	var l orderList
	call(t, srv, "GET", "/orders?"+q.Encode(), nil).decode(t, &l)
	if diff := cmp.Diff([]int64{early, late}, l.ids()); diff != "" {
		t.Errorf("orders (-want +got):\n%s", diff)
	}
}
