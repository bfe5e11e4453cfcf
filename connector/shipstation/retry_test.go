package shipstation

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/connector/calls"
	"github.com/shipsync/shipsync/connector/retry"
	"github.com/shipsync/shipsync/connector/transport"
)

func TestRetriesServerErrorsThenSucceeds(t *testing.T) {
	c, mux, pacer := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("GET /carriers", func(w http.ResponseWriter, r *http.Request) {
		switch hits.Add(1) {
		case 1:
			writeJSON(t, w, 503, map[string]string{"message": "try later"})
		case 2:
			writeJSON(t, w, 500, map[string]string{"Message": "An error has occurred."})
		default:
			writeJSON(t, w, 200, []Carrier{{Code: "ups"}})
		}
	})
	counter := &calls.Counter{}
	got, err := c.Carriers.List(calls.WithCounter(t.Context(), counter))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Code != "ups" {
		t.Errorf("carriers = %+v", got)
	}
	if hits.Load() != 3 || counter.ShipStation() != 3 || pacer.waits.Load() != 3 {
		t.Errorf("hits %d, counted %d, pacer waits %d; want 3 each", hits.Load(), counter.ShipStation(), pacer.waits.Load())
	}
}

func TestRetriesExhausted(t *testing.T) {
	c, mux, _ := setup(t) // 3 attempts
	var hits atomic.Int32
	mux.HandleFunc("GET /carriers", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(t, w, 502, map[string]string{"message": "bad gateway"})
	})
	_, err := c.Carriers.List(t.Context())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 || apiErr.Message != "bad gateway" {
		t.Fatalf("err = %v, want the 502 APIError", err)
	}
	if IsPermanent(err) {
		t.Error("a 502 is reported as permanent")
	}
	if hits.Load() != 3 {
		t.Errorf("hits = %d, want 3 attempts", hits.Load())
	}
}

func TestRetriesDroppedConnection(t *testing.T) {
	c, mux, _ := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("POST /orders/createorders", func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			conn.Close() // drop the connection without answering
			return
		}
		writeJSON(t, w, 200, BulkResult{Results: []BulkResultItem{{OrderID: 7, OrderKey: "quipt:7", Success: true}}})
	})
	counter := &calls.Counter{}
	res, err := c.Orders.CreateOrders(calls.WithCounter(t.Context(), counter), []Order{{OrderNumber: "A-7", OrderKey: "quipt:7"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 1 || hits.Load() != 2 || counter.ShipStation() != 2 {
		t.Errorf("result %+v, hits %d, counted %d", res, hits.Load(), counter.ShipStation())
	}
}

// TestAtMostOnceWritesAreNotRepeatedWhenTheOutcomeIsUnknown: a markasshipped
// whose connection drops after sending may have been applied, so the client
// reports ErrUncertain instead of sending it again.
func TestAtMostOnceWritesAreNotRepeatedWhenTheOutcomeIsUnknown(t *testing.T) {
	c, mux, _ := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("POST /orders/markasshipped", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		conn.Close()
	})
	mux.HandleFunc("POST /orders/assignuser", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(t, w, 500, map[string]string{"message": "boom"})
	})
	_, err := c.Orders.MarkAsShipped(t.Context(), MarkAsShippedRequest{OrderID: 7, CarrierCode: "ups"})
	if !errors.Is(err, ErrUncertain) {
		t.Fatalf("markasshipped with a dropped answer: err = %v, want ErrUncertain", err)
	}
	err = c.Orders.AssignUser(t.Context(), []int64{7}, "user")
	if !errors.Is(err, ErrUncertain) {
		t.Fatalf("assignuser answered 500: err = %v, want ErrUncertain", err)
	}
	if hits.Load() != 2 {
		t.Errorf("at-most-once writes were sent %d times, want once each", hits.Load())
	}
}

// TestAtMostOnceWritesRetryWhenNothingWasSent: a connection that could not be
// made proves the write was not applied, so it is retried.
func TestAtMostOnceWritesRetryWhenNothingWasSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more: every dial is refused
	counter := &calls.Counter{}
	c, err := NewClient(WithBaseURL("http://"+addr), WithCredentials("k", "s"),
		WithRetryPolicy(retry.Policy{Attempts: 3, Base: time.Millisecond, Max: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Orders.AssignUser(calls.WithCounter(t.Context(), counter), []int64{7}, "user")
	if err == nil || errors.Is(err, ErrUncertain) {
		t.Fatalf("err = %v, want a plain connection error", err)
	}
	if counter.ShipStation() != 3 {
		t.Errorf("attempts = %d, want 3 (refused connections are retried)", counter.ShipStation())
	}
}

func TestRetriesTimeout(t *testing.T) {
	var hits atomic.Int32
	c, mux, _ := setup(t, WithHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}))
	mux.HandleFunc("GET /warehouses", func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
			return
		}
		writeJSON(t, w, 200, []Warehouse{{WarehouseID: 5}})
	})
	got, err := c.Warehouses.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].WarehouseID != 5 || hits.Load() != 2 {
		t.Errorf("warehouses %+v after %d hits", got, hits.Load())
	}
}

