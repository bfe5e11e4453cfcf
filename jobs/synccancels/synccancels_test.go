package synccancels

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/metrics"
)

// now is the fixed start of the test worlds' clocks (10:00 PST).
var now = time.Date(2026, 11, 5, 18, 0, 0, 0, time.UTC)

const cancelPath = "/v2/orders/fulfillment/cancel"

func newWorld(t testing.TB, o jobstest.Options) *jobstest.World {
	if o.Start.IsZero() {
		o.Start = now
	}
	return jobstest.New(t, o)
}

func newJob(w *jobstest.World, mode string) *SyncCancels {
	return &SyncCancels{Env: w.Env, Mode: mode}
}

// pushed seeds an order as push-orders leaves it: a Quipt fulfillment order
// with lines of the given quantities, its ShipStation copy keyed quipt:<Id>
// whose lineItemKeys are the Quipt line Ids, and push-orders' record of it.
// The ShipStation order was created an hour ago and is awaiting shipment.
func pushed(t testing.TB, w *jobstest.World, number string, quantities ...int) (quipttest.Order, sst.Order) {
	t.Helper()
	var lines []quipttest.Line
	for i, q := range quantities {
		lines = append(lines, quipttest.Line{SKU: fmt.Sprintf("SKU-%d", i), Name: "Item", Quantity: q, UnitPrice: 10})
	}
	qo := w.Q.AddFulfillmentOrder(quipttest.Order{OrderNumber: number, Lines: lines, WarehouseCode: "AUS1"})
	var items []sst.OrderItem
	for _, l := range qo.Lines {
		items = append(items, sst.OrderItem{LineItemKey: new(l.ID), SKU: l.SKU, Name: l.Name, Quantity: l.Quantity, UnitPrice: l.UnitPrice})
	}
	created := w.Now().Add(-time.Hour)
	so := w.SS.AddOrder(sst.Order{
		OrderNumber: number, OrderKey: jobs.PushedKeyPrefix + qo.ID, OrderDate: created, CreateDate: created,
		ShipTo: &sst.Address{Name: "Dana Ruiz"}, Items: items,
	})
	markPushed(t, w, qo.ID, so.OrderID, qo.UpdatedAt)
	return qo, so
}

