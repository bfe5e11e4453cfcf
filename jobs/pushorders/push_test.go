package pushorders

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/connector/shipstation"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/jobs/synccancels"
	"github.com/shipsync/shipsync/state"
)

func TestPushesWholeOrdersInBatchesThenNothing(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	orders := addOrders(w, 250, "B")
	job := newJob(w)
	run(t, w, job)

	calls := w.SS.CreateOrdersCalls()
	var sizes []int
	var sent []string
	for _, c := range calls {
		sizes = append(sizes, len(c))
		sent = append(sent, c...)
	}
	if diff := cmp.Diff([]int{100, 100, 50}, sizes); diff != "" {
		t.Errorf("createorders batch sizes (-want +got):\n%s", diff)
	}
	var want []string
	for _, o := range orders {
		want = append(want, key(o))
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(sent))); diff != "" {
		t.Errorf("orderKeys sent (-want +got):\n%s", diff)
	}
	held := ssOrders(t, w)
	if len(held) != 250 {
		t.Fatalf("ShipStation holds %d orders, want 250", len(held))
	}
	requireAckedOnce(t, w, orders)

	// The order as ShipStation holds it is the whole Quipt order.
	q := orders[7]
	got := held[key(q)]
	wantOrder := sst.Order{
		OrderNumber: q.OrderNumber, OrderKey: key(q), OrderStatus: sst.StatusAwaitingShipment,
		CustomerUsername: new("dana@example.com"), CustomerEmail: new("dana@example.com"),
		BillTo: &sst.Address{Name: "Dana Ruiz", Phone: new("555-0100")},
		ShipTo: &sst.Address{Name: "Dana Ruiz", Company: new("Ruiz & Co"), Street1: new("12 Elm St"), Street2: new("Apt 4"),
			City: new("Austin"), State: new("TX"), PostalCode: new("78701"), Country: new("US"), Phone: new("555-0100"), Residential: new(true)},
		Items: []sst.OrderItem{
			{LineItemKey: new("l1"), SKU: "CASE-IP15-BLK", Name: "Case", Quantity: 2, UnitPrice: 19.99, FulfillmentSKU: new("V-CASE-15")},
			{LineItemKey: new("l2"), SKU: "CABLE-USBC-1M", Name: "Cable", Quantity: 1, UnitPrice: 9.5},
		},
		AmountPaid: 57.78, TaxAmount: 3.3, ShippingAmount: 5,
		RequestedShippingService: new("Ground"), CarrierCode: new("fedex"), ServiceCode: new("fedex_ground"),
		AdvancedOptions: sst.AdvancedOptions{StoreID: new(sst.DefaultStoreID), WarehouseID: new(sst.AustinWarehouseID),
			Source: new("Web Store"), CustomField1: new(q.OrderNumber)},
	}
	opts := []cmp.Option{
		cmp.FilterPath(func(p cmp.Path) bool {
			switch p.Last().String() {
			case ".OrderID", ".OrderItemID", ".CreateDate", ".ModifyDate", ".OrderDate", ".OrderTotal", ".InsuranceOptions",
				".InternationalOptions", ".MergedIDs", ".Weight", ".TagIDs", ".Confirmation", ".PackageCode":
				return true
			}
			return false
		}, cmp.Ignore()),
	}
	if diff := cmp.Diff(wantOrder, got, opts...); diff != "" {
		t.Errorf("order held by ShipStation (-want +got):\n%s", diff)
	}
	if !got.OrderDate.Equal(q.CreatedAt) {
		t.Errorf("orderDate = %v, want the Quipt CreatedAt %v", got.OrderDate, q.CreatedAt)
	}

	rec, ok := record(t, w, q.ID)
	if !ok || !rec.Acked || rec.SSOrderID != got.OrderID || !rec.Version.Equal(q.UpdatedAt) {
		t.Errorf("push record = %+v %v, want acked, ss_order_id %d, version %v", rec, ok, got.OrderID, q.UpdatedAt)
	}
	links, err := w.Store.Records(context.Background(), jobs.NSShipStationOrder, []string{strconv.FormatInt(got.OrderID, 10)})
	if err != nil || links[strconv.FormatInt(got.OrderID, 10)] != q.ID {
		t.Errorf("ShipStation order link = %v %v, want %s", links, err, q.ID)
	}
	// The first run on an empty Redis also lists ShipStation's open orders
	// once, status by status (recoverRecords).
	s := w.Log.LastSummary()
	if s["created"] != 250.0 || s["acknowledged"] != 250.0 || s["shipstation_calls"] != float64(3+len(openStatuses)) || s["quipt_calls"] != 252.0 {
		t.Errorf("summary = %v, want created 250, acknowledged 250, 3 ShipStation calls (+ the %d of the recovery listing), 252 Quipt calls (2 pages + 250 acks)", s, len(openStatuses))
	}

	// A second run finds everything done.
	run(t, w, job)
	if n := len(w.SS.CreateOrdersCalls()); n != 3 {
		t.Errorf("second run made %d createorders calls", n-3)
	}
	if applied, dups := ackWrites(w); applied != 250 || dups != 0 {
		t.Errorf("acknowledge writes = %d applied, %d duplicates; want 250 and 0 after the second run", applied, dups)
	}
	s = w.Log.LastSummary()
	if s["skipped_unchanged"] != 250.0 || s["shipstation_calls"] != 0.0 || s["created"] != 0.0 {
		t.Errorf("second summary = %v, want 250 skipped unchanged and no ShipStation call", s)
	}
}

