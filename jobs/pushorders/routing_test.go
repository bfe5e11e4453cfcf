package pushorders

import (
	"strings"
	"testing"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/mapping"
)

func TestSingleStoreRoutesEveryOrder(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	web := addOrder(w, seed{number: "S-web", channel: "Web Store"})
	other := addOrder(w, seed{number: "S-ebay", channel: "eBay"})
	job := newJob(w)
	job.SingleStoreID = sst.AmazonStoreID
	run(t, w, job)

	got := ssOrders(t, w)
	for _, o := range []string{key(web), key(other)} {
		if s := got[o].AdvancedOptions.StoreID; s == nil || *s != sst.AmazonStoreID {
			t.Errorf("%s: storeId = %v, want %d", o, s, sst.AmazonStoreID)
		}
	}
	if len(got) != 2 {
		t.Errorf("ShipStation holds %d orders, want 2", len(got))
	}
}

func TestRoutesByChannelWarehouseAndCarrier(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	w.Env.USPSCode = "usps"
	type want struct {
		store, warehouse   int64 // 0: none
		carrier, service   string
		pkg, confirm, bill string
	}
	mapped := addOrder(w, seed{number: "R-mapped", method: "Next Day Air"})
	fuzzy := addOrder(w, seed{number: "R-fuzzy", channel: "  amazon ", warehouse: "RNO1", method: "  GROUND \t"})
	own := addOrder(w, seed{number: "R-own", warehouse: "-", method: "Whatever", carrier: "FDX", service: "fedex_2day"})
	fallback := addOrder(w, seed{number: "R-default", method: "Economy"})
	usps := addOrder(w, seed{number: "R-usps", method: "Priority"})
	cases := map[string]want{
		key(mapped):   {sst.DefaultStoreID, sst.AustinWarehouseID, "ups", "ups_next_day_air", "package", "signature", "third_party"},
		key(fuzzy):    {sst.AmazonStoreID, sst.RenoWarehouseID, "fedex", "fedex_ground", "", "", ""},
		key(own):      {sst.DefaultStoreID, 0, "fedex", "fedex_2day", "", "", ""},
		key(fallback): {sst.DefaultStoreID, sst.AustinWarehouseID, "ups", "ups_ground", "", "", ""},
		key(usps):     {sst.DefaultStoreID, sst.AustinWarehouseID, "usps", "usps_priority_mail", "", "", ""},
	}
	badWarehouse := addOrder(w, seed{number: "R-badwh", warehouse: "DAL9"})
	badChannel := addOrder(w, seed{number: "R-badch", channel: "eBay"})

	run(t, w, newJob(w))

	got := ssOrders(t, w)
	if len(got) != len(cases) {
		t.Fatalf("ShipStation holds %d orders, want %d", len(got), len(cases))
	}
	for k, wt := range cases {
		o, ok := got[k]
		if !ok {
			t.Errorf("%s was not pushed", k)
			continue
		}
		ao := o.AdvancedOptions
		g := want{
			store: jobs.Value(ao.StoreID), warehouse: jobs.Value(ao.WarehouseID),
			carrier: jobs.Value(o.CarrierCode), service: jobs.Value(o.ServiceCode),
			pkg: jobs.Value(o.PackageCode), confirm: jobs.Value(o.Confirmation), bill: jobs.Value(ao.BillToParty),
		}
		if g != wt {
			t.Errorf("%s routed as %+v, want %+v", k, g, wt)
		}
	}
	if ao := got[key(mapped)].AdvancedOptions; jobs.Value(ao.BillToAccount) != "A1B2C3" || jobs.Value(ao.BillToPostalCode) != "78701" || jobs.Value(ao.BillToCountryCode) != "US" {
		t.Errorf("third-party billing of the mapping not sent: %+v", ao)
	}

	dls := deadLetters(t, w)
	if r := dls[badWarehouse.ID]; r != `unknown warehouse "DAL9": add it to WAREHOUSES` {
		t.Errorf("unknown warehouse dead letter = %q", r)
	}
	if r := dls[badChannel.ID]; r != `unknown channel "eBay": add it to CHANNEL_STORES or set SINGLE_STORE_ID` {
		t.Errorf("unknown channel dead letter = %q", r)
	}
	requireNotSent(t, w, badWarehouse)
	requireNotSent(t, w, badChannel)
	if n := summaryInt(t, w, "created"); n != len(cases) {
		t.Errorf("summary created = %d, want %d", n, len(cases))
	}
	if n := summaryInt(t, w, "dead_lettered"); n != 2 {
		t.Errorf("summary dead_lettered = %d, want 2", n)
	}
}