// markPushed writes push-orders' record of Quipt order quiptID, sent as
// ShipStation order ssOrderID, in the form push-orders writes it to
// jobs.NSPushed: {"hash","version","ss_order_id","acked"}.
func markPushed(t testing.TB, w *jobstest.World, quiptID string, ssOrderID int64, version time.Time) {
	t.Helper()
	hash := sha256.Sum256([]byte(quiptID))
	rec, err := json.Marshal(map[string]any{
		"hash": hex.EncodeToString(hash[:]), "version": version, "ss_order_id": ssOrderID, "acked": true,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.PutRecords(t, jobs.NSPushed, map[string]string{quiptID: string(rec)})
}

// cancelledPushed adds an order shipsync pushed (Quipt order quiptID, with
// its push record) cancelled in ShipStation with the given modifyDate.
func cancelledPushed(t testing.TB, w *jobstest.World, quiptID, number string, modified time.Time) sst.Order {
	t.Helper()
	so := cancelledAt(w, jobs.PushedKeyPrefix+quiptID, number, modified)
	markPushed(t, w, quiptID, so.OrderID, modified)
	return so
}

// cancelledAt adds an order cancelled in ShipStation with the given modifyDate.
func cancelledAt(w *jobstest.World, key, number string, modified time.Time) sst.Order {
	return w.SS.AddOrder(sst.Order{
		OrderNumber: number, OrderKey: key, OrderStatus: sst.StatusCancelled,
		OrderDate: modified.Add(-time.Hour), CreateDate: modified.Add(-time.Hour), ModifyDate: modified,
		ShipTo: &sst.Address{Name: "Dana Ruiz"},
		Items:  []sst.OrderItem{{SKU: "SKU-0", Name: "Item", Quantity: 1, UnitPrice: 10}},
	})
}

func quiptOrder(t *testing.T, w *jobstest.World, id string) quipttest.Order {
	t.Helper()
	o, ok := w.Q.FulfillmentOrder(id)
	if !ok {
		t.Fatalf("Quipt has no order %s", id)
	}
	return o
}

// appliedCancels counts the cancel writes Quipt applied (duplicates excluded).
func appliedCancels(w *jobstest.World) map[string]int {
	out := map[string]int{}
	for _, wr := range w.Q.Writes() {
		if wr.Endpoint == cancelPath && !wr.Duplicate {
			out[wr.Key]++
		}
	}
	return out
}

func cursor(t *testing.T, w *jobstest.World) (time.Time, bool) {
	t.Helper()
	c, ok, err := w.Store.Cursor(context.Background(), jobs.NameSyncCancels, CursorName)
	if err != nil {
		t.Fatal(err)
	}
	return c, ok
}

func run(t *testing.T, w *jobstest.World, job *SyncCancels) {
	t.Helper()
	if err := w.Run(context.Background(), jobs.NameSyncCancels, job.Run); err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestSoftCancelsPushedOrdersOnceAndLeavesOthersAlone(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	q1, s1 := pushed(t, w, "Q-1", 2, 1)
	q2, s2 := pushed(t, w, "Q-2", 3)
	open, _ := pushed(t, w, "Q-open", 1)
	w.SS.CancelOrder(s1.OrderID)
	w.SS.CancelOrder(s2.OrderID)
	// A cancelled order shipsync did not push, and one whose key only looks alike.
	cancelledAt(w, "amazon-113-0001", "AMZ-1", w.Now())
	latest := cancelledAt(w, "QUIPT-"+open.ID, "AMZ-2", w.Now())

	job := newJob(w, ModeSoft)
	run(t, w, job)

	for _, id := range []string{q1.ID, q2.ID} {
		o := quiptOrder(t, w, id)
		if o.SubStatus != quipt.SubStatusSoftCancel || o.Status != quipt.StatusOpen {
			t.Errorf("order %s: Status %d SubStatus %d, want Open (4) and 95", id, o.Status, o.SubStatus)
		}
		if len(o.Cancellations) != 1 || o.Cancellations[0].Type != quipt.CancelSoft {
			t.Errorf("order %s: cancellations %+v, want one Soft", id, o.Cancellations)
		}
	}
	if r := quiptOrder(t, w, q1.ID).Cancellations[0].Reason; r != "Cancelled in ShipStation (order Q-1)" {
		t.Errorf("reason = %q", r)
	}
	if o := quiptOrder(t, w, open.ID); o.SubStatus != 0 || len(o.Cancellations) != 0 {
		t.Errorf("the order not cancelled in ShipStation was touched: %+v", o)
	}
	want := map[string]int{q1.ID + "/Soft": 1, q2.ID + "/Soft": 1}
	if d := cmp.Diff(want, appliedCancels(w)); d != "" {
		t.Errorf("applied cancels (-want +got):\n%s", d)
	}
	recs, err := w.Store.Records(context.Background(), jobs.NSCancelled, []string{q1.ID, q2.ID, open.ID})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]string{q1.ID: ModeSoft, q2.ID: ModeSoft}, recs); d != "" {
		t.Errorf("cancel records (-want +got):\n%s", d)
	}
	if c, ok := cursor(t, w); !ok || c.Sub(latest.ModifyDate).Abs() > time.Microsecond {
		t.Errorf("cursor = %v (set %v), want the latest modifyDate seen, %v", c, ok, latest.ModifyDate)
	}
	sum := w.Log.LastSummary()
	if sum["seen"] != 4.0 || sum["updated"] != 2.0 || sum["skipped_not_ours"] != 2.0 || sum["dead_lettered"] != 0.0 {
		t.Errorf("summary = %v, want seen 4, updated 2, skipped_not_ours 2", sum)
	}
	if sum["shipstation_calls"] != 1.0 || sum["quipt_calls"] != 4.0 {
		t.Errorf("calls: ShipStation %v, Quipt %v; want 1 list page and a read plus a cancel per order", sum["shipstation_calls"], sum["quipt_calls"])
	}
	if n := len(w.Log.Events("cancelled")); n != 2 {
		t.Errorf("%d cancelled events, want 2", n)
	}

	// The second run sees the same window and does nothing.
	writes := len(w.Q.Writes())
	run(t, w, job)
	if n := len(w.Q.Writes()); n != writes {
		t.Errorf("second run wrote to Quipt %d times", n-writes)
	}
	if sum := w.Log.LastSummary(); sum["skipped_done"] != 2.0 || sum["quipt_calls"] != 0.0 {
		t.Errorf("second summary = %v, want skipped_done 2 and no Quipt call", sum)
	}
}

func TestHardCancelCancelsTheOrder(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	qo, so := pushed(t, w, "H-1", 1, 4)
	w.SS.CancelOrder(so.OrderID)
	run(t, w, newJob(w, ModeHard))
	o := quiptOrder(t, w, qo.ID)
	if o.Status != quipt.StatusCanceled || len(o.Cancellations) != 1 || o.Cancellations[0].Type != quipt.CancelHard {
		t.Fatalf("Quipt order: Status %d, cancellations %+v; want 16 and one Hard", o.Status, o.Cancellations)
	}
	rec, _ := w.Store.Records(context.Background(), jobs.NSCancelled, []string{qo.ID})
	if rec[qo.ID] != ModeHard {
		t.Errorf("record = %q, want %q", rec[qo.ID], ModeHard)
	}
}

func TestUnknownModeIsRefused(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	_, so := pushed(t, w, "M-1", 1)
	w.SS.CancelOrder(so.OrderID)
	err := w.Run(context.Background(), jobs.NameSyncCancels, newJob(w, "Soft-ish").Run)
	if err == nil || !strings.Contains(err.Error(), "Soft-ish") {
		t.Fatalf("run with an unknown mode: %v, want an error naming it", err)
	}
	if n := len(w.SS.Requests()); n != 0 {
		t.Errorf("%d ShipStation requests with an unknown mode", n)
	}
}

func TestModeChangeDoesNotCancelAgain(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	qo, so := pushed(t, w, "C-1", 2)
	w.SS.CancelOrder(so.OrderID)
	run(t, w, newJob(w, ModeSoft))
	// The operator switches to hard; the order is edited again in ShipStation,
	// so it is in the next window once more.
	w.SS.UpdateOrder(so.OrderID, func(o *sst.Order) { o.InternalNotes = new("refund by hand") })
	run(t, w, newJob(w, ModeHard))
	o := quiptOrder(t, w, qo.ID)
	if o.Status == quipt.StatusCanceled || len(o.Cancellations) != 1 {
		t.Fatalf("order cancelled again after the mode changed: Status %d, %+v", o.Status, o.Cancellations)
	}
	if s := w.Log.LastSummary(); s["skipped_done"] != 1.0 {
		t.Errorf("summary = %v, want skipped_done 1", s)
	}
}

// bodies records the JSON bodies of the cancels the Quipt client sends.
type bodies struct {
	mu  sync.Mutex
	got []quipt.CancelRequest
}

func (b *bodies) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, cancelPath) {
			raw, err := io.ReadAll(r.Body)
			if err != nil {
				return nil, err
			}
			r.Body = io.NopCloser(bytes.NewReader(raw))
			var req quipt.CancelRequest
			if err := json.Unmarshal(raw, &req); err != nil {
				return nil, err
			}
			b.mu.Lock()
			b.got = append(b.got, req)
			b.mu.Unlock()
		}
		return next.RoundTrip(r)
	})
}