func TestChangedOrderIsUpdatedInPlace(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	orders := addOrders(w, 3, "U")
	job := newJob(w)
	run(t, w, job)
	before, _ := w.SS.OrderByKey(key(orders[1]))
	applied, _ := ackWrites(w)

	if err := w.Q.UpdateFulfillmentOrder(orders[1].ID, func(o *quipttest.Order) {
		o.ShipTo.Address1 = "99 Oak Ave"
		o.Lines[0].Quantity = 3
	}); err != nil {
		t.Fatal(err)
	}
	run(t, w, job)

	calls := w.SS.CreateOrdersCalls()
	if diff := cmp.Diff([]string{key(orders[1])}, calls[len(calls)-1]); len(calls) != 2 || diff != "" {
		t.Fatalf("createorders calls %v, want a second call with only the changed order", calls)
	}
	after, _ := w.SS.OrderByKey(key(orders[1]))
	if after.OrderID != before.OrderID || jobs.Value(after.ShipTo.Street1) != "99 Oak Ave" || after.Items[0].Quantity != 3 {
		t.Errorf("after the update: orderId %d (was %d), street %q, quantity %d", after.OrderID, before.OrderID, jobs.Value(after.ShipTo.Street1), after.Items[0].Quantity)
	}
	if after.Items[0].OrderItemID != before.Items[0].OrderItemID {
		t.Error("the update replaced the order line instead of updating it (lineItemKey not kept)")
	}
	if n := len(ssOrders(t, w)); n != 3 {
		t.Errorf("ShipStation holds %d orders, want 3", n)
	}
	if now, dups := ackWrites(w); now != applied || dups != 0 {
		t.Errorf("the update acknowledged again: %d applied (was %d), %d duplicates", now, applied, dups)
	}
	if u, c := summaryInt(t, w, "updated"), summaryInt(t, w, "created"); u != 1 || c != 0 {
		t.Errorf("summary updated %d created %d, want 1 and 0", u, c)
	}
}

func TestOlderVersionIsNotSentOverANewerOne(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, seed{number: "V-1"})
	job := newJob(w)
	run(t, w, job)

	// Another replica pushed a later version of the order than Quipt lists now.
	rec, _ := record(t, w, o.ID)
	rec.Version = time.Now().Add(time.Hour)
	rec.Hash = "hash-of-the-later-version"
	putRecord(t, w, o.ID, rec)
	if err := w.Q.UpdateFulfillmentOrder(o.ID, func(o *quipttest.Order) { o.ShipTo.City = "Round Rock" }); err != nil {
		t.Fatal(err)
	}
	run(t, w, job)
	if n := len(w.SS.CreateOrdersCalls()); n != 1 {
		t.Errorf("createorders calls = %d, want 1: the older version must not be sent", n)
	}
	if n := summaryInt(t, w, "skipped_stale"); n != 1 {
		t.Errorf("skipped_stale = %d, want 1", n)
	}
	if len(w.Log.Events("stale")) != 1 {
		t.Error("no stale event logged")
	}
}