func TestCarrierFallbacks(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*mapping.Selector)
		method  string
		carrier string // "" when the order must be dead-lettered
		service string
	}{
		{"usps disabled falls back to the default", func(s *mapping.Selector) { s.USPSEnabled = false }, "Priority", "ups", "ups_ground"},
		{"usps default code when the account's is unknown", func(*mapping.Selector) {}, "Priority", mapping.DefaultUSPSCode, "usps_priority_mail"},
		{"no mapping, no own carrier, no default", func(s *mapping.Selector) { s.DefaultEnabled = false }, "Economy", "", ""},
		{"usps disabled and the default is usps", func(s *mapping.Selector) { s.USPSEnabled, s.Preferred = false, mapping.USPS }, "Priority", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, jobstest.Options{})
			o := addOrder(w, seed{number: "C-1", method: tc.method})
			job := newJob(w)
			tc.change(&job.Selector)
			run(t, w, job)
			if tc.carrier == "" {
				requireNotSent(t, w, o)
				if r := deadLetters(t, w)[o.ID]; !strings.HasPrefix(r, "no carrier") {
					t.Errorf("dead letter reason = %q, want it to start with \"no carrier\"", r)
				}
				return
			}
			got, ok := w.SS.OrderByKey(key(o))
			if !ok {
				t.Fatal("order not pushed")
			}
			if c, s := jobs.Value(got.CarrierCode), jobs.Value(got.ServiceCode); c != tc.carrier || s != tc.service {
				t.Errorf("carrier/service = %s/%s, want %s/%s", c, s, tc.carrier, tc.service)
			}
		})
	}
}

func TestStatusesPushed(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	open := addOrder(w, seed{number: "P-open"})
	pending := addOrder(w, seed{number: "P-pending", status: quipt.StatusPending})
	hold := addOrder(w, seed{number: "P-hold", subStatus: quipt.SubStatusHold})
	softCancelled := addOrder(w, seed{number: "P-softcancel", subStatus: quipt.SubStatusSoftCancel})
	job := newJob(w)

	run(t, w, job)
	if _, ok := w.SS.OrderByKey(key(pending)); ok {
		t.Fatal("a Pending order was pushed without IncludePending")
	}
	requireNotSent(t, w, softCancelled)
	if n := summaryInt(t, w, "skipped_cancelling"); n != 1 {
		t.Errorf("skipped_cancelling = %d, want 1", n)
	}

	job.IncludePending = true
	run(t, w, job)
	for o, status := range map[string]string{
		key(open): sst.StatusAwaitingShipment, key(pending): sst.StatusAwaitingPayment, key(hold): sst.StatusOnHold,
	} {
		got, ok := w.SS.OrderByKey(o)
		if !ok || got.OrderStatus != status {
			t.Errorf("%s: pushed %v with status %q, want %q", o, ok, got.OrderStatus, status)
		}
	}
	if n := len(w.SS.CreateOrdersCalls()); n != 2 {
		t.Errorf("createorders calls = %d, want 2 (the second run sends only the Pending order)", n)
	} else if calls := w.SS.CreateOrdersCalls(); len(calls[1]) != 1 || calls[1][0] != key(pending) {
		t.Errorf("second run sent %v, want only %s", calls[1], key(pending))
	}
	requireAckedOnce(t, w, []quipttest.Order{open, pending, hold})

	// Validated: the order becomes Open and is updated, not acknowledged again.
	if err := w.Q.SetStatus(pending.ID, quipt.StatusOpen, 0); err != nil {
		t.Fatal(err)
	}
	run(t, w, job)
	if got, _ := w.SS.OrderByKey(key(pending)); got.OrderStatus != sst.StatusAwaitingShipment {
		t.Errorf("validated order has status %q in ShipStation, want %q", got.OrderStatus, sst.StatusAwaitingShipment)
	}
	if u := summaryInt(t, w, "updated"); u != 1 {
		t.Errorf("summary updated = %d, want 1", u)
	}
	requireAckedOnce(t, w, []quipttest.Order{pending})
}

func TestGetOrdersPurchaseOrdersAreNotPushed(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	mine := addOrder(w, seed{number: "L-from-shipstation", ref: jobs.PartnerRefPrefix + "512874301"})
	theirs := addOrder(w, seed{number: "L-partner", ref: "amazon:114-3941689"})
	run(t, w, newJob(w))
	requireNotSent(t, w, mine)
	if _, ok := w.SS.OrderByKey(key(theirs)); !ok {
		t.Error("an order with another partner's reference was not pushed")
	}
	if n := summaryInt(t, w, "skipped_own"); n != 1 {
		t.Errorf("skipped_own = %d, want 1", n)
	}
}