func TestCancelsWhatIsLeftOfEveryLine(t *testing.T) {
	var sent bodies
	w := newWorld(t, jobstest.Options{QuiptTransport: sent.wrap})
	full, s1 := pushed(t, w, "L-full", 2, 1)
	part, s2 := pushed(t, w, "L-part", 3, 1, 2)
	// Quipt holds one live package of 2 of the first line, a voided one of
	// the third, and one live package of the whole second line.
	if err := w.Q.UpdateFulfillmentOrder(part.ID, func(o *quipttest.Order) {
		o.Shipments = []quipttest.Shipment{
			{ExternalShipmentID: "shipstation:1", Lines: []quipttest.LineQuantity{{LineID: o.Lines[0].ID, Quantity: 2}}},
			{ExternalShipmentID: "shipstation:2", Voided: true, Lines: []quipttest.LineQuantity{{LineID: o.Lines[2].ID, Quantity: 2}}},
			{ExternalShipmentID: "shipstation:3", Lines: []quipttest.LineQuantity{{LineID: o.Lines[1].ID, Quantity: 1}}},
		}
	}); err != nil {
		t.Fatal(err)
	}
	w.SS.CancelOrder(s1.OrderID)
	w.SS.CancelOrder(s2.OrderID)
	run(t, w, newJob(w, ModeHard))

	want := []quipt.CancelRequest{
		{OrderID: full.ID, Type: quipt.CancelHard, Reason: "Cancelled in ShipStation (order L-full)",
			Lines: []quipt.LineQuantity{{LineID: full.Lines[0].ID, Quantity: 2}, {LineID: full.Lines[1].ID, Quantity: 1}}},
		{OrderID: part.ID, Type: quipt.CancelHard, Reason: "Cancelled in ShipStation (order L-part)",
			Lines: []quipt.LineQuantity{{LineID: part.Lines[0].ID, Quantity: 1}, {LineID: part.Lines[2].ID, Quantity: 2}}},
	}
	if d := cmp.Diff(want, sent.got); d != "" {
		t.Errorf("cancel requests (-want +got):\n%s", d)
	}
}