func putRecord(t testing.TB, w *jobstest.World, id string, rec pushRecord) {
	t.Helper()
	v, err := rec.encode()
	if err != nil {
		t.Fatal(err)
	}
	putRawRecord(t, w, id, v)
}

// putRawRecord writes a push record as another run would, under the job's lease.
func putRawRecord(t testing.TB, w *jobstest.World, id, value string) {
	t.Helper()
	ctx := context.Background()
	lease, err := w.Store.AcquireLease(ctx, jobs.NamePushOrders, "test", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := w.Store.ReleaseLease(ctx, lease); err != nil {
			t.Error(err)
		}
	}()
	if err := w.Store.PutRecords(ctx, lease, jobs.NSPushed, map[string]string{id: value}); err != nil {
		t.Fatal(err)
	}
}

// TestRefusedUpdateOfAShippedOrderIsRecordedAndTheRestProceeds: ShipStation
// would refuse the update of an order it shipped meanwhile; the update's
// read-back shows it there in a later state, so it is not sent but recorded
// (the version that could not be applied, so it is not sent again each run)
// and not dead-lettered; the new orders proceed.
func TestRefusedUpdateOfAShippedOrderIsRecordedAndTheRestProceeds(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	shipped := addOrder(w, seed{number: "F-shipped"})
	job := newJob(w)
	run(t, w, job)
	ss, _ := w.SS.OrderByKey(key(shipped))
	w.SS.UpdateOrder(ss.OrderID, func(o *sst.Order) { o.OrderStatus = sst.StatusShipped })
	if err := w.Q.UpdateFulfillmentOrder(shipped.ID, func(o *quipttest.Order) { o.ShipTo.Phone = "555-0199" }); err != nil {
		t.Fatal(err)
	}
	changed, _ := w.Q.FulfillmentOrder(shipped.ID)
	fresh := addOrders(w, 2, "F-new")

	run(t, w, job)
	calls := w.SS.CreateOrdersCalls()
	if len(calls) != 2 || !slices.Equal(calls[1], []string{key(fresh[0]), key(fresh[1])}) {
		t.Fatalf("createorders calls %v, want a second call with the two new orders only (the shipped one is read, not sent)", calls)
	}
	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Errorf("dead letters %v, want none: ShipStation holds the order", dls)
	}
	requireAckedOnce(t, w, append(fresh, shipped))
	for _, o := range fresh {
		if rec, ok := record(t, w, o.ID); !ok || !rec.Acked {
			t.Errorf("new order %s not recorded as pushed and acknowledged: %+v", o.OrderNumber, rec)
		}
	}
	if rec, _ := record(t, w, shipped.ID); rec.SSOrderID != ss.OrderID || !rec.Version.Equal(changed.UpdatedAt) || !rec.Acked {
		t.Errorf("record of the refused update %+v, want ShipStation order %d, version %s, acknowledged", rec, ss.OrderID, changed.UpdatedAt)
	}
	if got, _ := w.SS.Order(ss.OrderID); got.OrderStatus != sst.StatusShipped || got.ShipTo.Phone == nil || *got.ShipTo.Phone == "555-0199" {
		t.Errorf("ShipStation's shipped order changed: %+v", got)
	}
	if c, h, d := summaryInt(t, w, "created"), summaryInt(t, w, "held_closed"), summaryInt(t, w, "dead_lettered"); c != 2 || h != 1 || d != 0 {
		t.Errorf("summary created %d held_closed %d dead_lettered %d, want 2, 1, 0", c, h, d)
	}

	// Recorded: the next run leaves it alone.
	run(t, w, job)
	if n := len(w.SS.CreateOrdersCalls()); n != 2 {
		t.Errorf("the shipped order was sent again (%d createorders calls)", n)
	}
	if n := summaryInt(t, w, "skipped_unchanged"); n != 3 {
		t.Errorf("skipped_unchanged = %d, want 3", n)
	}
}

