package quipt

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
)

// Every write, repeated, is answered as a duplicate and applied once.
func TestEveryWriteIsIdempotent(t *testing.T) {
	srv := newSandbox(t)
	c := newTestClient(t, srv.URL())
	ctx := ctxWithTimeout(t)
	shipped := seedOrder(srv, "Q-ship")
	voided := seedOrder(srv, "Q-void")
	soft := seedOrder(srv, "Q-soft")
	hard := seedOrder(srv, "Q-hard")
	if _, err := c.FulfillmentOrders.Ship(ctx, shipRequest(voided.ID, "shipstation:v")); err != nil {
		t.Fatal(err)
	}

	writes := []struct {
		name string
		call func() (bool, error)
	}{
		{"purchase", func() (bool, error) {
			_, dup, err := c.PurchaseOrders.Create(ctx, NewPurchaseOrder{PartnerReference: "shipstation:1", Lines: []Line{{SKU: "A", Quantity: 1}}})
			return dup, err
		}},
		{"acknowledge", func() (bool, error) {
			return c.FulfillmentOrders.Acknowledge(ctx, AcknowledgeRequest{OrderID: shipped.ID, Status: AckAccepted, Reason: "in ShipStation"})
		}},
		{"ship", func() (bool, error) { return c.FulfillmentOrders.Ship(ctx, shipRequest(shipped.ID, "shipstation:s")) }},
		{"void", func() (bool, error) {
			return c.FulfillmentOrders.VoidShipment(ctx, VoidRequest{OrderID: voided.ID, ExternalShipmentID: "shipstation:v"})
		}},
		{"cancel soft", func() (bool, error) {
			return c.FulfillmentOrders.Cancel(ctx, CancelRequest{OrderID: soft.ID, Type: CancelSoft, Reason: "cancelled in ShipStation"})
		}},
		{"cancel hard", func() (bool, error) {
			return c.FulfillmentOrders.Cancel(ctx, CancelRequest{OrderID: hard.ID, Type: CancelHard, Reason: "cancelled in ShipStation"})
		}},
	}
	for _, w := range writes {
		if dup, err := w.call(); err != nil || dup {
			t.Fatalf("%s: first call = %v, %v; want applied", w.name, dup, err)
		}
		if dup, err := w.call(); err != nil || !dup {
			t.Fatalf("%s: repeat = %v, %v; want duplicate", w.name, dup, err)
		}
	}

	want := []quipttest.Write{
		{Endpoint: shipPath, Key: "shipstation:v"},
		{Endpoint: "/v2/orders/purchase", Key: "shipstation:1"},
		{Endpoint: "/v2/orders/purchase", Key: "shipstation:1", Duplicate: true},
		{Endpoint: "/v2/orders/fulfillment/acknowledge", Key: shipped.ID + "/1"},
		{Endpoint: "/v2/orders/fulfillment/acknowledge", Key: shipped.ID + "/1", Duplicate: true},
		{Endpoint: shipPath, Key: "shipstation:s"},
		{Endpoint: shipPath, Key: "shipstation:s", Duplicate: true},
		{Endpoint: "/v2/orders/fulfillment/ship/void", Key: "shipstation:v"},
		{Endpoint: "/v2/orders/fulfillment/ship/void", Key: "shipstation:v", Duplicate: true},
		{Endpoint: "/v2/orders/fulfillment/cancel", Key: soft.ID + "/Soft"},
		{Endpoint: "/v2/orders/fulfillment/cancel", Key: soft.ID + "/Soft", Duplicate: true},
		{Endpoint: "/v2/orders/fulfillment/cancel", Key: hard.ID + "/Hard"},
		{Endpoint: "/v2/orders/fulfillment/cancel", Key: hard.ID + "/Hard", Duplicate: true},
	}
	if diff := cmp.Diff(want, srv.Writes()); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}

	if acks := srv.Acknowledgements(shipped.ID); len(acks) != 1 || acks[0].Status != AckAccepted || acks[0].Reason != "in ShipStation" {
		t.Errorf("acknowledgements = %+v, want one accepted", acks)
	}
	if o, _ := srv.FulfillmentOrder(shipped.ID); o.Status != StatusOpen || len(o.Shipments) != 1 {
		t.Errorf("after shipping l1 only: status %d, %d shipments; want 4 and 1", o.Status, len(o.Shipments))
	}
	if o, _ := srv.FulfillmentOrder(voided.ID); len(o.Shipments) != 1 || !o.Shipments[0].Voided {
		t.Errorf("voided order shipments = %+v", o.Shipments)
	}
	if o, _ := srv.FulfillmentOrder(soft.ID); o.Status != StatusOpen || o.SubStatus != SubStatusSoftCancel || len(o.Cancellations) != 1 {
		t.Errorf("soft cancel: status %d/%d, %d cancellations", o.Status, o.SubStatus, len(o.Cancellations))
	}
	if o, _ := srv.FulfillmentOrder(hard.ID); o.Status != StatusCanceled || len(o.Cancellations) != 1 || o.Cancellations[0].Type != CancelHard {
		t.Errorf("hard cancel: status %d, cancellations %+v", o.Status, o.Cancellations)
	}
}

