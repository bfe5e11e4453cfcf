package getorders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/connector/shipstation"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/mapping"
)

// now is a fixed clock a few days after the 2026 fall-back, so the 7-day
// window starts in PDT and ends in PST.
var now = time.Date(2026, 11, 5, 18, 0, 0, 0, time.UTC) // 10:00 PST

func pacific() *time.Location {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		panic(err)
	}
	return loc
}

// windowStart is 2026-10-29 10:00 PDT: seven calendar days before now on the Pacific clock.
var windowStart = time.Date(2026, 10, 29, 10, 0, 0, 0, pacific())

func selector() mapping.Selector {
	return mapping.Selector{
		Mappings: []mapping.Mapping{
			{Method: "Next Day Air", Carrier: mapping.UPS, Service: "ups_next_day_air"},
			{Method: "Ground", Carrier: mapping.FedEx, Service: "fedex_ground"},
		},
		Preferred:      mapping.USPS,
		DefaultService: "usps_priority_mail",
		DefaultEnabled: true,
		USPSEnabled:    true,
	}
}

func newJob(w *jobstest.World) *GetOrders {
	return &GetOrders{
		Env:            w.Env,
		Status:         sst.StatusAwaitingShipment,
		Days:           7,
		AssignUserID:   sst.DefaultUserID,
		Selector:       selector(),
		WarehouseCodes: map[int64]string{sst.AustinWarehouseID: "AUS1"},
	}
}

func newWorld(t *testing.T, o jobstest.Options) *jobstest.World {
	o.Start = now
	return jobstest.New(t, o)
}

type seed struct {
	number  string
	created time.Time
	// modified is the order's modifyDate; zero means created.
	modified time.Time
	status   string
	method   string
	carrier  string
	service  string
	key      string
	tags     []int64
	street   string
}

func addOrder(w *jobstest.World, s seed) sst.Order {
	if s.status == "" {
		s.status = sst.StatusAwaitingShipment
	}
	if s.street == "" {
		s.street = "12 Elm St"
	}
	o := sst.Order{
		OrderNumber: s.number, OrderKey: s.key, OrderDate: s.created, CreateDate: s.created, ModifyDate: s.modified, OrderStatus: s.status,
		CustomerEmail: new("buyer@example.com"),
		BillTo:        &sst.Address{Name: "Dana Ruiz"},
		ShipTo: &sst.Address{Name: "Dana Ruiz", Street1: new(s.street), City: new("Austin"), State: new("TX"),
			PostalCode: new("78701"), Country: new("US"), Residential: new(true)},
		Items: []sst.OrderItem{
			{LineItemKey: new("li-" + s.number), SKU: "CASE-IP15-BLK", Name: "Case", Quantity: 2, UnitPrice: 19.99},
			{SKU: "DISCOUNT", Name: "10% off", Quantity: 1, UnitPrice: -4, Adjustment: true},
		},
		OrderTotal: 40.98, TaxAmount: 0, ShippingAmount: 5,
		RequestedShippingService: new(s.method),
		AdvancedOptions:          sst.AdvancedOptions{StoreID: new(sst.DefaultStoreID), WarehouseID: new(sst.AustinWarehouseID)},
		TagIDs:                   s.tags,
	}
	if s.street == "-" {
		o.ShipTo.Street1 = nil
	}
	if s.carrier != "" {
		o.CarrierCode, o.ServiceCode = new(s.carrier), new(s.service)
	}
	return w.SS.AddOrder(o)
}

// purchaseOrdersByRef returns Quipt's purchase orders keyed by PartnerReference,
// failing the test when one reference is there twice.
func purchaseOrdersByRef(t *testing.T, q *quipttest.Server) map[string]quipttest.Order {
	t.Helper()
	out := map[string]quipttest.Order{}
	for _, po := range q.PurchaseOrders() {
		ref := ""
		if po.PartnerReference != nil {
			ref = *po.PartnerReference
		}
		if _, dup := out[ref]; dup {
			t.Fatalf("Quipt holds two purchase orders for %s", ref)
		}
		out[ref] = po
	}
	return out
}