func TestBadOrdersAreDeadLetteredAndRetried(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	good := addOrder(w, seed{number: "G-1"})
	nameless := addOrder(w, seed{number: ""})
	rawKey := w.Q.AddRawFulfillmentOrder(4, json.RawMessage(`{"Id": "raw-broken", "OrderNumber": 12345, "Status": 4}`))
	job := newJob(w)
	run(t, w, job)

	dls := deadLetters(t, w)
	if !strings.HasPrefix(dls["quipt-order:raw-broken"], "malformed quipt order") {
		t.Errorf("malformed order (%s) dead letter = %q", rawKey, dls["quipt-order:raw-broken"])
	}
	if dls[nameless.ID] != "missing OrderNumber" {
		t.Errorf("order without number: dead letter = %q", dls[nameless.ID])
	}
	requireNotSent(t, w, nameless)
	requireAckedOnce(t, w, []quipttest.Order{good})

	// The operator fixes the order and retries the dead letter.
	if err := w.Q.UpdateFulfillmentOrder(nameless.ID, func(o *quipttest.Order) { o.OrderNumber = "G-2" }); err != nil {
		t.Fatal(err)
	}
	if ok, err := w.Store.RetryDeadLetter(context.Background(), jobs.NamePushOrders, nameless.ID); !ok || err != nil {
		t.Fatalf("retry: %v %v", ok, err)
	}
	run(t, w, job)
	if got, ok := w.SS.OrderByKey(key(nameless)); !ok || got.OrderNumber != "G-2" {
		t.Errorf("retried order: held %v as %q, want G-2", ok, got.OrderNumber)
	}
	requireAckedOnce(t, w, []quipttest.Order{good, nameless})
}

func TestLongOrderNumberIsCut(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	long := "A" + strings.Repeat("Ä", 60)
	o := addOrder(w, seed{number: long})
	run(t, w, newJob(w))
	got, ok := w.SS.OrderByKey(key(o))
	// Ä is two bytes in UTF-8: the 50th byte is inside the 25th Ä, so it goes.
	if !ok || got.OrderNumber != "A"+strings.Repeat("Ä", 24) || jobs.Value(got.AdvancedOptions.CustomField1) != long {
		t.Errorf("held %v with orderNumber %q and customField1 %q; want it cut to 50 bytes and the whole number",
			ok, got.OrderNumber, jobs.Value(got.AdvancedOptions.CustomField1))
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	pushed := addOrder(w, seed{number: "D-pushed"})
	job := newJob(w)
	run(t, w, job)
	if err := w.Q.UpdateFulfillmentOrder(pushed.ID, func(o *quipttest.Order) { o.Customer.Email = "new@example.com" }); err != nil {
		t.Fatal(err)
	}
	fresh := addOrder(w, seed{number: "D-new"})
	bad := addOrder(w, seed{number: "D-bad", channel: "eBay"})
	before := len(w.Q.Writes())
	recBefore, _ := record(t, w, pushed.ID)

	w.Env.DryRun = true
	run(t, w, job)
	if n := len(w.SS.CreateOrdersCalls()); n != 1 {
		t.Errorf("dry run made %d createorders calls", n-1)
	}
	if n := len(w.Q.Writes()); n != before {
		t.Errorf("dry run made %d Quipt writes", n-before)
	}
	if _, ok := record(t, w, fresh.ID); ok {
		t.Error("dry run recorded a push")
	}
	if rec, _ := record(t, w, pushed.ID); !reflect.DeepEqual(rec, recBefore) {
		t.Errorf("dry run changed a record: %+v, was %+v", rec, recBefore)
	}
	if len(deadLetters(t, w)) != 0 {
		t.Error("dry run dead-lettered an order")
	}
	pushes := map[string]map[string]any{}
	for _, e := range w.Log.Events("would_push") {
		pushes[e["quipt_order_id"].(string)] = e
	}
	if len(pushes) != 2 || pushes[fresh.ID]["update"] != false || pushes[pushed.ID]["update"] != true ||
		pushes[pushed.ID]["ss_order_id"] != float64(recBefore.SSOrderID) || pushes[fresh.ID]["carrier"] != "fedex" {
		t.Errorf("would_push events = %v, want the new order and the changed one (an update of ss_order_id %d)", pushes, recBefore.SSOrderID)
	}
	if acks := w.Log.Events("would_acknowledge"); len(acks) != 1 || acks[0]["quipt_order_id"] != fresh.ID {
		t.Errorf("would_acknowledge events = %v, want only the new order", acks)
	}

	// The real run afterwards does it all.
	w.Env.DryRun = false
	run(t, w, job)
	if got, _ := w.SS.OrderByKey(key(pushed)); jobs.Value(got.CustomerEmail) != "new@example.com" {
		t.Error("the real run after the dry run did not send the change")
	}
	requireAckedOnce(t, w, []quipttest.Order{pushed, fresh})
	requireNotSent(t, w, bad)
}

func TestUnreadableRecordSendsTheOrderAgain(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, seed{number: "K-1"})
	job := newJob(w)
	run(t, w, job)
	putRawRecord(t, w, o.ID, "not json")
	run(t, w, job)

	if n := len(w.SS.CreateOrdersCalls()); n != 2 {
		t.Errorf("createorders calls = %d, want 2: an unreadable record must not block the order", n)
	}
	if n := len(ssOrders(t, w)); n != 1 {
		t.Errorf("ShipStation holds %d orders, want 1", n)
	}
	requireAckedOnce(t, w, []quipttest.Order{o})
	if rec, ok := record(t, w, o.ID); !ok || !rec.Acked {
		t.Errorf("record not repaired: %+v", rec)
	}
	if len(w.Log.Events("bad_record")) != 1 {
		t.Error("no bad_record event logged")
	}
}

