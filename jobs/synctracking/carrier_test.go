package synctracking

import (
	"strconv"
	"strings"
	"testing"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// TestFulfillmentCarrierFromFreeText: the carrierCode of /fulfillments is
// free text as entered (docs/shipstation-api.md §4.3). A carrier name
// followed by a service is that carrier; an empty or unknown one falls back
// to the ShipStation order's carrierCode (read only then), then to the Quipt
// order's Shipping.CarrierCode; only a fulfillment none of them names a
// carrier for is dead-lettered.
func TestFulfillmentCarrierFromFreeText(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	cases := []carrierCase{
		{name: "fedex-ground", text: "FedEx Ground", want: "FDX"},
		{name: "ups-ground", text: "UPS Ground", want: "UPS"},
		{name: "usps-priority", text: "USPS Priority Mail", want: "USPS"},
		{name: "fedex-code", text: "FEDEX_GROUND", want: "FDX"},
		{name: "dhl-ecommerce", text: "DHL eCommerce", want: "DHL"},
		{name: "plain-usps", text: "USPS", want: "USPS"},
		{name: "empty-ss-order", text: "", ssCarrier: "fedex", want: "FDX"},
		{name: "unknown-ss-order", text: "Pigeon Post", ssCarrier: "stamps_com", qCode: "UPS", want: "USPS"},
		{name: "unknown-quipt-order", text: "Pigeon Post", qCode: "UPS", want: "UPS"},
		{name: "empty-quipt-order", text: "", ssCarrier: "ontrac", qCode: "FDX", want: "FDX"},
		{name: "none", text: "", want: ""},
		{name: "unknown-none", text: "OnTrac", ssCarrier: "ontrac", want: ""},
	}
	var all []seededCarrier
	for _, c := range cases {
		qo, so := pushed(t, w, "F-"+c.name, line{"CASE", 1})
		if c.ssCarrier != "" {
			w.SS.UpdateOrder(so.OrderID, func(o *sst.Order) { o.CarrierCode = new(c.ssCarrier) })
		}
		if c.qCode != "" {
			if err := w.Q.UpdateFulfillmentOrder(qo.ID, func(o *quipttest.Order) { o.Shipping.CarrierCode = new(c.qCode) }); err != nil {
				t.Fatal(err)
			}
		}
		f := w.SS.AddFulfillment(sst.Fulfillment{OrderID: so.OrderID, CarrierCode: c.text, TrackingNumber: "TRK-" + c.name})
		all = append(all, seededCarrier{carrierCase: c, qid: qo.ID, f: f})
	}
	run(t, w, newJob(w))

	dls := deadLetters(t, w)
	orderReads := 0
	for _, s := range all {
		orderReads += checkCarrier(t, w, s, dls)
	}
	if orderReads != 6 {
		t.Errorf("ShipStation order reads = %d, want 6 (one per fulfillment without a known carrier)", orderReads)
	}
	if len(dls) != 2 {
		t.Errorf("dead letters = %v, want 2", dls)
	}
}

// carrierCase is a fulfillment's free-text carrier, with its orders' own
// carriers when set, and the Quipt carrier code wanted ("" = dead-lettered).
type carrierCase struct {
	name, text       string
	ssCarrier, qCode string
	want             string
}

// seededCarrier is a carrierCase as seeded: its Quipt order and fulfillment.
type seededCarrier struct {
	carrierCase
	qid string
	f   sst.Fulfillment
}

// checkCarrier checks what the run made of one seeded fulfillment and
// returns how often it read the fulfillment's ShipStation order.
func checkCarrier(t *testing.T, w *jobstest.World, s seededCarrier, dls map[string]string) (orderReads int) {
	t.Helper()
	key := fulfillmentKey(s.f)
	sh, shipped := shipments(t, w, s.qid)[key]
	switch {
	case s.want == "":
		if shipped {
			t.Errorf("%s (%q) shipped as %q, want dead-lettered", s.name, s.text, sh.CarrierCode)
		}
		if !strings.Contains(dls[key], "unknown carrier") {
			t.Errorf("%s: dead letter = %q, want unknown carrier", s.name, dls[key])
		}
	case !shipped:
		t.Errorf("%s (%q) not shipped (dead letter %q), want carrier %s", s.name, s.text, dls[key], s.want)
	case sh.CarrierCode != s.want:
		t.Errorf("%s (%q) shipped with carrier %q, want %q", s.name, s.text, sh.CarrierCode, s.want)
	}
	n := w.SS.Count("GET", "/orders/"+strconv.FormatInt(s.f.OrderID, 10))
	if fallback := s.text == "" || s.text == "Pigeon Post" || s.text == "OnTrac"; !fallback && n != 0 {
		t.Errorf("%s: read the ShipStation order %d times, want 0 (its own carrier is known)", s.name, n)
	}
	return n
}
