package shipstationtest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A held request is applied after the client gave up on it.
func TestHeldRequestIsAppliedAfterTheClientGaveUp(t *testing.T) {
	s := New(WithRateLimit(0, 0))
	defer s.Close()
	o := s.AddOrder(Order{OrderNumber: "H-1", OrderStatus: StatusAwaitingShipment})
	s.HoldNext("/orders/markasshipped", 1, 500*time.Millisecond)
	postTimingOut(t, s, o.OrderID)
	if n := s.MarkAsShippedCount(o.OrderID); n != 0 {
		t.Fatalf("applied %d times while held, want 0", n)
	}
	for deadline := time.Now().Add(30 * time.Second); s.MarkAsShippedCount(o.OrderID) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the held request was never applied")
		}
	}
	if held := s.Held()["/orders/markasshipped"]; held != 1 {
		t.Errorf("Held counts %d, want 1", held)
	}
	if got, _ := s.Order(o.OrderID); got.OrderStatus != StatusShipped {
		t.Errorf("order status %s after the late markasshipped, want shipped", got.OrderStatus)
	}
}

// A request held until its release is applied only after the release, long
// after the client gave up on it.
func TestRequestHeldUntilReleasedIsAppliedThen(t *testing.T) {
	s := New(WithRateLimit(0, 0))
	defer s.Close()
	o := s.AddOrder(Order{OrderNumber: "H-2", OrderStatus: StatusAwaitingShipment})
	release := make(chan struct{})
	s.HoldNextUntil("/orders/markasshipped", release)
	postTimingOut(t, s, o.OrderID)
	time.Sleep(300 * time.Millisecond)
	if n := s.MarkAsShippedCount(o.OrderID); n != 0 {
		t.Fatalf("applied %d times before its release, want 0", n)
	}
	close(release)
	for deadline := time.Now().Add(30 * time.Second); s.MarkAsShippedCount(o.OrderID) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the released request was never applied")
		}
	}
}

// postTimingOut posts a markasshipped of orderID with a client that gives up
// after 100 ms, and fails the test when it is answered in time.
func postTimingOut(t *testing.T, s *Server, orderID int64) {
	t.Helper()
	c := &http.Client{Timeout: 100 * time.Millisecond}
	body := fmt.Sprintf(`{"orderId":%d,"carrierCode":"ups","trackingNumber":"1Z"}`, orderID)
	resp, err := c.Post(s.URL()+"/orders/markasshipped", "application/json", strings.NewReader(body))
	if err == nil {
		resp.Body.Close()
		t.Fatal("the held request was answered before the client's timeout")
	}
}