// TestFaultsLoseAndDuplicateNothing injects the upstreams' known failures:
// 5xx and dropped connections on the ShipStation list, Quipt 5xx, 429, drops,
// and cancels applied whose answers were lost.
func TestFaultsLoseAndDuplicateNothing(t *testing.T) {
	t.Run("sequential", func(t *testing.T) { faultsLoseAndDuplicateNothing(t) })
	t.Run("concurrency 8", func(t *testing.T) { faultsLoseAndDuplicateNothing(t, quipt.WithConcurrency(8)) })
}

// faultsLoseAndDuplicateNothing is TestFaultsLoseAndDuplicateNothing with a
// Quipt client made with opts.
func faultsLoseAndDuplicateNothing(t *testing.T, opts ...quipt.Option) {
	var cancels atomic.Int32
	w := newWorld(t, jobstest.Options{QuiptOptions: opts, QuiptTransport: func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, cancelPath) || cancels.Add(1)%7 != 0 {
				return next.RoundTrip(r)
			}
			resp, err := next.RoundTrip(r)
			if err == nil {
				resp.Body.Close()
			}
			return nil, errors.New("connection reset by peer (test: answer lost after apply)")
		})
	}})
	var ids []string
	for i := range 40 {
		qo, so := pushed(t, w, fmt.Sprintf("F-%02d", i), 1, 2)
		w.SS.CancelOrder(so.OrderID)
		ids = append(ids, qo.ID)
	}
	w.SS.FailNext("/orders", 2, 500)
	w.SS.DropNext("/orders", 1)
	w.Q.FailNext(cancelPath, 1, 503)
	w.Q.DropNext(cancelPath, 1)
	w.Q.DropAfterApply(cancelPath, 2)
	w.Q.RateLimitNext(1, time.Second)
	w.Q.FailNext("/v2/orders/fulfillment/id/{id}", 1, 502)

	job := newJob(w, ModeSoft)
	run(t, w, job)
	run(t, w, job)
	applied := appliedCancels(w)
	for _, id := range ids {
		if n := applied[id+"/Soft"]; n != 1 {
			t.Errorf("order %s cancelled %d times, want 1", id, n)
		}
		if o := quiptOrder(t, w, id); len(o.Cancellations) != 1 {
			t.Errorf("order %s holds %d cancellations", id, len(o.Cancellations))
		}
	}
	dups := 0
	for _, wr := range w.Q.Writes() {
		if wr.Duplicate {
			dups++
		}
	}
	if want := 2 + 40/7; dups < want {
		t.Errorf("Quipt answered Duplicate %d times, want at least %d (one per cancel whose answer was lost)", dups, want)
	}
}