func TestRetries408(t *testing.T) {
	c, mux, _ := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("GET /accounts/listtags", func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusRequestTimeout)
			return
		}
		writeJSON(t, w, 200, []Tag{{TagID: 1}})
	})
	if _, err := c.Tags.List(t.Context()); err != nil || hits.Load() != 2 {
		t.Errorf("err %v after %d hits, want success after 2", err, hits.Load())
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 405} {
		c, mux, _ := setup(t)
		var hits atomic.Int32
		mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			writeJSON(t, w, status, map[string]string{"message": "no such order"})
		})
		_, err := c.Orders.Get(t.Context(), 42)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Endpoint != "/orders/42" {
			t.Errorf("status %d: err = %v", status, err)
		}
		wantPermanent := status != 401 && status != 403 // credentials fail the run, not the item
		if IsPermanent(err) != wantPermanent || hits.Load() != 1 {
			t.Errorf("status %d: permanent %v, hits %d; want %v, 1", status, IsPermanent(err), hits.Load(), wantPermanent)
		}
	}
}

func TestTransportErrorReportedAsStatusZero(t *testing.T) {
	obs := &recordingObserver{}
	c, err := NewClient(WithCredentials(testKey, testSecret), WithBaseURL("http://127.0.0.1:1/api"),
		WithPacer(&recordingPacer{}), WithRetryPolicy(retry.Policy{Attempts: 2, Base: time.Millisecond, Max: time.Millisecond}),
		WithObserver(obs))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Stores.List(t.Context())
	if err == nil {
		t.Fatal("want a connection error")
	}
	if strings.Contains(err.Error(), "showInactive") {
		t.Errorf("error %q carries the query string", err)
	}
	requests, _, _ := obs.snapshot()
	if !cmp.Equal(requests, []string{"/stores 0", "/stores 0"}) {
		t.Errorf("observed requests %v, want two transport failures", requests)
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	c, mux, _ := setup(t, WithRetryPolicy(retry.Policy{Attempts: 6, Base: time.Hour, Max: time.Hour}))
	var hits atomic.Int32
	ctx, cancel := context.WithCancel(t.Context())
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(t, w, 500, map[string]string{"message": "boom"})
		time.AfterFunc(20*time.Millisecond, cancel)
	})
	start := time.Now()
	_, err := c.Users.List(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if time.Since(start) > 5*time.Second || hits.Load() != 1 {
		t.Errorf("took %v with %d hits", time.Since(start), hits.Load())
	}
	if _, err := c.Users.List(ctx); !errors.Is(err, context.Canceled) || hits.Load() != 1 {
		t.Errorf("call with a done context: err %v, hits %d", err, hits.Load())
	}
}

// failingPacer fails Wait with its own error, as a Redis-backed pacer may
// when its context ends mid-command.
type failingPacer struct{}

func (failingPacer) Wait(context.Context) error                              { return errors.New("redis: connection pool timeout") }
func (failingPacer) Observe(context.Context, int, time.Duration, bool) error { return nil }

func TestPrefersContextError(t *testing.T) {
	c, mux, _ := setup(t, WithPacer(failingPacer{}))
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) { t.Error("request sent") })

	_, err := c.Users.List(t.Context())
	if err == nil || !strings.Contains(err.Error(), "rate budget") || errors.Is(err, context.Canceled) {
		t.Errorf("live context: err = %v, want the pacer's failure", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Users.List(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("done context: err = %v, want context.Canceled", err)
	}
}

// TestEveryRequestOnTheWireIsPaced: when a reused connection drops after a GET
// was written, net/http would re-send the GET by itself, unseen by the pacer;
// the client makes its GETs non-replayable so that each request the server
// receives has claimed a rate slot.
func TestEveryRequestOnTheWireIsPaced(t *testing.T) {
	c, mux, pacer := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("GET /users", func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 2 { // the second request arrives on the reused connection
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			conn.Close()
			return
		}
		writeJSON(t, w, 200, []User{})
	})
	for range 2 {
		if _, err := c.Users.List(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if got, waits := hits.Load(), pacer.waits.Load(); int64(got) != waits {
		t.Errorf("server received %d requests, pacer granted %d slots", got, waits)
	}
}

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
