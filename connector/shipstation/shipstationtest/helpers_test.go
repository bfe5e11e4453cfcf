package shipstationtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// clock is a settable clock for WithClock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// start starts a sandbox that is closed when the test ends.
func start(t *testing.T, opts ...Option) *Server {
	t.Helper()
	srv := New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// reply is a response read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// call sends one request; body, when not nil, is sent as JSON (a []byte or
// string as is).
func call(t *testing.T, srv *Server, method, target string, body any) reply {
	t.Helper()
	r, err := send(srv, method, target, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	return r
}

func send(srv *Server, method, target string, body any) (reply, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return reply{}, err
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, srv.URL()+target, rd)
	if err != nil {
		return reply{}, err
	}
	req.SetBasicAuth("key", "secret")
	resp, err := srv.Client().Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}, err
}

// decode unmarshals the reply body into v, failing the test on error.
func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// wantStatus fails the test unless the reply has this status.
func (r reply) wantStatus(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
}

// orderList is the GET /orders envelope with loosely typed orders.
type orderList struct {
	Orders []map[string]any `json:"orders"`
	Total  int              `json:"total"`
	Page   int              `json:"page"`
	Pages  int              `json:"pages"`
}

// ids returns the orderId of each listed order.
func (l orderList) ids() []int64 {
	var out []int64
	for _, o := range l.Orders {
		id, _ := o["orderId"].(float64)
		out = append(out, int64(id))
	}
	return out
}

// minimalOrder is the smallest order createorder accepts.
func minimalOrder(number, key string) map[string]any {
	o := map[string]any{
		"orderNumber": number,
		"orderDate":   "2025-03-08T19:42:05.0000000",
		"orderStatus": "awaiting_shipment",
		"billTo":      map[string]any{"name": "Jordan Alvarez"},
		"shipTo":      map[string]any{"name": "Jordan Alvarez", "street1": "1210 W Jefferson St", "city": "Boise", "state": "ID", "postalCode": "83702", "country": "US"},
		"items": []any{
			map[string]any{"lineItemKey": "li-1", "sku": "CMP-MUG-12-SLT", "name": "Camp Mug", "quantity": 2, "unitPrice": 34.5},
		},
		"taxAmount":      2.5,
		"shippingAmount": 5,
	}
	if key != "" {
		o["orderKey"] = key
	}
	return o
}

// pacific returns the Pacific location for building test times.
func pacific(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