func ref(o sst.Order) string { return "shipstation:" + strconv.FormatInt(o.OrderID, 10) }

func TestImportsExactlyTheSelectedOrdersThenDoesNothing(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	mapped := addOrder(w, seed{number: "A-mapped", created: now.Add(-time.Hour), method: "Next Day Air"})
	fuzzy := addOrder(w, seed{number: "B-fuzzy", created: windowStart.Add(3 * time.Hour), method: "  GROUND \t"})
	own := addOrder(w, seed{number: "F-own", created: now.Add(-2 * time.Hour), method: "Whatever", carrier: "ups_walleted", service: "ups_ground"})
	fallback := addOrder(w, seed{number: "G-default", created: now.Add(-3 * time.Hour), method: "Economy"})
	addOrder(w, seed{number: "C-too-old", created: windowStart.Add(-3 * time.Hour), method: "Ground"})
	addOrder(w, seed{number: "D-unpaid", created: now.Add(-time.Hour), status: sst.StatusAwaitingPayment, method: "Ground"})
	addOrder(w, seed{number: "E-ours", created: now.Add(-time.Hour), key: "quipt:0b1c", method: "Ground"})
	bad := addOrder(w, seed{number: "H-nostreet", created: now.Add(-time.Hour), method: "Ground", street: "-"})

	job := newJob(w)
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		t.Fatalf("first run: %v", err)
	}

	pos := purchaseOrdersByRef(t, w.Q)
	want := map[string][2]string{ // reference → Quipt carrier, method
		ref(mapped):   {"UPS", "ups_next_day_air"},
		ref(fuzzy):    {"FDX", "fedex_ground"},
		ref(own):      {"UPS", "ups_ground"},
		ref(fallback): {"USPS", "usps_priority_mail"},
	}
	if len(pos) != len(want) {
		t.Fatalf("Quipt holds %d purchase orders %v, want %d", len(pos), keys(pos), len(want))
	}
	for r, cm := range want {
		po, ok := pos[r]
		if !ok {
			t.Errorf("no purchase order for %s", r)
			continue
		}
		if got := [2]string{jobs.Value(po.Shipping.CarrierCode), jobs.Value(po.Shipping.CarrierMethod)}; got != cm {
			t.Errorf("%s: carrier/method = %v, want %v", r, got, cm)
		}
		if len(po.Lines) != 1 || po.Lines[0].Quantity != 2 || po.Lines[0].SKU != "CASE-IP15-BLK" {
			t.Errorf("%s: lines = %+v, want the one physical line (the discount is not a line)", r, po.Lines)
		}
		if po.WarehouseCode != "AUS1" {
			t.Errorf("%s: warehouse code = %q, want AUS1", r, po.WarehouseCode)
		}
	}

	calls := w.SS.AssignUserCalls()
	if len(calls) != 1 {
		t.Fatalf("assignuser calls = %d, want exactly 1", len(calls))
	}
	gotIDs := slices.Sorted(slices.Values(calls[0].OrderIDs))
	wantIDs := slices.Sorted(slices.Values([]int64{mapped.OrderID, fuzzy.OrderID, own.OrderID, fallback.OrderID}))
	if !slices.Equal(gotIDs, wantIDs) || calls[0].UserID != sst.DefaultUserID {
		t.Errorf("assignuser = %v to %s, want %v to %s", gotIDs, calls[0].UserID, wantIDs, sst.DefaultUserID)
	}

	dls, err := w.Store.DeadLetters(context.Background(), jobs.NameGetOrders)
	if err != nil {
		t.Fatal(err)
	}
	if len(dls) != 1 || dls[0].ID != strconv.FormatInt(bad.OrderID, 10) || !strings.Contains(dls[0].Reason, "shipTo") {
		t.Errorf("dead letters = %+v, want only %d with a shipTo reason", dls, bad.OrderID)
	}
	sum := w.Log.LastSummary()
	if sum["created"] != 4.0 || sum["dead_lettered"] != 1.0 || sum["assigned"] != 4.0 {
		t.Errorf("summary = %v, want created 4, dead_lettered 1, assigned 4", sum)
	}
	if sum["shipstation_calls"] != 2.0 {
		t.Errorf("summary shipstation_calls = %v, want 2 (one list page, one assignuser)", sum["shipstation_calls"])
	}

	// A second run finds everything done: no Quipt write, no assignment.
	writes := len(w.Q.Writes())
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if n := len(w.Q.Writes()); n != writes {
		t.Errorf("second run wrote to Quipt %d times, want 0", n-writes)
	}
	if n := len(w.SS.AssignUserCalls()); n != 1 {
		t.Errorf("second run assigned again: %d assignuser calls in all", n)
	}
	sum = w.Log.LastSummary()
	if sum["created"] != 0.0 || sum["dead_lettered"] != 0.0 {
		t.Errorf("second summary = %v, want nothing created or dead-lettered", sum)
	}
}

