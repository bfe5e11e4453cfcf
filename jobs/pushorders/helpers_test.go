package pushorders

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/mapping"
)

// now is the world's fixed start time.
var now = time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)

const ackEndpoint = "/v2/orders/fulfillment/acknowledge"

// newWorld is a world whose Quipt client allows QUIPT_CONCURRENCY's
// default, 8 requests in flight, so the acknowledgements are applied 8 at a
// time (options o.QuiptOptions come after, and may set another).
func newWorld(t testing.TB, o jobstest.Options) *jobstest.World {
	o.Start = now
	o.QuiptOptions = append([]quipt.Option{quipt.WithConcurrency(8)}, o.QuiptOptions...)
	return jobstest.New(t, o)
}

func selector() mapping.Selector {
	return mapping.Selector{
		Mappings: []mapping.Mapping{
			{Method: "Next Day Air", Carrier: mapping.UPS, Service: "ups_next_day_air", Package: "package", Confirmation: "signature",
				BillToParty: "third_party", BillToAccount: "A1B2C3", BillToPostalCode: "78701", BillToCountryCode: "US"},
			{Method: "Ground", Carrier: mapping.FedEx, Service: "fedex_ground"},
			{Method: "Priority", Carrier: mapping.USPS, Service: "usps_priority_mail"},
		},
		Preferred:      mapping.UPS,
		DefaultService: "ups_ground",
		DefaultEnabled: true,
		USPSEnabled:    true,
	}
}

func newJob(w *jobstest.World) *PushOrders {
	return &PushOrders{
		Env:           w.Env,
		ChannelStores: map[string]int64{"Web Store": sst.DefaultStoreID, "Amazon": sst.AmazonStoreID},
		Warehouses:    map[string]int64{"AUS1": sst.AustinWarehouseID, "RNO1": sst.RenoWarehouseID},
		Selector:      selector(),
	}
}

// seed describes a Quipt fulfillment order; zero fields get defaults.
type seed struct {
	number    string
	channel   string
	warehouse string // "-" for none
	method    string
	carrier   string
	service   string
	status    int
	subStatus int
	ref       string
}

func addOrder(w *jobstest.World, s seed) quipttest.Order {
	if s.channel == "" {
		s.channel = "Web Store"
	}
	switch s.warehouse {
	case "":
		s.warehouse = "AUS1"
	case "-":
		s.warehouse = ""
	}
	if s.method == "" {
		s.method = "Ground"
	}
	o := quipttest.Order{
		OrderNumber: s.number,
		Status:      s.status,
		SubStatus:   s.subStatus,
		Channel:     quipttest.Channel{ID: "c-" + s.channel, Name: s.channel},
		Customer:    quipttest.Customer{Name: "Dana Ruiz", Email: "dana@example.com", Phone: "555-0100"},
		ShipTo: quipttest.Address{Name: "Dana Ruiz", Company: new("Ruiz & Co"), Address1: "12 Elm St", Address2: new("Apt 4"),
			City: "Austin", State: "TX", PostalCode: "78701", Country: "US", Phone: "555-0100", Residential: new(true)},
		Lines: []quipttest.Line{
			{SKU: "CASE-IP15-BLK", VendorSKU: "V-CASE-15", Name: "Case", Quantity: 2, UnitPrice: 19.99},
			{SKU: "CABLE-USBC-1M", Name: "Cable", Quantity: 1, UnitPrice: 9.5},
		},
		Shipping:      quipttest.Shipping{RequestedMethod: s.method},
		WarehouseCode: s.warehouse,
		Totals:        quipttest.Totals{Subtotal: 49.48, Tax: 3.3, Shipping: 5, Total: 57.78},
	}
	if s.status == 0 {
		o.Status = quipt.StatusOpen
	}
	if s.carrier != "" {
		o.Shipping.CarrierCode, o.Shipping.CarrierMethod = new(s.carrier), new(s.service)
	}
	if s.ref != "" {
		o.PartnerReference = new(s.ref)
	}
	return w.Q.AddFulfillmentOrder(o)
}

func addOrders(w *jobstest.World, n int, prefix string) []quipttest.Order {
	out := make([]quipttest.Order, n)
	for i := range out {
		out[i] = addOrder(w, seed{number: fmt.Sprintf("%s-%04d", prefix, i)})
	}
	return out
}

func key(o quipttest.Order) string { return jobs.PushedKeyPrefix + o.ID }

func run(t testing.TB, w *jobstest.World, job *PushOrders) {
	t.Helper()
	if err := w.Run(context.Background(), jobs.NamePushOrders, job.Run); err != nil {
		t.Fatalf("run: %v", err)
	}
}

// ssOrders returns ShipStation's orders by orderKey, failing the test when a
// key is held twice.
func ssOrders(t testing.TB, w *jobstest.World) map[string]sst.Order {
	t.Helper()
	out := map[string]sst.Order{}
	for _, o := range w.SS.Orders() {
		if _, dup := out[o.OrderKey]; dup {
			t.Fatalf("ShipStation holds two orders with key %s", o.OrderKey)
		}
		out[o.OrderKey] = o
	}
	return out
}

// ackWrites counts the acknowledge writes Quipt answered: applied ones and
// duplicates.
func ackWrites(w *jobstest.World) (applied, duplicates int) {
	for _, wr := range w.Q.Writes() {
		if wr.Endpoint != ackEndpoint {
			continue
		}
		if wr.Duplicate {
			duplicates++
		} else {
			applied++
		}
	}
	return applied, duplicates
}