func TestResultForMatchesByKeyThenPosition(t *testing.T) {
	res := &shipstation.BulkResult{Results: []shipstation.BulkResultItem{
		{OrderKey: "quipt:b", OrderID: 2, Success: true},
		{OrderKey: "", ErrorMessage: "bad"},
		{OrderKey: "quipt:a", OrderID: 1, Success: true},
	}}
	tests := []struct {
		key    string
		i, n   int
		wantOK bool
		wantID int64
		wantEM string
	}{
		{"quipt:a", 0, 3, true, 1, ""},    // by key, whatever the position
		{"quipt:x", 1, 3, true, 0, "bad"}, // by position: that result has no key
		{"quipt:x", 0, 3, false, 0, ""},   // the result at its position is another order's
		{"quipt:x", 1, 4, false, 0, ""},   // counts differ: position means nothing
	}
	for _, tc := range tests {
		r, ok := resultFor(res, tc.key, tc.i, tc.n)
		if ok != tc.wantOK || r.OrderID != tc.wantID || r.ErrorMessage != tc.wantEM {
			t.Errorf("resultFor(%s, %d, %d) = %+v, %v", tc.key, tc.i, tc.n, r, ok)
		}
	}
}

// TestMalformedOrderIsDeadLetteredOnce: the second run over a page with a
// malformed order has nothing to do, and does nothing: no dead letter, no
// growing attempts.
func TestMalformedOrderIsDeadLetteredOnce(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	addOrder(w, seed{number: "G-1"})
	w.Q.AddRawFulfillmentOrder(4, json.RawMessage(`{"Id": "raw-broken", "OrderNumber": 12345, "Status": 4}`))
	job := newJob(w)
	run(t, w, job)
	run(t, w, job)
	dls := w.DeadLetters(t, jobs.NamePushOrders)
	if d, ok := dls["quipt-order:raw-broken"]; !ok || d.Attempts != 1 || len(dls) != 1 {
		t.Errorf("dead letters = %+v, want quipt-order:raw-broken alone, attempts 1", dls)
	}
	if d, p := summaryInt(t, w, "dead_lettered"), summaryInt(t, w, "skipped_parked"); d != 0 || p != 1 {
		t.Errorf("second summary: dead_lettered %d, skipped_parked %d; want 0 and 1", d, p)
	}
}

const quiptCancelPath = "/v2/orders/fulfillment/cancel"

// loseCreate pushes o so that ShipStation applies it but every answer is
// lost (the first attempt applied then dropped, the retries failing): the
// run fails with nothing recorded. It returns ShipStation's order.
func loseCreate(t *testing.T, w *jobstest.World, job *PushOrders, o quipttest.Order) sst.Order {
	t.Helper()
	w.SS.DropAfterApply("/orders/createorders", 1)
	w.SS.FailNext("/orders/createorders", jobstest.FastRetry.Attempts-1, 500)
	if err := w.Run(context.Background(), jobs.NamePushOrders, job.Run); err == nil {
		t.Fatal("the push whose answers were all lost succeeded")
	}
	if _, ok := record(t, w, o.ID); ok {
		t.Fatal("the push whose answers were lost was recorded")
	}
	ss, ok := w.SS.OrderByKey(key(o))
	if !ok {
		t.Fatal("ShipStation did not apply the create")
	}
	return ss
}

