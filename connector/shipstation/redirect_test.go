package shipstation

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/shipsync/shipsync/connector/transport"
)

// otherHost starts a server standing for another host and counts what
// reaches it.
func otherHost(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"orders":[],"total":0,"page":1,"pages":0,"hasErrors":false,"results":[]}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// wantRedirectRefused checks that err is a refused redirect naming target and
// that nothing reached the other host.
func wantRedirectRefused(t *testing.T, err error, target string, hits *atomic.Int32) {
	t.Helper()
	if !errors.Is(err, transport.ErrRedirect) {
		t.Fatalf("err = %v, want a refused redirect", err)
	}
	if !strings.Contains(err.Error(), target) {
		t.Errorf("err = %v, want it to name the target %s", err, target)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the other host got %d requests, want 0", n)
	}
}

// A 301 on a list to another host is an error naming the target, not an
// empty list served by that host; it is not repeated.
func TestListRedirectToAnotherHostIsRefused(t *testing.T) {
	c, mux, _ := setup(t)
	other, hits := otherHost(t)
	var asked atomic.Int32
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		http.Redirect(w, r, other.URL+"/orders?page=1", http.StatusMovedPermanently)
	})
	var err error
	for _, e := range c.Orders.Pages(context.Background(), OrderListOptions{}) {
		if e != nil {
			err = e
			break
		}
		t.Fatal("a page came back from a redirect to another host")
	}
	wantRedirectRefused(t, err, other.URL+"/orders", hits)
	if n := asked.Load(); n != 1 {
		t.Errorf("the list was asked %d times, want 1 (a refused redirect is final)", n)
	}
}

// A 307 on createorders is an error naming the target: the customer's
// address is never posted to another host.
func TestCreateOrdersRedirectIsRefused(t *testing.T) {
	c, mux, _ := setup(t)
	other, hits := otherHost(t)
	mux.HandleFunc("POST /orders/createorders", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/orders/createorders", http.StatusTemporaryRedirect)
	})
	_, err := c.Orders.CreateOrders(context.Background(), []Order{{OrderKey: "quipt:1", OrderNumber: "1"}})
	wantRedirectRefused(t, err, other.URL+"/orders/createorders", hits)
}

// A read's redirect within the same host is followed.
func TestListRedirectOnTheSameHostIsFollowed(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, testBase+"/moved/orders", http.StatusMovedPermanently)
	})
	var served atomic.Int32
	mux.HandleFunc("GET /moved/orders", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		writeJSON(t, w, http.StatusOK, map[string]any{"orders": []any{}, "total": 0, "page": 1, "pages": 0})
	})
	for _, err := range c.Orders.Pages(context.Background(), OrderListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if served.Load() != 1 {
		t.Errorf("the moved list was served %d times, want 1", served.Load())
	}
}