// requireAckedOnce checks every order was accepted exactly once in Quipt.
func requireAckedOnce(t testing.TB, w *jobstest.World, orders []quipttest.Order) {
	t.Helper()
	for _, o := range orders {
		acks := w.Q.Acknowledgements(o.ID)
		if len(acks) != 1 || acks[0].Status != quipt.AckAccepted {
			t.Fatalf("order %s: acknowledgements %+v, want exactly one acceptance", o.OrderNumber, acks)
		}
	}
}

// requireNotSent checks that an order is not in ShipStation, not
// acknowledged and still Open in Quipt.
func requireNotSent(t testing.TB, w *jobstest.World, o quipttest.Order) {
	t.Helper()
	if _, ok := w.SS.OrderByKey(key(o)); ok {
		t.Errorf("order %s was sent to ShipStation", o.OrderNumber)
	}
	if acks := w.Q.Acknowledgements(o.ID); len(acks) != 0 {
		t.Errorf("order %s was acknowledged: %+v", o.OrderNumber, acks)
	}
	if got, _ := w.Q.FulfillmentOrder(o.ID); got.Status != o.Status {
		t.Errorf("order %s: status %d, want it left at %d", o.OrderNumber, got.Status, o.Status)
	}
}

func deadLetters(t testing.TB, w *jobstest.World) map[string]string {
	t.Helper()
	out := map[string]string{}
	for id, d := range w.DeadLetters(t, jobs.NamePushOrders) {
		out[id] = d.Reason
	}
	return out
}

func record(t testing.TB, w *jobstest.World, id string) (pushRecord, bool) {
	t.Helper()
	recs, err := w.Store.Records(context.Background(), jobs.NSPushed, []string{id})
	if err != nil {
		t.Fatal(err)
	}
	if recs[id] == "" {
		return pushRecord{}, false
	}
	r, err := decodeRecord(recs[id])
	if err != nil {
		t.Fatal(err)
	}
	return r, true
}

func summaryInt(t testing.TB, w *jobstest.World, field string) int {
	t.Helper()
	s := w.Log.LastSummary()
	if s == nil {
		t.Fatal("no run summary logged")
	}
	v, _ := s[field].(float64)
	return int(v)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func isAck(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, ackEndpoint)
}

// pushedOne pushes one order seeded by s in a new world and returns them and
// the job.
func pushedOne(t testing.TB, s seed) (*jobstest.World, quipttest.Order, *PushOrders) {
	t.Helper()
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, s)
	job := newJob(w)
	run(t, w, job)
	return w, o, job
}

// ssOrderID is the ShipStation orderId of o.
func ssOrderID(t testing.TB, w *jobstest.World, o quipttest.Order) int64 {
	t.Helper()
	ss, ok := w.SS.OrderByKey(key(o))
	if !ok {
		t.Fatalf("ShipStation does not hold order %s", o.OrderNumber)
	}
	return ss.OrderID
}

// editAsAPerson sets on o's ShipStation order what a person sets there: a
// weight, dimensions, a tag, a hold (until the time it returns) and a note.
func editAsAPerson(t testing.TB, w *jobstest.World, o quipttest.Order) (holdUntil time.Time) {
	t.Helper()
	holdUntil = now.Add(72 * time.Hour).Truncate(time.Second)
	w.SS.UpdateOrder(ssOrderID(t, w, o), func(s *sst.Order) {
		s.Weight = &sst.Weight{Value: 42, Units: "ounces"}
		s.Dimensions = &sst.Dimensions{Units: "inches", Length: 12, Width: 8, Height: 4}
		s.TagIDs = []int64{sst.PriorityTagID}
		s.OrderStatus = sst.StatusOnHold
		s.HoldUntilDate = holdUntil
		s.InternalNotes = new("fragile: double box")
	})
	return holdUntil
}

// keepsPersonsEdits fails t unless got holds Quipt's new street ("77 New
// Rd") and every field editAsAPerson set.
func keepsPersonsEdits(t testing.TB, got sst.Order, holdUntil time.Time) {
	t.Helper()
	if jobs.Value(got.ShipTo.Street1) != "77 New Rd" {
		t.Errorf("street %q, want Quipt's new address", jobs.Value(got.ShipTo.Street1))
	}
	if got.Weight == nil || got.Weight.Value != 42 || got.Weight.Units != "ounces" {
		t.Errorf("weight %+v, want the person's 42 ounces", got.Weight)
	}
	if got.Dimensions == nil || got.Dimensions.Length != 12 {
		t.Errorf("dimensions %+v, want the person's", got.Dimensions)
	}
	if !slices.Equal(got.TagIDs, []int64{sst.PriorityTagID}) {
		t.Errorf("tags %v, want the person's", got.TagIDs)
	}
	if got.OrderStatus != sst.StatusOnHold || !got.HoldUntilDate.Equal(holdUntil) {
		t.Errorf("status %s until %s, want on_hold until %s", got.OrderStatus, got.HoldUntilDate, holdUntil)
	}
	if jobs.Value(got.InternalNotes) != "fragile: double box" {
		t.Errorf("internal notes %q, want the person's", jobs.Value(got.InternalNotes))
	}
}