// TestInterruptedRunIsFinishedByTheNext stops a run half-way (Quipt becomes
// unreachable): the cursor stays, and the next run cancels the rest once.
func TestInterruptedRunIsFinishedByTheNext(t *testing.T) {
	var cancels atomic.Int32
	var healed atomic.Bool
	w := newWorld(t, jobstest.Options{QuiptTransport: func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, cancelPath) && !healed.Load() && cancels.Add(1) > 5 {
				return nil, errors.New("connection refused (test)")
			}
			return next.RoundTrip(r)
		})
	}})
	for i := range 12 {
		_, so := pushed(t, w, fmt.Sprintf("I-%02d", i), 1)
		w.SS.CancelOrder(so.OrderID)
	}
	job := newJob(w, ModeHard)
	if err := w.Run(context.Background(), jobs.NameSyncCancels, job.Run); err == nil {
		t.Fatal("run with an unreachable Quipt succeeded, want an error")
	}
	if n := len(appliedCancels(w)); n != 5 {
		t.Fatalf("after the interrupted run %d orders are cancelled, want 5", n)
	}
	if _, ok := cursor(t, w); ok {
		t.Fatal("the interrupted run moved the cursor")
	}
	healed.Store(true)
	run(t, w, job)
	applied := appliedCancels(w)
	if len(applied) != 12 {
		t.Fatalf("%d orders cancelled, want 12", len(applied))
	}
	for key, n := range applied {
		if n != 1 {
			t.Errorf("%s applied %d times", key, n)
		}
	}
	if s := w.Log.LastSummary(); s["skipped_done"] != 5.0 || s["cancelled"] != 7.0 {
		t.Errorf("summary = %v, want skipped_done 5 and cancelled 7", s)
	}
	if _, ok := cursor(t, w); !ok {
		t.Error("the completed run did not set the cursor")
	}
}

