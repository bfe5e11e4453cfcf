package shipstation

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
)

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

