package getorders

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/shipstation"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// steppedWorld is a World whose clock the test steps, starting at start.
func steppedWorld(t testing.TB, start time.Time, o jobstest.Options) (*jobstest.World, *jobstest.Clock) {
	clk := jobstest.NewClock(start)
	o.Clock = clk.Now
	return jobstest.New(t, o), clk
}

// runAndCount makes one run of job and returns the ShipStation requests it sent.
func runAndCount(t testing.TB, w *jobstest.World, job *GetOrders) []sst.Request {
	t.Helper()
	before := len(w.SS.Requests())
	if err := w.Run(context.Background(), jobs.NameGetOrders, job.Run); err != nil {
		t.Fatal(err)
	}
	return w.SS.Requests()[before:]
}

// listReads returns the order list requests among reqs, each as its query.
func listReads(t *testing.T, reqs []sst.Request) []url.Values {
	t.Helper()
	var out []url.Values
	for _, r := range reqs {
		if r.Method != http.MethodGet || (r.Path != "/orders" && r.Path != "/orders/listbytag") {
			continue
		}
		q, err := url.ParseQuery(r.Query)
		if err != nil {
			t.Fatal(err)
		}
		q.Set("path", r.Path)
		out = append(out, q)
	}
	return out
}

// wantImported fails the test unless Quipt holds exactly the purchase orders
// of orders, each once.
func wantImported(t *testing.T, w *jobstest.World, orders ...sst.Order) {
	t.Helper()
	pos := purchaseOrdersByRef(t, w.Q)
	for _, o := range orders {
		if _, ok := pos[ref(o)]; !ok {
			t.Errorf("%s (%s) not imported", o.OrderNumber, ref(o))
		}
	}
	if len(pos) != len(orders) {
		t.Errorf("Quipt holds %d purchase orders %v, want %d", len(pos), keys(pos), len(orders))
	}
}

// TestRunsBetweenSweepsReadOnlyModifiedOrders: the first run sweeps the
// whole window; the runs of the next hour read only the orders modified
// since the cursor, overlap included (one list call when idle, although the
// window holds more than a page), and the next sweep catches an order whose
// modifyDate is older than that.
func TestRunsBetweenSweepsReadOnlyModifiedOrders(t *testing.T) {
	w, clk := steppedWorld(t, now, jobstest.Options{})
	done := map[string]string{}
	for i := range 600 { // imported and assigned long ago: 2 pages of the window
		o := addOrder(w, seed{number: "OLD-" + strconv.Itoa(i), created: now.Add(-48 * time.Hour), method: "Ground"})
		done[strconv.FormatInt(o.OrderID, 10)] = "po-" + strconv.Itoa(i)
	}
	w.PutRecords(t, jobs.NSImported, done)
	w.PutRecords(t, jobs.NSAssigned, func() map[string]string {
		kv := map[string]string{}
		for id := range done {
			kv[id] = sst.DefaultUserID
		}
		return kv
	}())
	a := addOrder(w, seed{number: "A", created: now.Add(-3 * time.Hour), method: "Ground"})
	job := newJob(w)
	job.Sweep = time.Hour

	reads := listReads(t, runAndCount(t, w, job))
	if len(reads) != 2 || reads[0].Has("modifyDateStart") {
		t.Fatalf("first run read %v, want the 2 pages of the whole window (a sweep)", reads)
	}

	// In the overlap: modified 100 minutes ago, i.e. between the cursor
	// (now − 65 min on this quiet account) and 65 minutes before it; made
	// visible only now. Outside it: modified 5 hours ago.
	inOverlap := addOrder(w, seed{number: "D-overlap", created: now.Add(-4 * time.Hour), modified: now.Add(-100 * time.Minute), method: "Ground"})
	stale := addOrder(w, seed{number: "C-stale", created: now.Add(-5 * time.Hour), method: "Ground"})
	clk.Set(now.Add(30 * time.Second))
	fresh := addOrder(w, seed{number: "B-new", created: now.Add(30 * time.Second), method: "Ground"})
	clk.Set(now.Add(time.Minute))
	reads = listReads(t, runAndCount(t, w, job))
	if len(reads) != 1 || reads[0].Get("path") != "/orders" || !reads[0].Has("modifyDateStart") ||
		!reads[0].Has("modifyDateEnd") || !reads[0].Has("createDateStart") {
		t.Fatalf("second run read %v, want one /orders call filtered by modify and create date", reads)
	}
	wantImported(t, w, a, inOverlap, fresh)

	clk.Set(now.Add(2 * time.Minute))
	writes := len(w.Q.Writes())
	if reqs := runAndCount(t, w, job); len(reqs) != 1 {
		t.Errorf("idle run sent %d ShipStation requests %v, want 1", len(reqs), reqs)
	}
	if n := len(w.Q.Writes()) - writes; n != 0 {
		t.Errorf("idle run wrote to Quipt %d times", n)
	}

	clk.Set(now.Add(61 * time.Minute))
	reads = listReads(t, runAndCount(t, w, job))
	if len(reads) != 2 || reads[0].Has("modifyDateStart") {
		t.Fatalf("run after an hour read %v, want a sweep", reads)
	}
	wantImported(t, w, a, inOverlap, fresh, stale)
	if ev := w.Log.Events("swept"); len(ev) != 2 {
		t.Errorf("swept events = %d, want 2 (the first run and the one after an hour)", len(ev))
	}
}

