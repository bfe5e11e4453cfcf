package quipttest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// answer is a decoded sandbox response.
type answer struct {
	status int
	env    struct {
		Paging   *paging
		Result   json.RawMessage
		Success  bool
		Messages []Message
	}
}

// send issues a request; sign==true signs it with the sandbox's own
// algorithm (these tests are about routing and state, not about signing).
func send(t *testing.T, s *Server, method, pathAndQuery, body string, sign bool, nonce *atomic.Int64) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL()+pathAndQuery, rd)
	if err != nil {
		t.Fatal(err)
	}
	if sign {
		req.RequestURI = req.URL.RequestURI()
		req.Host = req.URL.Host
		oauth := map[string]string{
			"oauth_consumer_key": s.consumerKey, "oauth_token": s.token, "oauth_signature_method": "HMAC-SHA1",
			"oauth_timestamp": fmt.Sprint(s.now().Unix()), "oauth_nonce": fmt.Sprintf("n%d", nonce.Add(1)), "oauth_version": "1.0",
		}
		oauth["oauth_signature"] = s.expectedSignature(req, oauth)
		var parts []string
		for k, v := range oauth {
			parts = append(parts, k+`="`+url.QueryEscape(v)+`"`)
		}
		req.Header.Set("Authorization", "OAuth "+strings.Join(parts, ", "))
		req.RequestURI = ""
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	a.status = resp.StatusCode
	if err := json.NewDecoder(resp.Body).Decode(&a.env); err != nil {
		t.Fatalf("%s %s: body is not an envelope: %v", method, pathAndQuery, err)
	}
	return a
}

