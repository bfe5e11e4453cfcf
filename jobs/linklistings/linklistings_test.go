package linklistings

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/metrics"
)

var now = time.Date(2026, 11, 5, 18, 0, 0, 0, time.UTC)

const inventoryPath = "/v2/inventory/physical/{pageSize}/{pageNumber}"

func newWorld(t testing.TB) *jobstest.World {
	return jobstest.New(t, jobstest.Options{Start: now})
}

func product(w *jobstest.World, id int64, sku string) sst.Product {
	return w.SS.AddProduct(sst.Product{ProductID: id, SKU: sku, Name: "Product " + sku})
}

func inventory(w *jobstest.World, id, sku, warehouse string) {
	w.Q.AddInventory(quipttest.InventoryItem{ID: id, SKU: sku, Name: "Item " + sku, Quantity: 5, WarehouseCode: warehouse})
}

func run(t *testing.T, w *jobstest.World, job *LinkListings) {
	t.Helper()
	if err := w.Run(context.Background(), jobs.NameLinkListings, job.Run); err != nil {
		t.Fatalf("run: %v", err)
	}
}

// stored returns every stored link, decoded.
func stored(t *testing.T, w *jobstest.World) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for kv, err := range w.Store.AllRecords(context.Background(), jobs.NSListings) {
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(kv[1]), &v); err != nil {
			t.Fatalf("link %s = %q: %v", kv[0], kv[1], err)
		}
		out[kv[0]] = v
	}
	return out
}

func lnk(ssID float64, qID, sku string) map[string]any {
	return map[string]any{"ss_product_id": ssID, "quipt_inventory_id": qID, "sku": sku}
}

// mixed seeds a catalogue where case and space variants link, each side
// lists one SKU twice, and an inactive ShipStation product does not count.
func mixed(w *jobstest.World) {
	product(w, 101, "CASE-1")
	product(w, 102, " case-2 ")
	product(w, 103, "Cable-3")
	product(w, 104, "SS-ONLY-B")
	product(w, 105, "SS-ONLY-A")
	product(w, 106, "case-1") // duplicate of 101 on the ShipStation side
	w.SS.AddProduct(sst.Product{ProductID: 107, SKU: "RETIRED-9", Active: new(false)})
	inventory(w, "inv-1", "case-1", "AUS1")
	inventory(w, "inv-2b", "CASE-2", "RNO1")
	inventory(w, "inv-2a", "CASE-2", "AUS1") // the same SKU in a second warehouse
	inventory(w, "inv-3", "CABLE-3\t", "AUS1")
	inventory(w, "inv-4", "Q-ONLY-A", "AUS1")
	inventory(w, "inv-5", "RETIRED-9", "AUS1")
}