// quiptCancels counts the cancels Quipt applied (not duplicates).
func quiptCancels(w *jobstest.World) int {
	n := 0
	for _, wr := range w.Q.Writes() {
		if wr.Endpoint == quiptCancelPath && !wr.Duplicate {
			n++
		}
	}
	return n
}

// TestRefusedResendOfACancelledOrderIsRecordedAndCancelled is the issue's
// scenario 1: createorders applied, its answer lost; staff cancel the order
// in ShipStation; the next push is refused ("status is 'cancelled'"), so the
// order is read (one list call), recorded as pushed and acknowledged, not
// dead-lettered; sync-cancels then cancels it in Quipt exactly once.
func TestRefusedResendOfACancelledOrderIsRecordedAndCancelled(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, seed{number: "R-1"})
	other := addOrder(w, seed{number: "R-2"})
	job := newJob(w)
	ss := loseCreate(t, w, job, o)
	w.SS.CancelOrder(ss.OrderID)
	w.SS.CancelOrder(mustSS(t, w, other).OrderID)
	// The routing changed since: the orders stay in the store they were
	// created in, so the read must not look in the new store only.
	job.ChannelStores = map[string]int64{"Web Store": sst.AmazonStoreID}
	lists := w.SS.Count("GET", "/orders")

	run(t, w, job)
	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Fatalf("dead letters %v, want none", dls)
	}
	if n := w.SS.Count("GET", "/orders") - lists; n != 1 {
		t.Errorf("the refused orders were read with %d list calls, want 1", n)
	}
	for _, q := range []quipttest.Order{o, other} {
		ssOrder := mustSS(t, w, q)
		if rec, ok := record(t, w, q.ID); !ok || rec.SSOrderID != ssOrder.OrderID || !rec.Acked {
			t.Errorf("order %s: record %+v, want pushed as ShipStation order %d and acknowledged", q.OrderNumber, rec, ssOrder.OrderID)
		}
	}
	requireAckedOnce(t, w, []quipttest.Order{o, other})
	if n := summaryInt(t, w, "held_closed"); n != 2 {
		t.Errorf("held_closed = %d, want 2", n)
	}

	cancels := &synccancels.SyncCancels{Env: w.Env, Mode: synccancels.ModeSoft}
	for range 2 {
		if err := w.Run(context.Background(), jobs.NameSyncCancels, cancels.Run); err != nil {
			t.Fatal(err)
		}
	}
	if n := quiptCancels(w); n != 2 {
		t.Errorf("Quipt applied %d cancels, want 2 (one per order)", n)
	}
	if got, _ := w.Q.FulfillmentOrder(o.ID); got.SubStatus != quipt.SubStatusSoftCancel {
		t.Errorf("the Quipt order has SubStatus %d, want the soft cancel's", got.SubStatus)
	}
	run(t, w, job)
	if n := len(w.Q.Acknowledgements(o.ID)); n != 1 {
		t.Errorf("acknowledgements after another push run: %d, want 1", n)
	}
}

// mustSS returns ShipStation's order for the Quipt order q.
func mustSS(t *testing.T, w *jobstest.World, q quipttest.Order) sst.Order {
	t.Helper()
	ss, ok := w.SS.OrderByKey(key(q))
	if !ok {
		t.Fatalf("ShipStation holds no order %s", key(q))
	}
	return ss
}

