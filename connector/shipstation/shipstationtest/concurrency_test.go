package shipstationtest

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestConcurrentClientsAndOperator(t *testing.T) {
	srv := start(t, WithDefaultAccount(), WithRateLimit(1000, time.Minute))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				key := fmt.Sprintf("quipt:%d-%d", w, i)
				r, err := send(srv, "POST", "/orders/createorders", []any{minimalOrder("WEB", key)})
				if err != nil || r.status != http.StatusOK {
					t.Errorf("createorders %s: %v %d", key, err, r.status)
					return
				}
				if _, err := send(srv, "GET", "/orders?pageSize=500", nil); err != nil {
					t.Errorf("list: %v", err)
				}
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			o := srv.AddOrder(twoLineOrder())
			sh := srv.CreateLabel(o.OrderID, nil, "ups", "ups_ground")
			srv.VoidLabel(sh.ShipmentID)
			_ = srv.Requests()
		}
	})
	wg.Wait()
	if n := len(srv.Orders()); n != 60 {
		t.Errorf("orders = %d, want 60", n)
	}
	if n := srv.Count("POST", "/orders/createorders"); n != 40 {
		t.Errorf("createorders requests = %d, want 40", n)
	}
}