func TestReportsLinkedAndUnlinkedSKUs(t *testing.T) {
	w := newWorld(t)
	mixed(w)
	reg := prometheus.NewRegistry()
	w.Env.Metrics = metrics.New(reg)
	run(t, w, &LinkListings{Env: w.Env})

	sum := w.Log.LastSummary()
	for k, v := range map[string]float64{"linked": 3, "shipstation_only": 2, "quipt_only": 2, "duplicate_skus": 2, "created": 3, "seen": 12} {
		if sum[k] != v {
			t.Errorf("summary %s = %v, want %v (summary %v)", k, sum[k], v, sum)
		}
	}
	// The summary line itself names the unlinked SKUs, sorted, all of them.
	if d := cmp.Diff([]any{"SS-ONLY-A", "SS-ONLY-B"}, sum["shipstation_only_skus"]); d != "" {
		t.Errorf("summary shipstation_only_skus (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]any{"Q-ONLY-A", "RETIRED-9"}, sum["quipt_only_skus"]); d != "" {
		t.Errorf("summary quipt_only_skus (-want +got):\n%s", d)
	}
	for _, k := range []string{"shipstation_only_skus_more", "quipt_only_skus_more"} {
		if v, ok := sum[k]; ok {
			t.Errorf("summary %s = %v, want it absent when nothing was left off", k, v)
		}
	}
	if n := len(w.Log.Events("listings_report")); n != 0 {
		t.Errorf("%d listings_report events: the report is the summary line", n)
	}
	if dups := w.Log.Events("duplicate_skus"); len(dups) != 2 {
		t.Errorf("duplicate_skus warnings = %v, want one per side", dups)
	}

	want := map[string]map[string]any{
		"CASE-1":  lnk(101, "inv-1", "CASE-1"),
		"CASE-2":  lnk(102, "inv-2a", " case-2 "),
		"CABLE-3": lnk(103, "inv-3", "Cable-3"),
	}
	if d := cmp.Diff(want, stored(t, w)); d != "" {
		t.Errorf("stored links (-want +got):\n%s", d)
	}

	gauges := map[string]float64{}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "shipsync_listings" {
			continue
		}
		for _, m := range f.GetMetric() {
			gauges[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
		}
	}
	if d := cmp.Diff(map[string]float64{"linked": 3, "shipstation_only": 2, "quipt_only": 2}, gauges); d != "" {
		t.Errorf("shipsync_listings gauges (-want +got):\n%s", d)
	}
	if w.Q.Writes() != nil || w.SS.Count("POST", "/orders/createorders") != 0 {
		t.Error("link-listings wrote to an upstream")
	}
}

func TestReportNamesAtMostMaxNamed(t *testing.T) {
	w := newWorld(t)
	for i := range 5 {
		product(w, int64(200+i), fmt.Sprintf("S-%d", i))
		inventory(w, fmt.Sprintf("q-%d", i), fmt.Sprintf("Q-%d", i), "AUS1")
	}
	run(t, w, &LinkListings{Env: w.Env, MaxNamed: 2})
	r := w.Log.LastSummary()
	if d := cmp.Diff([]any{"S-0", "S-1"}, r["shipstation_only_skus"]); d != "" {
		t.Errorf("shipstation_only_skus (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]any{"Q-0", "Q-1"}, r["quipt_only_skus"]); d != "" {
		t.Errorf("quipt_only_skus (-want +got):\n%s", d)
	}
	if r["shipstation_only_skus_more"] != 3.0 || r["quipt_only_skus_more"] != 3.0 {
		t.Errorf("summary = %v, want shipstation_only_skus_more 3 and quipt_only_skus_more 3", r)
	}
	if r["shipstation_only"] != 5.0 || r["quipt_only"] != 5.0 || r["linked"] != 0.0 {
		t.Errorf("totals = %v, want all 5 on each side counted", r)
	}
}

// TestSummaryNamesSortedSKUs: the names are sorted as the upstream spells
// them (not by their normalised key), and nothing is left off below the
// default cap.
func TestSummaryNamesSortedSKUs(t *testing.T) {
	w := newWorld(t)
	product(w, 601, "b-2")
	product(w, 602, "a-1")
	product(w, 603, "B-1")
	product(w, 604, "LINKED")
	inventory(w, "q1", "linked", "AUS1")
	inventory(w, "q3", "zz-9", "AUS1")
	inventory(w, "q2", "Zz-8", "AUS1")
	run(t, w, &LinkListings{Env: w.Env})
	s := w.Log.LastSummary()
	if d := cmp.Diff([]any{"B-1", "a-1", "b-2"}, s["shipstation_only_skus"]); d != "" {
		t.Errorf("shipstation_only_skus (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]any{"Zz-8", "zz-9"}, s["quipt_only_skus"]); d != "" {
		t.Errorf("quipt_only_skus (-want +got):\n%s", d)
	}
	if s["linked"] != 1.0 || s["shipstation_only"] != 3.0 || s["quipt_only"] != 2.0 {
		t.Errorf("summary = %v, want linked 1, shipstation_only 3, quipt_only 2", s)
	}
}

// TestEmptySidesAreEmptyArrays: with every SKU linked, the summary still
// carries both lists, empty.
func TestEmptySidesAreEmptyArrays(t *testing.T) {
	w := newWorld(t)
	product(w, 701, "ONE")
	inventory(w, "q1", "ONE", "AUS1")
	run(t, w, &LinkListings{Env: w.Env})
	s := w.Log.LastSummary()
	for _, k := range []string{"shipstation_only_skus", "quipt_only_skus"} {
		if d := cmp.Diff([]any{}, s[k]); d != "" {
			t.Errorf("%s (-want +got):\n%s", k, d)
		}
	}
}

// listingWrites records the commands that wrote to the listings hash (a
// script retried after NOSCRIPT counts once).
type listingWrites struct {
	mu   sync.Mutex
	cmds []string
}

func (l *listingWrites) DialHook(next redis.DialHook) redis.DialHook { return next }

func (l *listingWrites) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if err == nil {
			l.note(cmd)
		}
		return err
	}
}

func (l *listingWrites) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, c := range cmds {
			l.note(c)
		}
		return err
	}
}

