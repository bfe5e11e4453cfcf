package quipt

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/connector/retry"
)

func TestPagingThrough450OrdersTakesThreeCalls(t *testing.T) {
	srv := newSandbox(t)
	var want []string
	for i := range 450 {
		want = append(want, seedOrder(srv, fmt.Sprintf("Q-%d", i)).ID)
	}
	c := newTestClient(t, srv.URL())
	pages, err := collect(t, c.FulfillmentOrders.List(ctxWithTimeout(t), FulfillmentListOptions{Statuses: []int{StatusOpen, StatusPending}}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var sizes []int
	for i, p := range pages {
		if p.PageNumber != i+1 || p.Total != 450 {
			t.Errorf("page %d: PageNumber %d Total %d", i+1, p.PageNumber, p.Total)
		}
		sizes = append(sizes, len(p.Items))
		for _, o := range p.Items {
			got = append(got, o.ID)
		}
	}
	if diff := cmp.Diff([]int{200, 200, 50}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order ids (-want +got):\n%s", diff)
	}
	if n := srv.Calls(endpointFulfillmentList); n != 3 {
		t.Errorf("list calls = %d, want 3", n)
	}
}

func TestIteratorStopsWhenConsumerBreaks(t *testing.T) {
	srv := newSandbox(t)
	for i := range 450 {
		seedOrder(srv, fmt.Sprintf("Q-%d", i))
	}
	c := newTestClient(t, srv.URL())
	for range c.FulfillmentOrders.List(ctxWithTimeout(t), FulfillmentListOptions{}) {
		break
	}
	if n := srv.Calls(endpointFulfillmentList); n != 1 {
		t.Errorf("list calls = %d, want 1", n)
	}
}

// Quipt may say HasMoreRecords on an empty page; the iterator stops anyway.
func TestIteratorStopsOnEmptyPage(t *testing.T) {
	var (
		mu    sync.Mutex
		paths []string
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		if r.ContentLength != 0 || len(r.TransferEncoding) != 0 || r.Header.Get("Content-Type") != "" {
			t.Errorf("GET sent with a body: length %d, encoding %v", r.ContentLength, r.TransferEncoding)
		}
		result := `[{"Id":"a","SKU":"S1"}]`
		if r.URL.Path == "/v2/inventory/physical/200/2" {
			result = `[]`
		}
		fmt.Fprintf(w, `{"Success":true,"Paging":{"PageNumber":1,"Total":9,"HasMoreRecords":true},"Result":%s}`, result)
	}))
	t.Cleanup(ts.Close)
	pages, err := collect(t, newTestClient(t, ts.URL).Inventory.List(ctxWithTimeout(t)))
	if err != nil || len(pages) != 1 {
		t.Fatalf("got %d pages, %v; want 1", len(pages), err)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]string{"/v2/inventory/physical/200/1", "/v2/inventory/physical/200/2"}, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}

func TestMalformedOrderLandsInInvalid(t *testing.T) {
	srv := newSandbox(t)
	first := seedOrder(srv, "Q-1")
	srv.AddRawFulfillmentOrder(StatusOpen, json.RawMessage(`{"Id":"bad-1","Status":4,"Lines":"not a list"}`))
	srv.AddRawFulfillmentOrder(StatusOpen, json.RawMessage(`{"OrderNumber":"no id","Status":4}`))
	last := seedOrder(srv, "Q-2")
	c := newTestClient(t, srv.URL())
	pages, err := collect(t, c.FulfillmentOrders.List(ctxWithTimeout(t), FulfillmentListOptions{Statuses: []int{StatusOpen}}))
	if err != nil || len(pages) != 1 {
		t.Fatalf("got %d pages, %v", len(pages), err)
	}
	p := pages[0]
	if len(p.Items) != 2 || p.Items[0].ID != first.ID || p.Items[1].ID != last.ID {
		t.Errorf("items = %+v, want the two good orders", p.Items)
	}
	if len(p.Invalid) != 2 {
		t.Fatalf("invalid = %+v, want 2", p.Invalid)
	}
	if inv := p.Invalid[0]; inv.Index != 1 || inv.ID != "bad-1" || inv.Err == nil || !json.Valid(inv.Raw) {
		t.Errorf("first invalid item = %+v", inv)
	}
	if inv := p.Invalid[1]; inv.Index != 2 || inv.ID != "" || inv.Err == nil {
		t.Errorf("second invalid item = %+v", inv)
	}
}