func TestTagListsByTagAndAppliesTheWindowItself(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	in := addOrder(w, seed{number: "T-in", created: windowStart.Add(2 * time.Hour), method: "Ground", tags: []int64{sst.QuiptTagID}})
	addOrder(w, seed{number: "T-old", created: windowStart.Add(-2 * time.Hour), method: "Ground", tags: []int64{sst.QuiptTagID}})
	addOrder(w, seed{number: "T-untagged", created: now.Add(-time.Hour), method: "Ground"})
	addOrder(w, seed{number: "T-othertag", created: now.Add(-time.Hour), method: "Ground", tags: []int64{sst.PriorityTagID}})

	job := newJob(w)
	job.TagID = sst.QuiptTagID
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		t.Fatal(err)
	}
	pos := purchaseOrdersByRef(t, w.Q)
	if _, ok := pos[ref(in)]; !ok || len(pos) != 1 {
		t.Fatalf("imported %v, want only %s", keys(pos), ref(in))
	}
	if w.SS.Count("GET", "/orders/listbytag") != 1 || w.SS.Count("GET", "/orders") != 0 {
		t.Errorf("listbytag calls = %d, /orders calls = %d; want 1 and 0",
			w.SS.Count("GET", "/orders/listbytag"), w.SS.Count("GET", "/orders"))
	}
}

// loseEveryNthCreateAnswer is a jobstest.Options.QuiptTransport that lets
// every nth purchase-order create reach Quipt but loses its answer on the
// way back: the client must retry, and Quipt must see a duplicate.
func loseEveryNthCreateAnswer(n int32) func(http.RoundTripper) http.RoundTripper {
	var creates atomic.Int32
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/v2/orders/purchase") || creates.Add(1)%n != 0 {
				return next.RoundTrip(r)
			}
			resp, err := next.RoundTrip(r)
			if err == nil {
				resp.Body.Close()
			}
			return nil, errors.New("connection reset by peer (test: answer lost after apply)")
		})
	}
}