func (l *listingWrites) note(cmd redis.Cmder) {
	if cmd.Err() != nil {
		return
	}
	switch strings.ToLower(cmd.Name()) {
	case "eval", "evalsha", "hset", "hdel", "del", "hmset":
	default:
		return
	}
	for _, a := range cmd.Args() {
		if s, ok := a.(string); ok && strings.HasSuffix(s, ":rec:"+jobs.NSListings) {
			l.mu.Lock()
			l.cmds = append(l.cmds, cmd.String())
			l.mu.Unlock()
			return
		}
	}
}

func (l *listingWrites) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.cmds)
}

func TestLinksFollowTheCatalogues(t *testing.T) {
	w := newWorld(t)
	writes := &listingWrites{}
	w.Redis.Client.AddHook(writes)
	product(w, 301, "KEEP-1")
	gone := product(w, 302, "GONE-2")
	product(w, 303, "MOVE-3")
	inventory(w, "k1", "KEEP-1", "AUS1")
	inventory(w, "g2", "GONE-2", "AUS1")
	inventory(w, "m3", "MOVE-3", "AUS1")
	job := &LinkListings{Env: w.Env}
	run(t, w, job)
	if n := writes.count(); n != 1 {
		t.Fatalf("first run made %d writes to the links, want 1 (one PutRecords): %v", n, writes.cmds)
	}
	if n := len(stored(t, w)); n != 3 {
		t.Fatalf("%d links stored, want 3", n)
	}

	// GONE-2 is retired in ShipStation; MOVE-3 gains an inventory record
	// with a lower Id, which becomes its link.
	gone.Active = new(false)
	w.SS.AddProduct(gone)
	inventory(w, "a3", "move-3", "RNO1")
	run(t, w, job)
	want := map[string]map[string]any{
		"KEEP-1": lnk(301, "k1", "KEEP-1"),
		"MOVE-3": lnk(303, "a3", "MOVE-3"),
	}
	if d := cmp.Diff(want, stored(t, w)); d != "" {
		t.Errorf("links after the change (-want +got):\n%s", d)
	}
	if s := w.Log.LastSummary(); s["updated"] != 1.0 || s["links_deleted"] != 1.0 || s["created"] != 0.0 {
		t.Errorf("summary = %v, want updated 1, links_deleted 1", s)
	}
	if n := writes.count(); n != 3 {
		t.Errorf("second run made %d writes to the links, want 2 (one PutRecords, one DeleteRecords)", n-1)
	}

	// Nothing changed: nothing is written.
	run(t, w, job)
	if n := writes.count(); n != 3 {
		t.Errorf("a run with no change wrote to the links: %v", writes.cmds[3:])
	}
	if s := w.Log.LastSummary(); s["updated"] != 0.0 || s["created"] != 0.0 || s["links_deleted"] != 0.0 || s["linked"] != 2.0 {
		t.Errorf("summary = %v, want linked 2 and nothing stored", s)
	}
}

