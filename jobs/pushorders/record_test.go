package pushorders

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// TestRecordEncodeIsMarshal checks that the hand-written encode writes the
// bytes json.Marshal writes for the same record.
func TestRecordEncodeIsMarshal(t *testing.T) {
	version := time.Date(2026, 3, 2, 17, 1, 2, 123456789, time.UTC)
	pacific := time.FixedZone("PST", -8*3600)
	groups := groupHashes(&shipstation.Order{OrderNumber: "Q-1", OrderKey: "quipt:1", TagIDs: []int64{3, 1}})
	// As many names as there are groups, one of them not a group's.
	otherNames := maps.Clone(groups)
	delete(otherNames, "items")
	otherNames["zz_not_a_group"] = "0123"
	for name, r := range map[string]pushRecord{
		"zero":          {},
		"new":           {Hash: "ab12", Version: version, SSOrderID: 81234, Groups: groups},
		"acked":         {Hash: "ab12", Version: version.In(pacific), SSOrderID: 81234, Acked: true, PushedAt: version.Add(time.Second), Groups: groups},
		"quipt":         {Hash: "ab12", Version: version, SSOrderID: -1, Groups: groups, Quipt: map[string]string{"weight": "0011", "items": "ff"}},
		"empty maps":    {Hash: "ab12", Groups: map[string]string{}, Quipt: map[string]string{}},
		"other names":   {Hash: "ab12", Groups: otherNames, Quipt: otherNames},
		"escapes":       {Hash: "<a&b>\"\\\n\u2028é\xff", Groups: map[string]string{"ü": "\t", "<": ">", "": ""}},
		"whole seconds": {Hash: "x", Version: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), PushedAt: time.Unix(1, 0).In(pacific)},
	} {
		t.Run(name, func(t *testing.T) {
			checkEncodeIsMarshal(t, r)
		})
	}
}

// FuzzRecordEncode checks encode against json.Marshal on any text.
func FuzzRecordEncode(f *testing.F) {
	f.Add("ab12", "ship_to", "0123456789abcdef", int64(1772470862123456789), int64(81234), true)
	f.Add("<&>", "\u2028", "\xff\"\\", int64(0), int64(-1), false)
	f.Fuzz(func(t *testing.T, hash, key, value string, nanos, id int64, acked bool) {
		at := time.Unix(0, nanos).UTC()
		checkEncodeIsMarshal(t, pushRecord{Hash: hash, Version: at, SSOrderID: id, Acked: acked, PushedAt: at,
			Groups: map[string]string{key: value, "other": hash}, Quipt: map[string]string{value: key}})
	})
}

func checkEncodeIsMarshal(t *testing.T, r pushRecord) {
	t.Helper()
	want, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.encode()
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("encode:\n%s\njson.Marshal:\n%s", got, want)
	}
}

// TestContentHashIsTheHashOfMarshal checks that the content hash of orders
// built from Quipt orders is the SHA-256 of their json.Marshal, as it was
// before the encoding was written by hand: the push records keep these
// hashes, and a change would send every order again.
func TestContentHashIsTheHashOfMarshal(t *testing.T) {
	job := newJob(newWorld(t, jobstest.Options{}))
	company, carrier, method, yes := "Ruiz & Co <HQ>", "ups", "ups_ground", true
	// One scratch buffer for every order, as a run hashes them.
	var scratch []byte
	for _, o := range []quipt.Order{
		{ID: "q1", OrderNumber: "Q-1", Status: quipt.StatusOpen, Channel: quipt.Channel{Name: "Web Store"},
			ShipTo:   quipt.Address{Name: "Dana", Address1: "12 Elm", City: "Austin", State: "TX", PostalCode: "78701", Country: "US"},
			Lines:    []quipt.Line{{ID: "l1", SKU: "CASE", Name: "Case", Quantity: 2, UnitPrice: 19.99}},
			Shipping: quipt.Shipping{RequestedMethod: "Ground"}, WarehouseCode: "AUS1",
			UpdatedAt: time.Date(2026, 3, 2, 17, 1, 2, 0, time.UTC)},
		{ID: "q2", OrderNumber: "Q-2 é", Status: quipt.StatusOpen, Channel: quipt.Channel{Name: "Amazon"},
			Customer: quipt.Customer{Name: "Ana", Email: "ANA@EXAMPLE.COM", Phone: "555"},
			ShipTo: quipt.Address{Name: "Ana", Company: &company, Address1: "1 Main", City: "Boise", State: "ID",
				PostalCode: "83702", Country: "US", Residential: &yes},
			Lines: []quipt.Line{{ID: "a", SKU: "S1", Name: "One", Quantity: 1, UnitPrice: 1e-7},
				{ID: "b", SKU: "S2", VendorSKU: "V2", Name: "Two", Quantity: 3, UnitPrice: 12.345}},
			Shipping: quipt.Shipping{RequestedMethod: "Express", CarrierCode: &carrier, CarrierMethod: &method},
			Totals:   quipt.Totals{Subtotal: 37.03, Tax: 3.3, Shipping: 5, Total: 45.33}, WarehouseCode: "AUS1"},
	} {
		ss, reason := job.shipStationOrder(o)
		if reason != "" {
			t.Fatalf("order %s: %s", o.ID, reason)
		}
		raw, err := json.Marshal(ss)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		got, err := contentHash(&ss, &scratch)
		if err != nil || got != hex.EncodeToString(sum[:]) {
			t.Errorf("order %s: contentHash = %s, %v; the SHA-256 of json.Marshal is %x\n%s", o.ID, got, err, sum, raw)
		}
	}
}