// TestRetriedDeadLetterOfAShippedOrderIsRecorded: an order dead-lettered for
// the refusal (as an earlier release did) is, once retried, read, recorded
// and acknowledged like any refused resend.
func TestRetriedDeadLetterOfAShippedOrderIsRecorded(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	o := addOrder(w, seed{number: "D-1"})
	job := newJob(w)
	ss := loseCreate(t, w, job, o)
	w.SS.UpdateOrder(ss.OrderID, func(s *sst.Order) { s.OrderStatus = sst.StatusShipped })
	ctx := context.Background()
	l, err := w.Store.AcquireLease(ctx, jobs.NamePushOrders, "earlier-release", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	reason := "shipstation rejected the order: Order cannot be updated because its status is 'shipped'."
	if err := w.Store.PutDeadLetter(ctx, l, state.DeadLetter{ID: o.ID, Reason: reason}); err != nil {
		t.Fatal(err)
	}
	if err := w.Store.ReleaseLease(ctx, l); err != nil {
		t.Fatal(err)
	}
	run(t, w, job)
	if rec, ok := record(t, w, o.ID); ok {
		t.Fatalf("a parked order was handled before its retry: %+v", rec)
	}
	if _, err := w.Store.RetryDeadLetter(ctx, jobs.NamePushOrders, o.ID); err != nil {
		t.Fatal(err)
	}
	run(t, w, job)
	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Errorf("dead letters after the retry: %v", dls)
	}
	if rec, ok := record(t, w, o.ID); !ok || rec.SSOrderID != ss.OrderID || !rec.Acked {
		t.Errorf("record %+v, want pushed as %d and acknowledged", rec, ss.OrderID)
	}
	requireAckedOnce(t, w, []quipttest.Order{o})
}

// TestRefusedClosedReadsOnlyTheStatusRefusal: only ShipStation's refusal
// of an order that is no longer open leads to a read; any other refusal is
// dead-lettered as before.
func TestRefusedClosedReadsOnlyTheStatusRefusal(t *testing.T) {
	for reason, want := range map[string]bool{
		"shipstation rejected the order: Order cannot be updated because its status is 'shipped'.":   true,
		"shipstation rejected the order: Order cannot be updated because its status is 'cancelled'.": true,
		"shipstation rejected the order: The ShipTo field is required.":                              false,
		"shipstation rejected the order: no error message":                                           false,
	} {
		if got := refusedClosed(reason); got != want {
			t.Errorf("refusedClosed(%q) = %v, want %v", reason, got, want)
		}
	}
}

// TestUpdateKeepsWhatPeopleSetInShipStation: staff set the weight, the
// dimensions, tags, a hold with its end, and an internal note in
// ShipStation; then the address changes in Quipt. The update sends the new
// address and keeps every ShipStation-side field, after one read of the
// orders modified since the push (a new order needed none).
func TestUpdateKeepsWhatPeopleSetInShipStation(t *testing.T) {
	w, o, job := pushedOne(t, seed{number: "M-1"})
	// The first run on an empty Redis lists the open orders (recoverRecords).
	if n := w.SS.Count(http.MethodGet, "/orders"); n != len(openStatuses) {
		t.Fatalf("a new order was read back (%d list calls, %d of them the recovery listing)", n, len(openStatuses))
	}
	holdUntil := editAsAPerson(t, w, o)
	if err := w.Q.UpdateFulfillmentOrder(o.ID, func(q *quipttest.Order) { q.ShipTo.Address1 = "77 New Rd" }); err != nil {
		t.Fatal(err)
	}

	run(t, w, job)
	got, _ := w.SS.OrderByKey(key(o))
	keepsPersonsEdits(t, got, holdUntil)
	if n := w.SS.Count(http.MethodGet, "/orders") - len(openStatuses); n != 1 {
		t.Errorf("%d list calls for one update, want 1", n)
	}
	if u, c := summaryInt(t, w, "updated"), summaryInt(t, w, "merge_conflicts"); u != 1 || c != 0 {
		t.Errorf("summary updated %d merge_conflicts %d, want 1 and 0", u, c)
	}

	// The merge base now holds ShipStation's values: an unchanged order is
	// not sent again, and the next Quipt change still keeps them.
	run(t, w, job)
	if n := len(w.SS.CreateOrdersCalls()); n != 2 {
		t.Errorf("%d createorders calls, want 2 (nothing changed)", n)
	}
	if err := w.Q.UpdateFulfillmentOrder(o.ID, func(q *quipttest.Order) { q.ShipTo.City = "Round Rock" }); err != nil {
		t.Fatal(err)
	}
	run(t, w, job)
	got, _ = w.SS.OrderByKey(key(o))
	if jobs.Value(got.ShipTo.City) != "Round Rock" || got.Weight == nil || got.Weight.Value != 42 || got.OrderStatus != sst.StatusOnHold {
		t.Errorf("second update: city %q weight %+v status %s, want Round Rock, 42 oz, on_hold", jobs.Value(got.ShipTo.City), got.Weight, got.OrderStatus)
	}
}