// TestFaultsLoseAndDuplicateNothing injects every failure the upstreams are
// known for into one run: 500s and dropped connections on the order list,
// writes that were applied but whose answer was lost, 5xx and 429s from Quipt.
func TestFaultsLoseAndDuplicateNothing(t *testing.T) {
	// Every 50th purchase-order create reaches Quipt, but its answer is lost
	// on the way back: the client must retry, and Quipt must see a duplicate.
	w := newWorld(t, jobstest.Options{QuiptTransport: loseEveryNthCreateAnswer(50)})
	var want []sst.Order
	for i := range 1100 { // three pages of 500
		want = append(want, addOrder(w, seed{number: fmt.Sprintf("N-%04d", i), created: now.Add(-time.Duration(i) * time.Minute), method: "Ground"}))
	}
	w.SS.FailNext("/orders", 2, 500)
	w.SS.DropNext("/orders", 1)
	w.SS.DropAfterApply("/orders/assignuser", 1)
	w.SS.FailNext("/orders/assignuser", 1, 500)
	// Quipt's own faults land on the first create's attempts: at most five
	// failures, so the sixth attempt goes through.
	w.Q.FailNext("/v2/orders/purchase", 1, 503)
	w.Q.DropNext("/v2/orders/purchase", 1)
	w.Q.RateLimitNext(1, time.Second)
	w.Q.DropAfterApply("/v2/orders/purchase", 1)

	job := newJob(w)
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		t.Fatalf("run: %v", err)
	}
	pos := purchaseOrdersByRef(t, w.Q)
	if len(pos) != len(want) {
		t.Fatalf("Quipt holds %d purchase orders, want %d", len(pos), len(want))
	}
	for _, o := range want {
		if _, ok := pos[ref(o)]; !ok {
			t.Fatalf("order %s was lost", o.OrderNumber)
		}
		if n := w.SS.AssignCount(o.OrderID); n != 1 {
			t.Fatalf("order %s assigned %d times, want 1", o.OrderNumber, n)
		}
	}
	dups := 0
	for _, wr := range w.Q.Writes() {
		if wr.Duplicate {
			dups++
		}
	}
	if want := 1 + 1100/50; dups < want {
		t.Errorf("Quipt answered Duplicate %d times, want at least %d (one per write whose answer was lost)", dups, want)
	}
}

// TestInterruptedRunIsFinishedByTheNext stops a run half-way (Quipt keeps
// failing) and checks the next run completes the import without duplicates.
func TestInterruptedRunIsFinishedByTheNext(t *testing.T) {
	// Quipt accepts 10 creates, then is unreachable until healed.
	var creates atomic.Int32
	var healed atomic.Bool
	w := newWorld(t, jobstest.Options{QuiptTransport: func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/v2/orders/purchase") && !healed.Load() && creates.Add(1) > 10 {
				return nil, errors.New("connection refused (test)")
			}
			return next.RoundTrip(r)
		})
	}})
	for i := range 40 {
		addOrder(w, seed{number: fmt.Sprintf("I-%02d", i), created: now.Add(-time.Hour), method: "Ground"})
	}
	job := newJob(w)
	ctx := context.Background()
	if err := w.Run(ctx, jobs.NameGetOrders, job.Run); err == nil {
		t.Fatal("run with a failing Quipt succeeded, want an error")
	}
	if n := len(w.Q.PurchaseOrders()); n != 10 {
		t.Fatalf("after the interrupted run Quipt holds %d purchase orders, want 10", n)
	}
	if n := len(w.SS.AssignUserCalls()); n != 0 {
		t.Fatalf("an interrupted run assigned users (%d calls); it must assign only after a complete import", n)
	}
	healed.Store(true)
	if err := w.Run(ctx, jobs.NameGetOrders, job.Run); err != nil {
		t.Fatal(err)
	}
	if n := len(purchaseOrdersByRef(t, w.Q)); n != 40 {
		t.Fatalf("Quipt holds %d purchase orders, want 40", n)
	}
	calls := w.SS.AssignUserCalls()
	if len(calls) != 1 || len(calls[0].OrderIDs) != 40 {
		t.Fatalf("assignuser calls = %+v, want one call with all 40 orders", calls)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRateLimitIsNeverExceeded(t *testing.T) {
	const limit, window = 3, 500 * time.Millisecond
	w := newWorld(t, jobstest.Options{RateLimit: limit, RateWindow: window})
	for i := range 2600 { // six pages and one assignuser: three windows' worth
		addOrder(w, seed{number: fmt.Sprintf("R-%04d", i), created: now.Add(-time.Hour), method: "Ground"})
	}
	job := newJob(w)
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		t.Fatal(err)
	}
	if got := w.SS.MaxInWindowAll(window); got > limit {
		t.Errorf("%d requests within %v, limit %d", got, window, limit)
	}
	for _, r := range w.SS.Requests() {
		if r.Status == 429 {
			t.Errorf("request %s %s got a 429: the client did not pace itself", r.Method, r.Path)
		}
	}
	if n := len(purchaseOrdersByRef(t, w.Q)); n != 2600 {
		t.Errorf("imported %d orders, want 2600", n)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, seed{number: "DRY-1", created: now.Add(-time.Hour), method: "Ground"})
	addOrder(w, seed{number: "DRY-bad", created: now.Add(-time.Hour), method: "Ground", street: "-"})
	w.Env.DryRun = true
	job := newJob(w)
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		t.Fatal(err)
	}
	if n := len(w.Q.Writes()); n != 0 {
		t.Errorf("dry run made %d Quipt writes", n)
	}
	if n := len(w.SS.AssignUserCalls()); n != 0 {
		t.Errorf("dry run made %d assignuser calls", n)
	}
	rec, err := w.Store.Records(context.Background(), jobs.NSImported, []string{strconv.FormatInt(o.OrderID, 10)})
	if err != nil || len(rec) != 0 {
		t.Errorf("dry run recorded imports: %v %v", rec, err)
	}
	if dls, _ := w.Store.DeadLetters(context.Background(), ""); len(dls) != 0 {
		t.Errorf("dry run dead-lettered %d items", len(dls))
	}
	if len(w.Log.Events("would_create")) != 1 || len(w.Log.Events("would_assign")) != 1 {
		t.Errorf("dry run did not log the writes it would have made:\n%s", w.Log.String())
	}
	// The real run afterwards does everything.
	w.Env.DryRun = false
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		t.Fatal(err)
	}
	if _, ok := purchaseOrdersByRef(t, w.Q)[ref(o)]; !ok {
		t.Error("the real run after a dry run did not import the order")
	}
}