func TestShipEveryLineShipsTheOrderAndVoidReopensIt(t *testing.T) {
	srv := newSandbox(t)
	c := newTestClient(t, srv.URL())
	ctx := ctxWithTimeout(t)
	o := seedOrder(srv, "Q-1")
	if _, err := c.FulfillmentOrders.Ship(ctx, shipRequest(o.ID, "shipstation:a")); err != nil {
		t.Fatal(err)
	}
	second := ShipRequest{OrderID: o.ID, ExternalShipmentID: "shipstation:b", Lines: []LineQuantity{{LineID: "l2", Quantity: 1}}}
	if _, err := c.FulfillmentOrders.Ship(ctx, second); err != nil {
		t.Fatal(err)
	}
	got, err := c.FulfillmentOrders.Get(ctx, o.ID)
	if err != nil || got.Status != StatusShipped || len(got.Shipments) != 2 {
		t.Fatalf("after shipping every line: %+v, %v; want Shipped with 2 shipments", got, err)
	}
	if _, err := c.FulfillmentOrders.VoidShipment(ctx, VoidRequest{OrderID: o.ID, ExternalShipmentID: "shipstation:b"}); err != nil {
		t.Fatal(err)
	}
	got, err = c.FulfillmentOrders.Get(ctx, o.ID)
	if err != nil || got.Status != StatusOpen || !got.Shipments[1].Voided || !got.UpdatedAt.After(o.UpdatedAt) {
		t.Fatalf("after void: %+v, %v; want Open, shipment voided, UpdatedAt moved", got, err)
	}
	// The voided quantity can be shipped again.
	third := ShipRequest{OrderID: o.ID, ExternalShipmentID: "shipstation:c", Lines: []LineQuantity{{LineID: "l2", Quantity: 1}}}
	if dup, err := c.FulfillmentOrders.Ship(ctx, third); err != nil || dup {
		t.Fatalf("reship after void = %v, %v", dup, err)
	}
}

// 400 and 409 are permanent: sent once, never retried, nothing applied.
func TestRejectedWritesNotRetried(t *testing.T) {
	srv := newSandbox(t)
	c := newTestClient(t, srv.URL())
	ctx := ctxWithTimeout(t)
	open := seedOrder(srv, "Q-open")
	canceled := seedOrder(srv, "Q-canceled")
	if err := srv.SetStatus(canceled.ID, StatusCanceled, 0); err != nil {
		t.Fatal(err)
	}
	shipped := seedOrder(srv, "Q-shipped")
	if err := srv.SetStatus(shipped.ID, StatusShipped, 0); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name     string
		path     string
		status   int
		call     func() (bool, error)
		contains string
	}{
		{"ship canceled", shipPath, 409, func() (bool, error) { return c.FulfillmentOrders.Ship(ctx, shipRequest(canceled.ID, "shipstation:x")) }, "canceled"},
		{"acknowledge canceled", "/v2/orders/fulfillment/acknowledge", 409, func() (bool, error) {
			return c.FulfillmentOrders.Acknowledge(ctx, AcknowledgeRequest{OrderID: canceled.ID, Status: AckAccepted})
		}, "canceled"},
		{"cancel shipped", "/v2/orders/fulfillment/cancel", 409, func() (bool, error) {
			return c.FulfillmentOrders.Cancel(ctx, CancelRequest{OrderID: shipped.ID, Type: CancelHard})
		}, "shipped"},
		{"quantity beyond unshipped", shipPath, 400, func() (bool, error) {
			return c.FulfillmentOrders.Ship(ctx, ShipRequest{OrderID: open.ID, ExternalShipmentID: "shipstation:y", Lines: []LineQuantity{{LineID: "l1", Quantity: 3}}})
		}, "exceeds"},
		{"unknown line", shipPath, 400, func() (bool, error) {
			return c.FulfillmentOrders.Ship(ctx, ShipRequest{OrderID: open.ID, ExternalShipmentID: "shipstation:z", Lines: []LineQuantity{{LineID: "l9", Quantity: 1}}})
		}, "unknown LineId"},
		{"unknown order", shipPath, 404, func() (bool, error) {
			return c.FulfillmentOrders.Ship(ctx, shipRequest("no-such-order", "shipstation:w"))
		}, "unknown order"},
		{"unknown shipment", "/v2/orders/fulfillment/ship/void", 404, func() (bool, error) {
			return c.FulfillmentOrders.VoidShipment(ctx, VoidRequest{OrderID: open.ID, ExternalShipmentID: "shipstation:none"})
		}, "unknown shipment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := srv.Calls(tc.path)
			_, err := tc.call()
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || !IsPermanent(err) {
				t.Fatalf("got %v, want a permanent %d", err, tc.status)
			}
			if !strings.Contains(err.Error(), tc.contains) || len(apiErr.Messages) == 0 {
				t.Errorf("error %q lacks the server's message (%q)", err, tc.contains)
			}
			if n := srv.Calls(tc.path) - before; n != 1 {
				t.Errorf("sent %d times, want 1", n)
			}
		})
	}
	if o, _ := srv.FulfillmentOrder(open.ID); len(o.Shipments) != 0 {
		t.Errorf("a rejected write was applied: %+v", o.Shipments)
	}
	if n := len(srv.Writes()); n != 0 {
		t.Errorf("sandbox logged %d successful writes, want 0", n)
	}
}