// setCursor stores the job's cursor as a previous run would have.
func setCursor(t *testing.T, w *jobstest.World, at time.Time) {
	t.Helper()
	ctx := context.Background()
	lease, err := w.Store.AcquireLease(ctx, jobs.NameSyncCancels, "test", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Store.AdvanceCursor(ctx, lease, CursorName, at); err != nil {
		t.Fatal(err)
	}
	if err := w.Store.ReleaseLease(ctx, lease); err != nil {
		t.Fatal(err)
	}
}

func TestOverlapSeesLateCancelsButAppliesNothingTwice(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	qa, sa := pushed(t, w, "O-a", 1)
	w.SS.CancelOrder(sa.OrderID)
	job := newJob(w, ModeSoft)
	run(t, w, job)
	c, ok := cursor(t, w)
	if !ok {
		t.Fatal("no cursor after the first run")
	}
	// Two cancels become visible only now, dated before the cursor: one 30
	// minutes before (inside the overlap), one 70 minutes before (outside).
	qb := w.Q.AddFulfillmentOrder(quipttest.Order{OrderNumber: "O-b", Lines: []quipttest.Line{{SKU: "SKU-0", Quantity: 1}}})
	late := cancelledPushed(t, w, qb.ID, "O-b", c.Add(-30*time.Minute))
	qc := w.Q.AddFulfillmentOrder(quipttest.Order{OrderNumber: "O-c", Lines: []quipttest.Line{{SKU: "SKU-0", Quantity: 1}}})
	cancelledPushed(t, w, qc.ID, "O-c", c.Add(-70*time.Minute))

	run(t, w, job)
	applied := appliedCancels(w)
	want := map[string]int{qa.ID + "/Soft": 1, qb.ID + "/Soft": 1}
	if d := cmp.Diff(want, applied); d != "" {
		t.Errorf("applied cancels (-want +got):\n%s", d)
	}
	if s := w.Log.LastSummary(); s["seen"] != 2.0 || s["skipped_done"] != 1.0 || s["cancelled"] != 1.0 {
		t.Errorf("summary = %v, want seen 2 (the late one and the earlier one again), skipped_done 1, cancelled 1", s)
	}
	if c2, _ := cursor(t, w); !c2.Equal(c) {
		t.Errorf("cursor moved from %v to %v, though nothing newer than it was seen (late one: %v)", c, c2, late.ModifyDate)
	}
}

// TestFallBackHourIsCaught runs during the second pass of 01:xx on
// 2026-11-01, when Pacific clocks have fallen back: the cursor of a run in the
// first pass reads later than the cancel that follows it.
func TestFallBackHourIsCaught(t *testing.T) {
	pdt := time.FixedZone("PDT", -7*3600)
	pst := time.FixedZone("PST", -8*3600)
	w := newWorld(t, jobstest.Options{Start: time.Date(2026, 11, 1, 1, 40, 0, 0, pst)})
	// The previous run, at 01:56 PDT, saw a change at 01:55 PDT.
	cur := time.Date(2026, 11, 1, 1, 55, 0, 0, pdt)
	setCursor(t, w, cur)
	// At 01:20 PST, 25 minutes after that, an order shipsync pushed is cancelled.
	qo := w.Q.AddFulfillmentOrder(quipttest.Order{OrderNumber: "DST-1", Lines: []quipttest.Line{{SKU: "SKU-0", Quantity: 1}}})
	cancelledPushed(t, w, qo.ID, "DST-1", time.Date(2026, 11, 1, 1, 20, 0, 0, pst))

	run(t, w, newJob(w, ModeSoft))
	if o := quiptOrder(t, w, qo.ID); o.SubStatus != quipt.SubStatusSoftCancel {
		t.Fatalf("the cancel in the repeated hour was missed: SubStatus %d", o.SubStatus)
	}
	// "01:20" reads as 01:20 PDT, before the cursor: the cursor must not move back.
	if c, _ := cursor(t, w); !c.Equal(cur) {
		t.Errorf("cursor = %v, want it kept at %v", c, cur.UTC())
	}
}

func TestRefusedCancelsAreDeadLetteredAndTheRestProceed(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	shippedQ, s1 := pushed(t, w, "D-shipped", 1)
	if err := w.Q.SetStatus(shippedQ.ID, quipt.StatusShipped, 0); err != nil {
		t.Fatal(err)
	}
	okQ, s2 := pushed(t, w, "D-ok", 1)
	// The buyer cancelled this one in Quipt already: no write, no dead letter.
	doneQ, s3 := pushed(t, w, "D-done", 1)
	if err := w.Q.SetStatus(doneQ.ID, quipt.StatusCanceled, 0); err != nil {
		t.Fatal(err)
	}
	w.SS.CancelOrder(s1.OrderID)
	w.SS.CancelOrder(s2.OrderID)
	w.SS.CancelOrder(s3.OrderID)
	gone := cancelledPushed(t, w, "no-such-order", "D-gone", w.Now())
	w.SS.AddRawOrder(json.RawMessage(`{"orderId": 990001, "orderNumber": "BROKEN", "orderKey": "quipt:x", "modifyDate": "soon", "orderStatus": "cancelled"}`))

	job := newJob(w, ModeSoft)
	run(t, w, job)
	if o := quiptOrder(t, w, okQ.ID); o.SubStatus != quipt.SubStatusSoftCancel {
		t.Errorf("the good order was not cancelled: SubStatus %d", o.SubStatus)
	}
	dls, err := w.Store.DeadLetters(context.Background(), jobs.NameSyncCancels)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, d := range dls {
		reasons[d.ID] = d.Reason
	}
	if r := reasons[shippedQ.ID]; !strings.Contains(r, "order is shipped") {
		t.Errorf("409 dead letter reason = %q, want Quipt's message", r)
	}
	if r := reasons["no-such-order"]; !strings.Contains(r, "404") {
		t.Errorf("unknown order dead letter reason = %q, want the 404", r)
	}
	if r := reasons["shipstation-order:990001"]; !strings.Contains(r, "malformed") {
		t.Errorf("malformed order dead letter reason = %q", r)
	}
	if len(reasons) != 3 {
		t.Errorf("dead letters = %v, want 3", reasons)
	}
	if n := appliedCancels(w)[doneQ.ID+"/Soft"]; n != 0 {
		t.Errorf("an order cancelled in Quipt already was cancelled again")
	}
	if rec, _ := w.Store.Records(context.Background(), jobs.NSCancelled, []string{doneQ.ID}); rec[doneQ.ID] == "" {
		t.Errorf("the order cancelled in Quipt already was not recorded as done")
	}
	if c, ok := cursor(t, w); !ok || c.Before(gone.ModifyDate.Add(-time.Second)) {
		t.Errorf("cursor = %v (set %v): dead letters must not hold it back", c, ok)
	}

	// The parked orders are not tried again.
	calls := w.Q.Calls(cancelPath)
	run(t, w, job)
	if n := w.Q.Calls(cancelPath); n != calls {
		t.Errorf("second run sent %d cancels, want 0", n-calls)
	}
	if s := w.Log.LastSummary(); s["skipped_parked"] != 3.0 || s["skipped_done"] != 2.0 || s["dead_lettered"] != 0.0 {
		t.Errorf("summary = %v, want skipped_parked 3 (the malformed order too), skipped_done 2 and dead_lettered 0", s)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	qo, so := pushed(t, w, "DRY-1", 1)
	w.SS.CancelOrder(so.OrderID)
	cancelledPushed(t, w, "no-such-order", "DRY-gone", w.Now())
	w.Env.DryRun = true
	job := newJob(w, ModeHard)
	run(t, w, job)

	if n := len(w.Q.Writes()); n != 0 {
		t.Errorf("dry run made %d Quipt writes", n)
	}
	if rec, err := w.Store.Records(context.Background(), jobs.NSCancelled, []string{qo.ID}); err != nil || len(rec) != 0 {
		t.Errorf("dry run recorded cancels: %v %v", rec, err)
	}
	if dls, _ := w.Store.DeadLetters(context.Background(), ""); len(dls) != 0 {
		t.Errorf("dry run dead-lettered %d items", len(dls))
	}
	if _, ok := cursor(t, w); ok {
		t.Error("dry run moved the cursor")
	}
	ev := w.Log.Events("would_cancel")
	if len(ev) != 1 || ev[0]["quipt_order_id"] != qo.ID || ev[0]["type"] != quipt.CancelHard {
		t.Errorf("would_cancel events = %v, want one for %s", ev, qo.ID)
	}

	w.Env.DryRun = false
	run(t, w, job)
	if o := quiptOrder(t, w, qo.ID); o.Status != quipt.StatusCanceled {
		t.Error("the real run after a dry run did not cancel the order")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestWindowThatShiftsDuringTheScanIsReadAgain un-cancels an order while the
// run is on the first page. The pages after it shift by one, so one order
// slips from the second page onto the first, which was read already: the
// cursor must stay so that the next run reads the window again.
func TestWindowThatShiftsDuringTheScanIsReadAgain(t *testing.T) {
	var first *sst.Order
	var once sync.Once
	var w *jobstest.World
	w = newWorld(t, jobstest.Options{QuiptTransport: func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, cancelPath) {
				once.Do(func() {
					w.SS.UpdateOrder(first.OrderID, func(o *sst.Order) { o.OrderStatus = sst.StatusAwaitingShipment })
				})
			}
			return next.RoundTrip(r)
		})
	}})
	// 1,002 cancels ten seconds apart (three pages); the first and the 501st
	// are orders shipsync pushed, the others are not.
	base := now.Add(-3 * time.Hour)
	var slipped quipttest.Order
	for i := range 1002 {
		key := fmt.Sprintf("other-%04d", i)
		var qo quipttest.Order
		if i == 0 || i == 500 {
			qo = w.Q.AddFulfillmentOrder(quipttest.Order{OrderNumber: fmt.Sprintf("S-%04d", i), Lines: []quipttest.Line{{SKU: "SKU-0", Quantity: 1}}})
			key = jobs.PushedKeyPrefix + qo.ID
		}
		o := cancelledAt(w, key, fmt.Sprintf("S-%04d", i), base.Add(time.Duration(i)*10*time.Second))
		if qo.ID != "" {
			markPushed(t, w, qo.ID, o.OrderID, qo.UpdatedAt)
		}
		switch i {
		case 0:
			first = &o
		case 500:
			slipped = qo
		}
	}

	job := newJob(w, ModeSoft)
	run(t, w, job)
	if o := quiptOrder(t, w, slipped.ID); len(o.Cancellations) != 0 {
		t.Fatal("the order that slipped onto the page already read was cancelled: the test did not shift the window")
	}
	if len(w.Log.Events("window_changed")) != 1 {
		t.Error("no window_changed event")
	}
	if c, ok := cursor(t, w); ok {
		t.Fatalf("cursor set to %v after a window that changed during the scan", c)
	}
	run(t, w, job)
	if o := quiptOrder(t, w, slipped.ID); len(o.Cancellations) != 1 {
		t.Errorf("the slipped order holds %d cancellations after the second run, want 1", len(o.Cancellations))
	}
	if _, ok := cursor(t, w); !ok {
		t.Error("the second, undisturbed run did not set the cursor")
	}
}