func TestBadInputIsDeadLetteredAndRetried(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	addOrder(w, seed{number: "REJ-1", created: now.Add(-time.Hour), method: "Ground"})
	addOrder(w, seed{number: "OK-1", created: now.Add(-time.Hour), method: "Ground"})
	w.SS.AddRawOrder(json.RawMessage(`{"orderId": 999001, "orderNumber": "BROKEN", "createDate": "yesterday-ish", "orderStatus": "awaiting_shipment"}`))
	// The second create is refused by Quipt as bad input.
	w.Q.FailNext("/v2/orders/purchase", 1, 400)
	job := newJob(w)
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		t.Fatalf("a bad item failed the run: %v", err)
	}
	dls, err := w.Store.DeadLetters(context.Background(), jobs.NameGetOrders)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, d := range dls {
		ids[d.ID] = d.Reason
	}
	if !strings.Contains(ids["shipstation-order:999001"], "malformed") {
		t.Errorf("malformed order not dead-lettered as such: %v", ids)
	}
	if len(purchaseOrdersByRef(t, w.Q)) != 1 || len(ids) != 2 {
		t.Fatalf("want one import and two dead letters, got %d imports and %v", len(w.Q.PurchaseOrders()), ids)
	}
	// Retry the dead-lettered order: the next run imports it.
	var parkedID string
	for id, reason := range ids {
		if strings.Contains(reason, "quipt rejected") {
			parkedID = id
		}
	}
	if parkedID == "" {
		t.Fatalf("no dead letter carries Quipt's rejection: %v", ids)
	}
	if ok, err := w.Store.RetryDeadLetter(context.Background(), jobs.NameGetOrders, parkedID); !ok || err != nil {
		t.Fatalf("retry: %v %v", ok, err)
	}
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		t.Fatal(err)
	}
	if n := len(purchaseOrdersByRef(t, w.Q)); n != 2 {
		t.Errorf("after the retry Quipt holds %d purchase orders, want 2", n)
	}
}

func keys[V any](m map[string]V) []string {
	return slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	})
}