// TestOrderModifiedDuringARunIsReadByTheNext: orders that change while a
// run reads the list (one becomes awaiting_shipment after its page was read,
// one already listed is edited) are imported by the next run, each once.
func TestOrderModifiedDuringARunIsReadByTheNext(t *testing.T) {
	var armed atomic.Bool
	var w *jobstest.World
	var clk *jobstest.Clock
	var held, listed sst.Order
	hook := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		res, err := http.DefaultTransport.RoundTrip(r)
		if err == nil && r.URL.Path == "/orders" && armed.CompareAndSwap(true, false) {
			clk.Add(10 * time.Second)
			w.SS.UpdateOrder(held.OrderID, func(o *sst.Order) { o.OrderStatus = sst.StatusAwaitingShipment })
			w.SS.UpdateOrder(listed.OrderID, func(o *sst.Order) { o.ShipTo.Street2 = new("Apt 4") })
		}
		return res, err
	})
	w, clk = steppedWorld(t, now, jobstest.Options{ShipStationOptions: []shipstation.Option{
		shipstation.WithHTTPClient(&http.Client{Transport: hook, Timeout: 30 * time.Second}),
	}})
	listed = addOrder(w, seed{number: "E-listed", created: now.Add(-time.Hour), method: "Ground"})
	held = addOrder(w, seed{number: "F-held", created: now.Add(-2 * time.Hour), status: sst.StatusOnHold, method: "Ground"})
	job := newJob(w)
	job.Sweep = time.Hour
	runAndCount(t, w, job) // the sweep

	clk.Set(now.Add(time.Minute))
	armed.Store(true)
	runAndCount(t, w, job)
	if armed.Load() {
		t.Fatal("the second run listed no orders")
	}
	wantImported(t, w, listed)

	clk.Add(time.Minute)
	runAndCount(t, w, job)
	wantImported(t, w, listed, held)
}

// TestFallBackHourLosesNothing: ShipStation's dates are Pacific wall-clock
// times without an offset, so when clocks fall back (2026-11-01 02:00 PDT
// becomes 01:00 PST, at 09:00Z) an order modified in the repeated hour looks
// older than the cursor. The overlap reads it all the same.
func TestFallBackHourLosesNothing(t *testing.T) {
	at := func(hh, mm int) time.Time { return time.Date(2026, 11, 1, hh, mm, 0, 0, time.UTC) }
	w, clk := steppedWorld(t, at(8, 58), jobstest.Options{})
	job := newJob(w)
	job.Sweep = 24 * time.Hour
	x := addOrder(w, seed{number: "X-pdt", created: at(8, 55), method: "Ground"}) // 01:55 PDT
	runAndCount(t, w, job)                                                        // sweep; cursor 01:55 PDT
	wantImported(t, w, x)

	y := addOrder(w, seed{number: "Y-pst", created: at(9, 20), method: "Ground"})  // 01:20 PST
	z := addOrder(w, seed{number: "Z-late", created: at(8, 59), method: "Ground"}) // 01:59 PDT, visible late
	clk.Set(at(9, 30))                                                             // 01:30 PST
	if reads := listReads(t, runAndCount(t, w, job)); len(reads) != 1 || !reads[0].Has("modifyDateStart") {
		t.Fatalf("second run read %v, want one read of the modified orders", reads)
	}
	pos := purchaseOrdersByRef(t, w.Q)
	if _, ok := pos[ref(y)]; !ok {
		t.Errorf("the order modified at 01:20 PST, wall-clock before the cursor, was not imported")
	}
	clk.Set(at(10, 5)) // 02:05 PST
	runAndCount(t, w, job)
	wantImported(t, w, x, y, z)
}