// TestConflictTakesTheOwnersValueAndIsCounted: both sides change the
// carrier choice (ShipStation's once a person changed it) and the ship-to
// street (Quipt's). The person's carrier and Quipt's street are sent, and
// both conflicts are logged and counted with the order and field group.
func TestConflictTakesTheOwnersValueAndIsCounted(t *testing.T) {
	w, o, job := pushedOne(t, seed{number: "C-1", method: "Ground"})
	w.SS.UpdateOrder(ssOrderID(t, w, o), func(s *sst.Order) {
		s.CarrierCode, s.ServiceCode = new("stamps_com"), new("usps_first_class_mail")
		s.ShipTo.Street1 = new("1 Warehouse Typo St")
	})
	if err := w.Q.UpdateFulfillmentOrder(o.ID, func(q *quipttest.Order) {
		q.Shipping.RequestedMethod = "Next Day Air"
		q.ShipTo.Address1 = "5 Correct Ave"
	}); err != nil {
		t.Fatal(err)
	}

	run(t, w, job)
	got, _ := w.SS.OrderByKey(key(o))
	if jobs.Value(got.CarrierCode) != "stamps_com" || jobs.Value(got.ServiceCode) != "usps_first_class_mail" {
		t.Errorf("carrier %s/%s, want the person's stamps_com/usps_first_class_mail", jobs.Value(got.CarrierCode), jobs.Value(got.ServiceCode))
	}
	if jobs.Value(got.ShipTo.Street1) != "5 Correct Ave" {
		t.Errorf("street %q, want Quipt's", jobs.Value(got.ShipTo.Street1))
	}
	if jobs.Value(got.RequestedShippingService) != "Next Day Air" {
		t.Errorf("requested service %q, want Quipt's (only Quipt changed it)", jobs.Value(got.RequestedShippingService))
	}
	if n := summaryInt(t, w, "merge_conflicts"); n != 2 {
		t.Errorf("merge_conflicts %d, want 2", n)
	}
	items, _ := w.Log.LastSummary()["merge_conflict_items"].([]any)
	want := []any{o.ID + ":ship_to", o.ID + ":carrier"}
	if len(items) != 2 || !slices.Contains(items, want[0]) || !slices.Contains(items, want[1]) {
		t.Errorf("merge_conflict_items %v, want %v", items, want)
	}
	kept := map[string]string{}
	for _, e := range w.Log.Events("merge_conflict") {
		if e["quipt_order_id"] == o.ID {
			kept[e["field_group"].(string)] = e["kept"].(string)
		}
	}
	if kept["carrier"] != "shipstation" || kept["ship_to"] != "quipt" || len(kept) != 2 {
		t.Errorf("merge_conflict events kept %v, want carrier: shipstation, ship_to: quipt", kept)
	}
}

// TestOnlyShipStationChangedAQuiptFieldKeepsIt: a person corrected the
// ship-to street in ShipStation and Quipt changed only a quantity: the
// street stays as the person set it.
func TestOnlyShipStationChangedAQuiptFieldKeepsIt(t *testing.T) {
	w, o, job := pushedOne(t, seed{number: "S-1"})
	w.SS.UpdateOrder(ssOrderID(t, w, o), func(s *sst.Order) { s.ShipTo.Street1 = new("12 Elm Street") })
	if err := w.Q.UpdateFulfillmentOrder(o.ID, func(q *quipttest.Order) { q.Lines[0].Quantity = 5 }); err != nil {
		t.Fatal(err)
	}
	run(t, w, job)
	got, _ := w.SS.OrderByKey(key(o))
	if jobs.Value(got.ShipTo.Street1) != "12 Elm Street" || got.Items[0].Quantity != 5 {
		t.Errorf("street %q quantity %d, want the person's street and Quipt's quantity 5", jobs.Value(got.ShipTo.Street1), got.Items[0].Quantity)
	}
	if n := summaryInt(t, w, "merge_conflicts"); n != 0 {
		t.Errorf("merge_conflicts %d, want 0", n)
	}
}