// TestMalformedOrderIsDeadLetteredOnce: the second run over a page with a
// malformed order has nothing to do, and does nothing: no dead letter, no
// growing attempts.
func TestMalformedOrderIsDeadLetteredOnce(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	addOrder(w, seed{number: "OK-1", created: now.Add(-time.Hour), method: "Ground"})
	w.SS.AddRawOrder(json.RawMessage(`{"orderId": 999001, "orderNumber": "BROKEN", "createDate": "yesterday-ish", "orderStatus": "awaiting_shipment"}`))
	job := newJob(w)
	for range 2 {
		if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
			t.Fatal(err)
		}
	}
	dls := w.DeadLetters(t, jobs.NameGetOrders)
	if d, ok := dls["shipstation-order:999001"]; !ok || d.Attempts != 1 || len(dls) != 1 {
		t.Errorf("dead letters = %+v, want shipstation-order:999001 alone, attempts 1", dls)
	}
	if s := w.Log.LastSummary(); s["dead_lettered"] != 0.0 || s["skipped_parked"] != 1.0 || s["created"] != 0.0 {
		t.Errorf("second summary = %v, want dead_lettered 0, skipped_parked 1, created 0", s)
	}
}

// TestFiltersHoldWhenTheServerIgnoresThem: a ShipStation that ignores the
// status and createDateStart filters must not widen the import.
func TestFiltersHoldWhenTheServerIgnoresThem(t *testing.T) {
	strip := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		q := r.URL.Query()
		q.Del("createDateStart")
		q.Del("orderStatus")
		r.URL.RawQuery = q.Encode()
		return http.DefaultTransport.RoundTrip(r)
	})
	w := newWorld(t, jobstest.Options{ShipStationOptions: []shipstation.Option{
		shipstation.WithHTTPClient(&http.Client{Transport: strip, Timeout: 30 * time.Second}),
	}})
	in := addOrder(w, seed{number: "IN", created: windowStart.Add(3 * time.Hour), method: "Ground"})
	addOrder(w, seed{number: "OLD", created: windowStart.Add(-3 * time.Hour), method: "Ground"})
	addOrder(w, seed{number: "UNPAID", created: now.Add(-time.Hour), status: sst.StatusAwaitingPayment, method: "Ground"})
	if err := w.Run(context.Background(), jobs.NameGetOrders, newJob(w).Run); err != nil {
		t.Fatal(err)
	}
	pos := purchaseOrdersByRef(t, w.Q)
	if _, ok := pos[ref(in)]; !ok || len(pos) != 1 {
		t.Fatalf("imported %v, want only %s", keys(pos), ref(in))
	}
}

// TestAssignRefusedForEveryOrderFailsTheRunWithoutDeadLetters: when
// ShipStation refuses the assignment itself (here: a user it does not know),
// one single-order probe shows it, and the run fails instead of splitting the
// batch into a storm of calls and dead-lettering every order.
func TestAssignRefusedForEveryOrderFailsTheRunWithoutDeadLetters(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	for i := range 16 {
		addOrder(w, seed{number: fmt.Sprintf("U-%02d", i), created: now.Add(-time.Hour), method: "Ground"})
	}
	job := newJob(w)
	job.AssignUserID = "00000000-0000-0000-0000-00000000beef"
	err := w.Run(context.Background(), jobs.NameGetOrders, job.Run)
	if err == nil {
		t.Fatal("the run succeeded although no order could be assigned")
	}
	if n := w.SS.Count("POST", "/orders/assignuser"); n != 2 {
		t.Errorf("assignuser requests = %d, want 2 (the batch and one probe)", n)
	}
	if dls, _ := w.Store.DeadLetters(context.Background(), jobs.NameGetOrders); len(dls) != 0 {
		t.Errorf("%d orders dead-lettered for a refusal that was not theirs", len(dls))
	}
	if n := len(w.Q.PurchaseOrders()); n != 16 {
		t.Errorf("imported %d orders, want all 16 (the import stands; assignment is retried next run)", n)
	}
}