// The sandbox's verifier accepts the published OAuth Core 1.0 Appendix A.5
// request and refuses it once changed.
func TestVerifierAcceptsPublishedExample(t *testing.T) {
	s := New(
		WithCredentials("dpf43f3p2l4k3l03", "kd94hf93k423kf44", "nnch734d00sl2jdk", "pfkkdhi9sl3r4s00"),
		WithClock(func() time.Time { return time.Unix(1191242096, 0) }),
	)
	defer s.Close()
	header := `OAuth realm="http://photos.example.net/", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", ` +
		`oauth_signature_method="HMAC-SHA1", oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D", ` +
		`oauth_timestamp="1191242096", oauth_nonce="kllo9940pd9333jh", oauth_version="1.0"`
	do := func(path, header string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
		req.Host = "photos.example.net"
		req.Header.Set("Authorization", header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Accepted: the route does not exist, so authentication passed when the answer is 404.
	if code, body := do("/photos?file=vacation.jpg&size=original", header); code != http.StatusNotFound {
		t.Fatalf("published request: %d %s, want 404 after authentication", code, body)
	}
	if code, body := do("/photos?file=vacation.jpg&size=original", header); code != http.StatusUnauthorized || !strings.Contains(body, "nonce") {
		t.Errorf("replay: %d %s, want 401 about the nonce", code, body)
	}
	changed := strings.Replace(header, "kllo9940pd9333jh", "other-nonce", 1)
	if code, body := do("/photos?file=vacation.jpg&size=large", changed); code != http.StatusUnauthorized || !strings.Contains(body, "signature") {
		t.Errorf("changed query: %d %s, want 401 invalid signature", code, body)
	}
}

func TestUnauthenticatedRequestsRefused(t *testing.T) {
	s := New()
	defer s.Close()
	var n atomic.Int64
	if a := send(t, s, "GET", "/v2/orders/fulfillment/10/1", "", false, &n); a.status != 401 || a.env.Success || a.env.Messages[0].Severity != "Error" {
		t.Errorf("no Authorization: %+v", a)
	}
	if a := send(t, s, "GET", "/v2/orders/fulfillment/10/1?oauth_token=x", "", true, &n); a.status != 401 {
		t.Errorf("oauth parameter in the query: %d, want 401", a.status)
	}
	if got := s.Calls("/v2/orders/fulfillment/{pageSize}/{pageNumber}"); got != 2 {
		t.Errorf("Calls = %d, want 2 (rejected requests count)", got)
	}
}

func TestListValidationAndPaging(t *testing.T) {
	s := New()
	defer s.Close()
	var n atomic.Int64
	for i := range 5 {
		s.AddFulfillmentOrder(Order{OrderNumber: fmt.Sprint(i), Lines: []Line{{SKU: "A", Quantity: 1}}})
	}
	for _, bad := range []string{
		"/v2/orders/fulfillment/201/1", "/v2/orders/fulfillment/0/1", "/v2/orders/fulfillment/10/0",
		"/v2/orders/fulfillment/x/1", "/v2/orders/fulfillment/10/1?orderStatus=open", "/v2/orders/fulfillment/10/1?include=Lines",
	} {
		if a := send(t, s, "GET", bad, "", true, &n); a.status != 400 || a.env.Success {
			t.Errorf("%s: %d, want 400", bad, a.status)
		}
	}
	a := send(t, s, "GET", "/v2/orders/fulfillment/2/3?orderStatus=4", "", true, &n)
	var items []map[string]any
	if err := json.Unmarshal(a.env.Result, &items); err != nil {
		t.Fatal(err)
	}
	if a.status != 200 || len(items) != 1 || *a.env.Paging != (paging{PageNumber: 3, Total: 5, HasMoreRecords: false}) {
		t.Errorf("last page: %d, %d items, paging %+v", a.status, len(items), a.env.Paging)
	}
	if _, ok := items[0]["Shipments"]; ok {
		t.Error("Shipments present without include")
	}
	a = send(t, s, "GET", "/v2/orders/fulfillment/2/1?orderStatus=8,16&include=Shipments", "", true, &n)
	if a.env.Paging.Total != 0 || string(a.env.Result) != "[]" {
		t.Errorf("no shipped orders: %+v %s", a.env.Paging, a.env.Result)
	}
	if a := send(t, s, "GET", "/v2/orders/fulfillment/2/99", "", true, &n); a.status != 200 || string(a.env.Result) != "[]" {
		t.Errorf("page past the end: %d %s", a.status, a.env.Result)
	}
}

func TestWriteBodiesAreCheckedStrictly(t *testing.T) {
	s := New()
	defer s.Close()
	var n atomic.Int64
	o := s.AddFulfillmentOrder(Order{Lines: []Line{{SKU: "A", Quantity: 1}}})
	other := s.AddFulfillmentOrder(Order{Lines: []Line{{SKU: "A", Quantity: 1}}})
	for name, tc := range map[string]struct {
		path, body string
		status     int
	}{
		"mis-cased field":      {"/v2/orders/fulfillment/cancel", `{"OrderID":"` + o.ID + `","Type":"Soft"}`, 400},
		"mis-cased nested":     {"/v2/orders/fulfillment/ship", `{"OrderId":"` + o.ID + `","ExternalShipmentId":"e","Lines":[{"LineID":"l1","Quantity":1}]}`, 400},
		"purchase with Id":     {"/v2/orders/purchase", `{"Id":"x","PartnerReference":"p","Lines":[{"SKU":"A","Quantity":1}]}`, 400},
		"purchase without ref": {"/v2/orders/purchase", `{"Lines":[{"SKU":"A","Quantity":1}]}`, 400},
		"not JSON":             {"/v2/orders/fulfillment/ship", `{`, 400},
		"ack unknown order":    {"/v2/orders/fulfillment/acknowledge", `{"OrderId":"nope","Status":1}`, 404},
		"ship lines empty":     {"/v2/orders/fulfillment/ship", `{"OrderId":"` + o.ID + `","ExternalShipmentId":"e","Lines":[]}`, 400},
		"unknown endpoint":     {"/v2/orders/fulfillment/refund", `{}`, 404},
	} {
		if a := send(t, s, "POST", tc.path, tc.body, true, &n); a.status != tc.status || a.env.Success {
			t.Errorf("%s: %d %+v, want %d", name, a.status, a.env.Messages, tc.status)
		}
	}
	ok := send(t, s, "POST", "/v2/orders/fulfillment/ship", `{"OrderId":"`+o.ID+`","ExternalShipmentId":"e","Lines":[{"LineId":"l1","Quantity":1}]}`, true, &n)
	if ok.status != 200 || !ok.env.Success {
		t.Fatalf("valid ship: %d %+v", ok.status, ok.env.Messages)
	}
	var shippedOrder Order
	if err := json.Unmarshal(ok.env.Result, &shippedOrder); err != nil || shippedOrder.Status != statusShipped {
		t.Errorf("ship Result = %+v, %v; want the shipped order", shippedOrder, err)
	}
	if a := send(t, s, "POST", "/v2/orders/fulfillment/ship", `{"OrderId":"`+other.ID+`","ExternalShipmentId":"e","Lines":[{"LineId":"l1","Quantity":1}]}`, true, &n); a.status != 409 {
		t.Errorf("ExternalShipmentId of another order: %d, want 409", a.status)
	}
}

func TestFaultsAreConsumed(t *testing.T) {
	s := New()
	defer s.Close()
	var n atomic.Int64
	s.FailNext("/v2/orders/fulfillment/{pageSize}/{pageNumber}", 2, 502)
	s.FailNext("/v2/inventory/physical/10/1", 1, 500)
	for i, want := range []int{502, 502, 200} {
		if a := send(t, s, "GET", "/v2/orders/fulfillment/10/1", "", true, &n); a.status != want {
			t.Errorf("request %d: %d, want %d", i, a.status, want)
		}
	}
	if a := send(t, s, "GET", "/v2/inventory/physical/10/2", "", true, &n); a.status != 200 {
		t.Errorf("a fault for page 1 hit page 2: %d", a.status)
	}
	s.RateLimitNext(1, 1500*time.Millisecond)
	req, _ := http.NewRequest("GET", s.URL()+"/v2/inventory/physical/10/1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("rate limit: %d Retry-After %q, want 429 and 2", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestOperatorActions(t *testing.T) {
	now := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	s := New(WithClock(func() time.Time { return now }))
	defer s.Close()
	o := s.AddFulfillmentOrder(Order{Lines: []Line{{SKU: "A", Quantity: 1}}})
	if o.ID == "" || o.Lines[0].ID != "l1" || o.Status != statusOpen || !o.CreatedAt.Equal(now) {
		t.Fatalf("seeded order = %+v", o)
	}
	if err := s.UpdateFulfillmentOrder(o.ID, func(o *Order) { o.WarehouseCode = "AUS1" }); err != nil {
		t.Fatal(err)
	}
	got, _ := s.FulfillmentOrder(o.ID)
	if got.WarehouseCode != "AUS1" || !got.UpdatedAt.After(o.UpdatedAt) {
		t.Errorf("after update: %+v, want the change and a later UpdatedAt with a fixed clock", got)
	}
	if err := s.UpdateFulfillmentOrder("nope", func(*Order) {}); err == nil {
		t.Error("update of an unknown order succeeded")
	}
	if err := s.ShipPurchaseOrder(o.ID, Shipment{}); err == nil {
		t.Error("ShipPurchaseOrder accepted a fulfillment order id")
	}
	got.Lines[0].Quantity = 99
	if again, _ := s.FulfillmentOrder(o.ID); again.Lines[0].Quantity != 1 {
		t.Error("FulfillmentOrder returned shared storage")
	}
}

// The by-id read honours include exactly like the lists: without it the
// order carries no Shipments and no Cancellations, so a client that forgets
// to ask for them notices in tests.
func TestGetFulfillmentOrderHonoursInclude(t *testing.T) {
	s := New()
	defer s.Close()
	var n atomic.Int64
	o := s.AddFulfillmentOrder(Order{Lines: []Line{{SKU: "A", Quantity: 2}}})
	if a := send(t, s, "POST", "/v2/orders/fulfillment/ship", `{"OrderId":"`+o.ID+`","ExternalShipmentId":"e","Lines":[{"LineId":"l1","Quantity":1}]}`, true, &n); a.status != 200 {
		t.Fatalf("ship: %d %+v", a.status, a.env.Messages)
	}
	if a := send(t, s, "POST", "/v2/orders/fulfillment/cancel", `{"OrderId":"`+o.ID+`","Type":"Soft","Reason":"r"}`, true, &n); a.status != 200 {
		t.Fatalf("cancel: %d %+v", a.status, a.env.Messages)
	}
	path := "/v2/orders/fulfillment/id/" + o.ID
	for query, want := range map[string][]string{
		"":                                   nil,
		"?include=Shipments":                 {"Shipments"},
		"?include=Cancellations":             {"Cancellations"},
		"?include=Shipments,Cancellations":   {"Shipments", "Cancellations"},
		"?include=Cancellations%2CShipments": {"Shipments", "Cancellations"},
	} {
		a := send(t, s, "GET", path+query, "", true, &n)
		if a.status != 200 || !a.env.Success {
			t.Fatalf("GET %s: %d %+v", query, a.status, a.env.Messages)
		}
		var item map[string]json.RawMessage
		if err := json.Unmarshal(a.env.Result, &item); err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{"Shipments", "Cancellations"} {
			raw, present := item[field]
			wanted := strings.Contains(strings.Join(want, ","), field)
			switch {
			case wanted && (!present || string(raw) == "null" || string(raw) == "[]"):
				t.Errorf("GET %s: %s = %s, want the order's %s", query, field, raw, field)
			case !wanted && present && string(raw) != "null":
				t.Errorf("GET %s: %s = %s, want it absent or null without include", query, field, raw)
			}
		}
	}
	if a := send(t, s, "GET", path+"?include=Lines", "", true, &n); a.status != 400 || a.env.Success {
		t.Errorf("include=Lines: %d, want 400 as on the lists", a.status)
	}
}

// HoldNext holds a write past its client's timeout and then applies it: the
// acknowledgement lands after the client gave up, and Held counts it.
func TestHoldNextAppliesAWriteLate(t *testing.T) {
	s := New()
	var n atomic.Int64
	o := s.AddFulfillmentOrder(Order{Lines: []Line{{SKU: "A", Quantity: 1}}})
	s.HoldNext("/v2/orders/fulfillment/acknowledge", 1, 300*time.Millisecond)
	done := make(chan answer, 1)
	go func() {
		done <- send(t, s, "POST", "/v2/orders/fulfillment/acknowledge", `{"OrderId":"`+o.ID+`","Status":1}`, true, &n)
	}()
	time.Sleep(100 * time.Millisecond) // the client's patience, shorter than the hold
	if acks := s.Acknowledgements(o.ID); len(acks) != 0 {
		t.Fatalf("the held acknowledgement was applied at once: %v", acks)
	}
	if a := <-done; a.status != http.StatusOK {
		t.Fatalf("held acknowledgement answered %d", a.status)
	}
	if acks := s.Acknowledgements(o.ID); len(acks) != 1 {
		t.Errorf("after the hold: %d acknowledgements, want 1", len(acks))
	}
	if held := s.Held()["/v2/orders/fulfillment/acknowledge"]; held != 1 {
		t.Errorf("Held counts %d, want 1", held)
	}
	s.Close()
}