// TestMalformedOrderIsDeadLetteredOnce: the second run over a page with a
// malformed order has nothing to do, and does nothing: no dead letter, no
// growing attempts.
func TestMalformedOrderIsDeadLetteredOnce(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	w.SS.AddRawOrder(json.RawMessage(`{"orderId": 990001, "orderNumber": "BROKEN", "orderKey": "quipt:x", "modifyDate": "soon", "orderStatus": "cancelled"}`))
	job := newJob(w, ModeSoft)
	run(t, w, job)
	run(t, w, job)
	dls := w.DeadLetters(t, jobs.NameSyncCancels)
	if d, ok := dls["shipstation-order:990001"]; !ok || d.Attempts != 1 || len(dls) != 1 {
		t.Errorf("dead letters = %+v, want shipstation-order:990001 alone, attempts 1", dls)
	}
	if s := w.Log.LastSummary(); s["dead_lettered"] != 0.0 || s["skipped_parked"] != 1.0 {
		t.Errorf("second summary = %v, want dead_lettered 0, skipped_parked 1", s)
	}
}

// TestQuietAccountMovesTheCursorAndReportsItsLag: with nothing cancelled,
// each complete window still moves the cursor, to its end minus the overlap,
// so the lag (beyond the overlap) stays at zero instead of growing until it alerts.
func TestQuietAccountMovesTheCursorAndReportsItsLag(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	at := now
	w.Env.Now = func() time.Time { return at }
	reg := prometheus.NewRegistry()
	w.Env.Metrics = metrics.New(reg)
	job := newJob(w, ModeSoft)
	lag := `
# HELP shipsync_cursor_lag_seconds How far a job's cursor trails now, without the re-read overlap: near zero when the job keeps up.
# TYPE shipsync_cursor_lag_seconds gauge
shipsync_cursor_lag_seconds{cursor="orders-modified",job="sync-cancels"} 0
`
	for _, step := range []time.Duration{0, time.Hour, 5 * time.Hour} {
		at = now.Add(step)
		run(t, w, job)
		if c, ok := cursor(t, w); !ok || !c.Equal(at.Add(-Overlap)) {
			t.Errorf("after the run at %v: cursor = %v (set %v), want %v", at, c, ok, at.Add(-Overlap))
		}
		if err := testutil.GatherAndCompare(reg, strings.NewReader(lag), "shipsync_cursor_lag_seconds"); err != nil {
			t.Errorf("after the run at %v: %v", at, err)
		}
	}

	// A dry run leaves the cursor where it is.
	w.Env.DryRun = true
	at = now.Add(6 * time.Hour)
	run(t, w, job)
	if c, _ := cursor(t, w); !c.Equal(now.Add(5*time.Hour - Overlap)) {
		t.Errorf("dry run moved the cursor to %v", c)
	}
}