// TestTagRunsBetweenSweepsReadChangedOrders: with a tag the sweep reads
// /orders/listbytag, which has no date filter; the runs in between read the
// modified orders of the status through /orders and keep the tagged ones.
func TestTagRunsBetweenSweepsReadChangedOrders(t *testing.T) {
	w, clk := steppedWorld(t, now, jobstest.Options{})
	old := addOrder(w, seed{number: "T-old", created: now.Add(-2 * time.Hour), method: "Ground", tags: []int64{sst.QuiptTagID}})
	job := newJob(w)
	job.TagID, job.Sweep = sst.QuiptTagID, time.Hour
	if reads := listReads(t, runAndCount(t, w, job)); len(reads) != 1 || reads[0].Get("path") != "/orders/listbytag" {
		t.Fatalf("first run read %v, want one /orders/listbytag call", reads)
	}
	tagged := addOrder(w, seed{number: "T-new", created: now.Add(30 * time.Second), method: "Ground", tags: []int64{sst.QuiptTagID}})
	addOrder(w, seed{number: "T-untagged", created: now.Add(30 * time.Second), method: "Ground"})
	clk.Set(now.Add(time.Minute))
	reads := listReads(t, runAndCount(t, w, job))
	if len(reads) != 1 || reads[0].Get("path") != "/orders" || !reads[0].Has("modifyDateStart") || reads[0].Get("orderStatus") != sst.StatusAwaitingShipment {
		t.Fatalf("second run read %v, want one /orders call of the modified orders", reads)
	}
	wantImported(t, w, old, tagged)
}

// TestCursorMovesWhenOrdersLeaveDuringTheScan: on a busy account orders are
// shipped while a run reads its pages, so the list's total changes; the
// cursor still moves to the newest modification seen (a cursor kept on every
// shift would never move and its window would grow without end).
func TestCursorMovesWhenOrdersLeaveDuringTheScan(t *testing.T) {
	var armed atomic.Bool
	var w *jobstest.World
	var shipped sst.Order
	hook := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		res, err := http.DefaultTransport.RoundTrip(r)
		if err == nil && r.URL.Path == "/orders" && r.URL.Query().Get("page") == "1" && armed.CompareAndSwap(true, false) {
			w.SS.UpdateOrder(shipped.OrderID, func(o *sst.Order) { o.OrderStatus = sst.StatusShipped })
		}
		return res, err
	})
	w, clk := steppedWorld(t, now, jobstest.Options{ShipStationOptions: []shipstation.Option{
		shipstation.WithHTTPClient(&http.Client{Transport: hook, Timeout: 30 * time.Second}),
	}})
	done := map[string]string{}
	for i := range 600 { // modified ten minutes ago, all imported: 2 pages of modified orders
		o := addOrder(w, seed{number: "M-" + strconv.Itoa(i), created: now.Add(-time.Hour), modified: now.Add(-10 * time.Minute), method: "Ground"})
		done[strconv.FormatInt(o.OrderID, 10)] = "po"
		if i == 0 {
			shipped = o
		}
	}
	w.PutRecords(t, jobs.NSImported, done)
	job := newJob(w)
	job.Sweep, job.AssignUserID = time.Hour, ""
	runAndCount(t, w, job) // the sweep

	clk.Set(now.Add(30 * time.Second))
	fresh := addOrder(w, seed{number: "N-new", created: now.Add(30 * time.Second), method: "Ground"})
	clk.Set(now.Add(time.Minute))
	armed.Store(true)
	if reads := listReads(t, runAndCount(t, w, job)); len(reads) != 2 || armed.Load() {
		t.Fatalf("second run read %d pages (hook fired: %v), want 2 with an order shipped after the first", len(reads), !armed.Load())
	}
	wantImported(t, w, fresh)
	cursor, ok, err := w.Store.Cursor(context.Background(), jobs.NameGetOrders, ModifiedCursor)
	if err != nil || !ok || cursor.Before(now.Add(30*time.Second)) {
		t.Errorf("cursor = %v (%v, %v), want the newest modification seen, %v", cursor, ok, err, now.Add(30*time.Second))
	}
}