// TestRejectedCredentialsFailTheRunNotTheOrders: a 401 from Quipt says the
// credentials are wrong, not the order: the run stops and dead-letters nothing.
func TestRejectedCredentialsFailTheRunNotTheOrders(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	for i := range 3 {
		addOrder(w, seed{number: fmt.Sprintf("C-%d", i), created: now.Add(-time.Hour), method: "Ground"})
	}
	w.Q.FailNext("/v2/orders/purchase", 1, 401)
	if err := w.Run(context.Background(), jobs.NameGetOrders, newJob(w).Run); err == nil {
		t.Fatal("the run succeeded through a 401")
	}
	if dls, _ := w.Store.DeadLetters(context.Background(), jobs.NameGetOrders); len(dls) != 0 {
		t.Errorf("a 401 dead-lettered %d orders", len(dls))
	}
}

// TestRedisWipeReassignsNobody: after Redis lost every record, the next run
// duplicates no Quipt order and sends no assignuser: an order a person gave
// to someone else keeps that user (skipped_has_user), the orders shipsync
// assigned are seen to carry its user (already_assigned).
func TestRedisWipeReassignsNobody(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	var orders []sst.Order
	for i := range 3 {
		orders = append(orders, addOrder(w, seed{number: fmt.Sprintf("W-%d", i), created: now.Add(-time.Hour), method: "Ground"}))
	}
	job := newJob(w)
	ctx := context.Background()
	if err := w.Run(ctx, jobs.NameGetOrders, job.Run); err != nil {
		t.Fatal(err)
	}
	w.SS.UpdateOrder(orders[0].OrderID, func(o *sst.Order) { o.UserID = new(sst.SecondUserID) })
	w.Redis.Wipe()
	if err := w.Run(ctx, jobs.NameGetOrders, job.Run); err != nil {
		t.Fatal(err)
	}
	if n := w.SS.Count("POST", "/orders/assignuser"); n != 1 {
		t.Errorf("assignuser requests = %d, want 1 (the first run's only)", n)
	}
	if o, _ := w.SS.Order(orders[0].OrderID); o.UserID == nil || *o.UserID != sst.SecondUserID {
		t.Errorf("the order a person reassigned has user %v, want %s", o.UserID, sst.SecondUserID)
	}
	if n := len(purchaseOrdersByRef(t, w.Q)); n != 3 {
		t.Errorf("Quipt holds %d purchase orders, want 3", n)
	}
	s := w.Log.LastSummary()
	if s["skipped_has_user"] != 1.0 || s["already_assigned"] != 2.0 || s["assigned"] != nil {
		t.Errorf("summary = %v, want skipped_has_user 1, already_assigned 2, nothing assigned", s)
	}
}

// TestOrderWithAUserIsNotAssigned: an order a person assigned before the
// import keeps its user.
func TestOrderWithAUserIsNotAssigned(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	mine := addOrder(w, seed{number: "H-1", created: now.Add(-time.Hour), method: "Ground"})
	theirs := addOrder(w, seed{number: "H-2", created: now.Add(-time.Hour), method: "Ground"})
	w.SS.UpdateOrder(theirs.OrderID, func(o *sst.Order) { o.UserID = new(sst.SecondUserID) })
	if err := w.Run(context.Background(), jobs.NameGetOrders, newJob(w).Run); err != nil {
		t.Fatal(err)
	}
	calls := w.SS.AssignUserCalls()
	if len(calls) != 1 || !slices.Equal(calls[0].OrderIDs, []int64{mine.OrderID}) {
		t.Errorf("assignuser calls = %+v, want one for order %d only", calls, mine.OrderID)
	}
	if s := w.Log.LastSummary(); s["skipped_has_user"] != 1.0 || s["assigned"] != 1.0 {
		t.Errorf("summary = %v, want skipped_has_user 1, assigned 1", s)
	}
}