func TestStatusFilterAndInclude(t *testing.T) {
	srv := newSandbox(t)
	open := seedOrder(srv, "Q-open")
	shipped := seedOrder(srv, "Q-shipped")
	pending := srv.AddFulfillmentOrder(quipttest.Order{OrderNumber: "Q-pending", Status: StatusPending, Lines: []quipttest.Line{{SKU: "A", Quantity: 1}}})
	c := newTestClient(t, srv.URL())
	ctx := ctxWithTimeout(t)
	if _, err := c.FulfillmentOrders.Ship(ctx, ShipRequest{OrderID: shipped.ID, ExternalShipmentID: "shipstation:9", Lines: []LineQuantity{{LineID: "l1", Quantity: 2}, {LineID: "l2", Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}

	ids := func(opts FulfillmentListOptions) (out []string, shipments int) {
		pages, err := collect(t, c.FulfillmentOrders.List(ctx, opts))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			for _, o := range p.Items {
				out = append(out, o.ID)
				shipments += len(o.Shipments)
			}
		}
		return out, shipments
	}
	if got, _ := ids(FulfillmentListOptions{Statuses: []int{StatusOpen, StatusPending}}); !cmp.Equal(got, []string{open.ID, pending.ID}) {
		t.Errorf("open+pending = %v", got)
	}
	if got, n := ids(FulfillmentListOptions{Statuses: []int{StatusShipped}}); !cmp.Equal(got, []string{shipped.ID}) || n != 0 {
		t.Errorf("shipped without include = %v with %d shipments, want no shipments", got, n)
	}
	if _, n := ids(FulfillmentListOptions{Statuses: []int{StatusShipped}, Include: []string{IncludeShipments, IncludeCancellations}}); n != 1 {
		t.Errorf("shipped with include has %d shipments, want 1", n)
	}
}

func TestFulfillmentOrder(t *testing.T) {
	srv := newSandbox(t)
	seeded := seedOrder(srv, "Q-1")
	c := newTestClient(t, srv.URL())
	ctx := ctxWithTimeout(t)
	got, err := c.FulfillmentOrders.Get(ctx, seeded.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != seeded.ID || got.OrderNumber != "Q-1" || len(got.Lines) != 2 || got.Lines[0].Quantity != 2 || !got.CreatedAt.Equal(seeded.CreatedAt) {
		t.Errorf("got %+v, want the seeded order", got)
	}

	_, err = c.FulfillmentOrders.Get(ctx, "nope")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || !IsPermanent(err) || apiErr.Endpoint != endpointFulfillmentByID {
		t.Fatalf("unknown id: %v, want a permanent 404 on %s", err, endpointFulfillmentByID)
	}
}

// FulfillmentOrder asks for the order's Shipments and Cancellations (the
// sandbox, like Quipt's lists, leaves them out unless include names them):
// sync-tracking and sync-cancels decide on them.
func TestFulfillmentOrderIncludesShipmentsAndCancellations(t *testing.T) {
	srv := newSandbox(t)
	o := seedOrder(srv, "Q-1")
	c := newTestClient(t, srv.URL())
	ctx := ctxWithTimeout(t)
	if _, err := c.FulfillmentOrders.Ship(ctx, shipRequest(o.ID, "shipstation:1")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FulfillmentOrders.Cancel(ctx, CancelRequest{OrderID: o.ID, Type: CancelSoft, Reason: "warehouse"}); err != nil {
		t.Fatal(err)
	}
	got, err := c.FulfillmentOrders.Get(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Shipments) != 1 || got.Shipments[0].ExternalShipmentID != "shipstation:1" {
		t.Errorf("Shipments = %+v, want the one shipment", got.Shipments)
	}
	if len(got.Cancellations) != 1 || got.Cancellations[0].Type != CancelSoft {
		t.Errorf("Cancellations = %+v, want the soft cancel", got.Cancellations)
	}

	// The query itself, independent of the sandbox.
	var query string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		w.Write([]byte(`{"Success":true,"Result":{"Id":"x","Status":4}}`))
	}))
	t.Cleanup(ts.Close)
	if _, err := newTestClient(t, ts.URL).FulfillmentOrders.Get(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if want := "include=" + url.QueryEscape(IncludeShipments+","+IncludeCancellations); query != want {
		t.Errorf("query = %q, want %q", query, want)
	}
}

// The order of docs/quipt-api.md, with an unknown field and nulls, decodes
// into the model.
func TestOrderDecodesDocumentedShape(t *testing.T) {
	const body = `{"Success":true,"Result":{
	  "Id": "8b0e6f7c-3f0a-4c3e-9a51-2f7d3c1b9e20", "OrderNumber": "Q-100231", "PartnerReference": null,
	  "Status": 4, "SubStatus": 0, "CreatedAt": "2026-03-02T16:58:40Z", "UpdatedAt": "2026-03-02T17:01:02Z",
	  "Brand": {"unknown": true},
	  "Channel": {"Id": "c1", "Name": "Web Store"},
	  "Customer": {"Name": "Dana Ruiz", "Email": "dana@example.com", "Phone": null},
	  "ShipTo": {"Name": "Dana Ruiz", "Company": null, "Address1": "12 Elm St", "Address2": null,
	             "City": "Austin", "State": "TX", "PostalCode": "78701", "Country": "US", "Phone": "555-0100", "Residential": true},
	  "Lines": [{"Id": "l1", "SKU": "CASE-IP15-BLK", "VendorSKU": null, "Name": "Case", "Quantity": 2, "UnitPrice": 19.99}],
	  "Shipping": {"RequestedMethod": "Standard", "CarrierCode": null, "CarrierMethod": "ups_ground"},
	  "WarehouseCode": "AUS1",
	  "Totals": {"Subtotal": 39.98, "Tax": 3.30, "Shipping": 5.00, "Total": 48.28},
	  "Shipments": [{"Id": "s1", "ExternalShipmentId": "shipstation:81234", "TrackingNumber": "1Z", "CarrierCode": "UPS",
	                 "CarrierMethod": "ups_ground", "ShipDate": "2026-03-03", "Voided": false, "Lines": [{"LineId": "l1", "Quantity": 2}]}],
	  "Cancellations": null}}`
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v2/orders/fulfillment/id/8b0e6f7c" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(body))
	}))
	t.Cleanup(ts.Close)
	got, err := newTestClient(t, ts.URL).FulfillmentOrders.Get(ctxWithTimeout(t), "8b0e6f7c")
	if err != nil {
		t.Fatal(err)
	}
	residential, method := true, "ups_ground"
	want := &Order{
		ID: "8b0e6f7c-3f0a-4c3e-9a51-2f7d3c1b9e20", OrderNumber: "Q-100231", Status: StatusOpen,
		CreatedAt: time.Date(2026, 3, 2, 16, 58, 40, 0, time.UTC), UpdatedAt: time.Date(2026, 3, 2, 17, 1, 2, 0, time.UTC),
		Channel:  Channel{ID: "c1", Name: "Web Store"},
		Customer: Customer{Name: "Dana Ruiz", Email: "dana@example.com"},
		ShipTo: Address{Name: "Dana Ruiz", Address1: "12 Elm St", City: "Austin", State: "TX", PostalCode: "78701",
			Country: "US", Phone: "555-0100", Residential: &residential},
		Lines:         []Line{{ID: "l1", SKU: "CASE-IP15-BLK", Name: "Case", Quantity: 2, UnitPrice: 19.99}},
		Shipping:      Shipping{RequestedMethod: "Standard", CarrierMethod: &method},
		WarehouseCode: "AUS1",
		Totals:        Totals{Subtotal: 39.98, Tax: 3.30, Shipping: 5.00, Total: 48.28},
		Shipments: []Shipment{{ID: "s1", ExternalShipmentID: "shipstation:81234", TrackingNumber: "1Z", CarrierCode: "UPS",
			CarrierMethod: "ups_ground", ShipDate: "2026-03-03", Lines: []LineQuantity{{LineID: "l1", Quantity: 2}}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestInventory(t *testing.T) {
	srv := newSandbox(t)
	srv.AddInventory(
		quipttest.InventoryItem{SKU: "A", Quantity: 3, WarehouseCode: "AUS1"},
		quipttest.InventoryItem{SKU: "B", Quantity: 0},
	)
	pages, err := collect(t, newTestClient(t, srv.URL()).Inventory.List(ctxWithTimeout(t)))
	if err != nil || len(pages) != 1 {
		t.Fatalf("got %d pages, %v", len(pages), err)
	}
	items := pages[0].Items
	if len(items) != 2 || items[0].SKU != "A" || items[0].Quantity != 3 || items[0].WarehouseCode != "AUS1" || items[0].ID == "" || items[1].SKU != "B" {
		t.Errorf("items = %+v", items)
	}
}

func TestPurchaseOrdersCreateListAndShipped(t *testing.T) {
	srv := newSandbox(t)
	c := newTestClient(t, srv.URL())
	ctx := ctxWithTimeout(t)
	po := NewPurchaseOrder{
		PartnerReference: "shipstation:123", OrderNumber: "SS-123",
		ShipTo: Address{Name: "Dana", Address1: "12 Elm St", City: "Austin", State: "TX", PostalCode: "78701", Country: "US"},
		Lines:  []Line{{SKU: "CASE", Quantity: 2, UnitPrice: 19.99}},
	}
	id, dup, err := c.PurchaseOrders.Create(ctx, po)
	if err != nil || dup || id == "" {
		t.Fatalf("PurchaseOrders.Create = %q, %v, %v", id, dup, err)
	}
	again, dup, err := c.PurchaseOrders.Create(ctx, po)
	if err != nil || !dup || again != id {
		t.Fatalf("repeat = %q, %v, %v; want the same order as a duplicate", again, dup, err)
	}
	held := srv.PurchaseOrders()
	if len(held) != 1 || held[0].ID != id || held[0].PartnerReference == nil || *held[0].PartnerReference != "shipstation:123" {
		t.Fatalf("sandbox holds %+v, want the one order %s", held, id)
	}
	created := held[0]

	if err := srv.ShipPurchaseOrder(created.ID, quipttest.Shipment{ExternalShipmentID: "quipt:1", TrackingNumber: "1Z", Lines: []quipttest.LineQuantity{{LineID: created.Lines[0].ID, Quantity: 2}}}); err != nil {
		t.Fatal(err)
	}
	pages, err := collect(t, c.PurchaseOrders.List(ctx, PurchaseListOptions{Statuses: []int{StatusShipped}, Include: []string{IncludeShipments}}))
	if err != nil || len(pages) != 1 || len(pages[0].Items) != 1 {
		t.Fatalf("shipped purchase orders: %v, %v", pages, err)
	}
	if o := pages[0].Items[0]; o.Status != StatusShipped || len(o.Shipments) != 1 || o.Shipments[0].TrackingNumber != "1Z" {
		t.Errorf("shipped purchase order = %+v", o)
	}
}

func TestNewClientValidation(t *testing.T) {
	creds := WithCredentials("k", "s", "t", "ts")
	for name, opts := range map[string][]Option{
		"no credentials":   nil,
		"empty secret":     {WithCredentials("k", "", "t", "ts")},
		"relative base":    {creds, WithBaseURL("api.getquipt.com")},
		"base with query":  {creds, WithBaseURL("https://api.getquipt.com/?x=1")},
		"zero attempts":    {creds, WithRetryPolicy(retry.Policy{})},
		"zero threshold":   {creds, WithBreaker(0, time.Second)},
		"nil http client":  {creds, WithHTTPClient(nil)},
		"nil clock":        {creds, WithClock(nil)},
		"nil nonce source": {creds, WithNonceSource(nil)},
	} {
		if _, err := NewClient(opts...); err == nil {
			t.Errorf("%s: NewClient succeeded", name)
		}
	}
	c, err := NewClient(creds)
	if err != nil || c.baseURL != DefaultBaseURL || c.BreakerState() != "closed" {
		t.Fatalf("defaults: %v, %+v", err, c)
	}
}