// TestMalformedListingsAreSkipped: a record that cannot be read, or has no
// SKU, is skipped with a warning; a stored link to a record that came back
// malformed is kept, since the record may well still exist.
func TestMalformedListingsAreSkipped(t *testing.T) {
	w := newWorld(t)
	product(w, 401, "GOOD-1")
	product(w, 402, "BROKEN-2")
	product(w, 403, "   ")
	product(w, 404, "STALE-4")
	inventory(w, "q1", "GOOD-1", "AUS1")
	inventory(w, "q2", "", "AUS1") // Quipt lost the SKU of BROKEN-2's record
	// Links from an earlier run.
	ctx := context.Background()
	lease, err := w.Store.AcquireLease(ctx, jobs.NameLinkListings, "test", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	earlier := map[string]string{
		"BROKEN-2": `{"ss_product_id":402,"quipt_inventory_id":"q2","sku":"BROKEN-2"}`,
		"STALE-4":  `{"ss_product_id":404,"quipt_inventory_id":"q4","sku":"STALE-4"}`,
	}
	if err := w.Store.PutRecords(ctx, lease, jobs.NSListings, earlier); err != nil {
		t.Fatal(err)
	}
	if err := w.Store.ReleaseLease(ctx, lease); err != nil {
		t.Fatal(err)
	}

	run(t, w, &LinkListings{Env: w.Env})
	got := stored(t, w)
	want := map[string]map[string]any{
		"GOOD-1":   lnk(401, "q1", "GOOD-1"),
		"BROKEN-2": lnk(402, "q2", "BROKEN-2"),
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("links (-want +got):\n%s", d)
	}
	skipped := w.Log.Events("listing_skipped")
	sides := map[string]string{}
	for _, e := range skipped {
		sides[e["side"].(string)] = e["item_id"].(string)
	}
	if d := cmp.Diff(map[string]string{"shipstation": "403", "quipt": "q2"}, sides); d != "" {
		t.Errorf("listing_skipped warnings (-want +got):\n%s", d)
	}
	if s := w.Log.LastSummary(); s["skipped"] != 2.0 || s["linked"] != 1.0 || s["shipstation_only"] != 2.0 || s["dead_lettered"] != 0.0 {
		t.Errorf("summary = %v, want skipped 2, linked 1, shipstation_only 2", s)
	}
}

func TestFailedReadChangesNoLinks(t *testing.T) {
	w := newWorld(t)
	product(w, 501, "A-1")
	inventory(w, "q1", "A-1", "AUS1")
	job := &LinkListings{Env: w.Env}
	run(t, w, job)

	// Transient faults are retried; the run still completes.
	w.SS.FailNext("/products", 2, 500)
	w.SS.DropNext("/products", 1)
	w.Q.FailNext(inventoryPath, 1, 503)
	w.Q.DropNext(inventoryPath, 1)
	run(t, w, job)
	if s := w.Log.LastSummary(); s["linked"] != 1.0 {
		t.Fatalf("summary after retried faults = %v, want linked 1", s)
	}

	// Quipt's inventory keeps failing: the run fails and deletes nothing.
	w.Q.FailNext(inventoryPath, 6, 503)
	if err := w.Run(context.Background(), jobs.NameLinkListings, job.Run); err == nil {
		t.Fatal("run with a failing inventory list succeeded")
	}
	if n := len(stored(t, w)); n != 1 {
		t.Errorf("%d links after a failed run, want the 1 from before", n)
	}
	if s := w.Log.LastSummary(); s["error"] == nil || s["linked"] != nil || s["shipstation_only_skus"] != nil {
		t.Errorf("failed run summary = %v, want the error and no report: a failed run reports nothing", s)
	}
}

func TestDryRunStoresNothing(t *testing.T) {
	w := newWorld(t)
	mixed(w)
	w.Env.DryRun = true
	run(t, w, &LinkListings{Env: w.Env})
	if n := len(stored(t, w)); n != 0 {
		t.Errorf("dry run stored %d links", n)
	}
	if n := len(w.Log.Events("would_link_stored")); n != 3 {
		t.Errorf("%d would_link_stored events, want 3", n)
	}
	if s := w.Log.LastSummary(); s["linked"] != 3.0 || len(s["shipstation_only_skus"].([]any)) != 2 {
		t.Errorf("dry run summary = %v, want linked 3 and 2 ShipStation-only SKUs named", s)
	}
}

func TestThousandTwoHundredProductsTakeThreeListCalls(t *testing.T) {
	w := newWorld(t)
	for i := range 1200 {
		product(w, int64(10000+i), fmt.Sprintf("P-%04d", i))
		if i%2 == 0 {
			inventory(w, fmt.Sprintf("q-%04d", i), fmt.Sprintf("p-%04d", i), "AUS1")
		}
	}
	run(t, w, &LinkListings{Env: w.Env})
	if n := w.SS.Count("GET", "/products"); n != 3 {
		t.Errorf("ShipStation /products calls = %d, want 3", n)
	}
	for _, r := range w.SS.Requests() {
		if r.Path == "/products" && !strings.Contains(r.Query, "pageSize=500") {
			t.Errorf("products listed with %q, want pageSize=500", r.Query)
		}
	}
	s := w.Log.LastSummary()
	if s["linked"] != 600.0 || s["shipstation_only"] != 600.0 || s["shipstation_calls"] != 3.0 || s["quipt_calls"] != 3.0 {
		t.Errorf("summary = %v, want linked 600, shipstation_only 600, 3 calls each", s)
	}
	// The default cap names the first 500 of the 600 ShipStation-only SKUs
	// (the odd ones, sorted) and counts the rest.
	named, _ := s["shipstation_only_skus"].([]any)
	if len(named) != DefaultMaxNamed || DefaultMaxNamed != 500 || s["shipstation_only_skus_more"] != 100.0 {
		t.Fatalf("summary names %d ShipStation-only SKUs, %v more; want 500 and 100", len(named), s["shipstation_only_skus_more"])
	}
	if named[0] != "P-0001" || named[499] != "P-0999" {
		t.Errorf("named SKUs run %v … %v, want P-0001 … P-0999", named[0], named[499])
	}
	if d := cmp.Diff([]any{}, s["quipt_only_skus"]); d != "" {
		t.Errorf("quipt_only_skus (-want +got):\n%s", d)
	}
}