// Arguments that cannot succeed are refused before anything is sent.
func TestInvalidWritesNotSent(t *testing.T) {
	srv := newSandbox(t)
	c := newTestClient(t, srv.URL())
	ctx := ctxWithTimeout(t)
	for name, call := range map[string]func() error{
		"purchase without PartnerReference": func() error {
			_, _, err := c.PurchaseOrders.Create(ctx, NewPurchaseOrder{Lines: []Line{{SKU: "A", Quantity: 1}}})
			return err
		},
		"purchase without lines": func() error {
			_, _, err := c.PurchaseOrders.Create(ctx, NewPurchaseOrder{PartnerReference: "shipstation:1"})
			return err
		},
		"ship without lines": func() error {
			_, err := c.FulfillmentOrders.Ship(ctx, ShipRequest{OrderID: "o", ExternalShipmentID: "shipstation:1"})
			return err
		},
		"ship with zero quantity": func() error {
			_, err := c.FulfillmentOrders.Ship(ctx, ShipRequest{OrderID: "o", ExternalShipmentID: "shipstation:1", Lines: []LineQuantity{{LineID: "l1"}}})
			return err
		},
		"ship without external id": func() error {
			_, err := c.FulfillmentOrders.Ship(ctx, ShipRequest{OrderID: "o", Lines: []LineQuantity{{LineID: "l1", Quantity: 1}}})
			return err
		},
		"acknowledge with status 3": func() error {
			_, err := c.FulfillmentOrders.Acknowledge(ctx, AcknowledgeRequest{OrderID: "o", Status: 3})
			return err
		},
		"void without order": func() error {
			_, err := c.FulfillmentOrders.VoidShipment(ctx, VoidRequest{ExternalShipmentID: "shipstation:1"})
			return err
		},
		"cancel with unknown type": func() error {
			_, err := c.FulfillmentOrders.Cancel(ctx, CancelRequest{OrderID: "o", Type: "soft"})
			return err
		},
		"order with empty id": func() error {
			_, err := c.FulfillmentOrders.Get(ctx, "")
			return err
		},
	} {
		if err := call(); !errors.Is(err, ErrInvalidRequest) || !IsPermanent(err) {
			t.Errorf("%s: %v, want ErrInvalidRequest", name, err)
		}
	}
	if n := len(srv.Writes()); n != 0 {
		t.Errorf("sandbox saw %d writes", n)
	}
	for _, p := range []string{"/v2/orders/purchase", shipPath, "/v2/orders/fulfillment/acknowledge", "/v2/orders/fulfillment/ship/void", "/v2/orders/fulfillment/cancel", endpointFulfillmentByID} {
		if n := srv.Calls(p); n != 0 {
			t.Errorf("%s received %d calls", p, n)
		}
	}
}

// The bodies carry exactly the documented field names (the sandbox refuses
// any other spelling, e.g. "OrderID").
func TestWriteBodiesUseDocumentedFieldNames(t *testing.T) {
	var (
		mu     sync.Mutex
		bodies []string
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		if r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
		}
		mu.Lock()
		bodies = append(bodies, r.Method+" "+r.URL.Path+" "+string(buf))
		mu.Unlock()
		w.Write([]byte(`{"Success":true,"Result":{"Id":"o1"}}`))
	}))
	t.Cleanup(ts.Close)
	c := newTestClient(t, ts.URL+"/api/")
	ctx := context.Background()
	if _, err := c.FulfillmentOrders.Ship(ctx, shipRequest("o1", "shipstation:1")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FulfillmentOrders.Cancel(ctx, CancelRequest{OrderID: "o1", Type: CancelSoft, Reason: "r", Lines: []LineQuantity{{LineID: "l1", Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`POST /api/v2/orders/fulfillment/ship {"OrderId":"o1","ExternalShipmentId":"shipstation:1","TrackingNumber":"1Z999","CarrierCode":"UPS","CarrierMethod":"ups_ground","ShipDate":"2026-03-03","Lines":[{"LineId":"l1","Quantity":2}]}`,
		`POST /api/v2/orders/fulfillment/cancel {"OrderId":"o1","Type":"Soft","Reason":"r","Lines":[{"LineId":"l1","Quantity":1}]}`,
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, bodies); diff != "" {
		t.Errorf("bodies (-want +got):\n%s", diff)
	}
}
