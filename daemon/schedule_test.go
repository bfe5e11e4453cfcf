package daemon

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/jobs/reconcile"
)

// idleBudget is the most ShipStation calls a minute all jobs together may
// spend with nothing to do: 15 % of the default budget of 40 a minute.
const idleBudget = 6

// defaultJobs returns the job list of the default configuration (the
// variables every deployment sets, schedules at their defaults) against a
// world whose clock the test steps.
func defaultJobs(t *testing.T, start time.Time, kv ...string) ([]Job, *jobstest.World, *jobstest.Clock) {
	t.Helper()
	clk := jobstest.NewClock(start)
	w := jobstest.New(t, jobstest.Options{Clock: clk.Now})
	env := w.Environ()
	env["ASSIGN_USER_ID"] = sst.DefaultUserID
	env["PREFERRED_CARRIER"], env["DEFAULT_SERVICE"] = "ups", "ups_ground"
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	cfg, err := config.Load(env)
	if err != nil {
		t.Fatal(err)
	}
	r := &listRunner{w: w}
	r.list = jobList(cfg, w.Env, r, nil)
	return r.list, w, clk
}

// listRunner runs a job of list once in w, for reconcile's repairs.
type listRunner struct {
	w    *jobstest.World
	list []Job
}

func (r *listRunner) RunOnce(ctx context.Context, name string) error {
	for _, j := range r.list {
		if j.Name == name {
			return r.w.Run(ctx, name, j.Run)
		}
	}
	return fmt.Errorf("no job %s", name)
}

// shipStationCalls runs j once and returns how many requests ShipStation
// received during the run.
func shipStationCalls(t *testing.T, w *jobstest.World, j Job) int {
	t.Helper()
	before := len(w.SS.Requests())
	if err := w.Run(context.Background(), j.Name, j.Run); err != nil {
		t.Fatalf("%s: %v", j.Name, err)
	}
	return len(w.SS.Requests()) - before
}

// mostRunsInAMinute is the largest number of times s starts within one
// minute, over a day from start.
func mostRunsInAMinute(s config.Schedule, start time.Time) int {
	c := s.Cron()
	if c == nil {
		return 0
	}
	most := 0
	for at := c.Next(start); at.Before(start.Add(24 * time.Hour)); at = c.Next(at) {
		n := 0
		for next := at; next.Before(at.Add(time.Minute)); next = c.Next(next) {
			n++
		}
		most = max(most, n)
	}
	return most
}

// TestIdleRunsSpendAtMostFifteenPercentOfTheBudget: with nothing to do, each
// job's run costs one ShipStation call per window it reads (get-orders 1:
// the orders modified since its cursor; push-orders 0: it reads Quipt;
// sync-tracking 3: labels by create date, labels by void date, fulfillments;
// sync-cancels 1), and on their default schedules all jobs together spend at
// most idleBudget calls in any minute.
func TestIdleRunsSpendAtMostFifteenPercentOfTheBudget(t *testing.T) {
	start := time.Date(2026, 3, 4, 17, 0, 0, 0, time.UTC)
	list, w, clk := defaultJobs(t, start)
	created := start.Add(-2 * time.Hour)
	addShipStationOrder(w, "IDLE-1", created)
	for _, j := range list { // the first runs do the work there is
		shipStationCalls(t, w, j)
	}
	want := map[string]int{"get-orders": 1, "push-orders": 0, "sync-tracking": 3, "sync-cancels": 1}
	// Minutes 1 and 2 read what changed; minute 61 is get-orders' sweep.
	for _, minute := range []int{1, 2, 61} {
		clk.Set(start.Add(time.Duration(minute) * time.Minute))
		perMinute := 0
		for _, j := range list {
			n := shipStationCalls(t, w, j)
			if j.Name == reconcile.Name {
				// Not an idle sync but the nightly comparison, whose reads
				// RECONCILE_BUDGET_SHARE bounds (half of 40 a minute by
				// default; tested in jobs/reconcile): three lists here.
				if n != 3 {
					t.Errorf("minute %d: idle reconcile sent %d ShipStation calls, want 3", minute, n)
				}
				continue
			}
			if w, ok := want[j.Name]; ok && n != w {
				t.Errorf("minute %d: idle %s run sent %d ShipStation calls, want %d", minute, j.Name, n, w)
			}
			perMinute += n * mostRunsInAMinute(j.Schedule, start)
			t.Logf("minute %d: idle %s: %d ShipStation calls a run, at most %d runs a minute", minute, j.Name, n, mostRunsInAMinute(j.Schedule, start))
		}
		if perMinute > idleBudget {
			t.Errorf("minute %d: idle jobs on their default schedules spend %d ShipStation calls a minute, want at most %d", minute, perMinute, idleBudget)
		}
	}
}

// addShipStationOrder adds an order awaiting shipment, created at created.
func addShipStationOrder(w *jobstest.World, number string, created time.Time) sst.Order {
	return w.SS.AddOrder(sst.Order{
		OrderNumber: number, OrderDate: created, CreateDate: created, OrderStatus: sst.StatusAwaitingShipment,
		BillTo: &sst.Address{Name: "Dana Ruiz"},
		ShipTo: &sst.Address{Name: "Dana Ruiz", Street1: new("12 Elm St"), City: new("Austin"), State: new("TX"),
			PostalCode: new("78701"), Country: new("US")},
		Items: []sst.OrderItem{{SKU: "CASE-IP15-BLK", Name: "Case", Quantity: 1, UnitPrice: 19.99}},
	})
}

// crossing is how long after it appears an item may wait for the run that
// carries it over: the next start of the job's default schedule. The run
// itself then reads one page of what changed and writes the item (get-orders:
// 2 ShipStation calls and 1 Quipt call; sync-tracking: 3 and 1), seconds
// even at the pace of 40 calls a minute, so the item crosses over within
// 60 s + the run < 90 s.
const crossing = time.Minute

// runAt sets the clock to the next start of j's schedule after appeared,
// checks it is within crossing, and runs j there.
func runAt(t *testing.T, w *jobstest.World, clk *jobstest.Clock, j Job, appeared time.Time) {
	t.Helper()
	next := j.Schedule.Cron().Next(appeared)
	if wait := next.Sub(appeared); wait > crossing {
		t.Errorf("%s: an item that appears at %s waits %s for the next run, want at most %s", j.Name, appeared, wait, crossing)
	}
	clk.Set(next)
	shipStationCalls(t, w, j)
}

// TestOrderAndLabelCrossOverWithinTheNextMinute: on the default schedules,
// an order created in ShipStation is a Quipt purchase order after the next
// get-orders run, and a label bought for a pushed order is a Quipt shipment
// after the next sync-tracking run, each starting within a minute.
func TestOrderAndLabelCrossOverWithinTheNextMinute(t *testing.T) {
	start := time.Date(2026, 3, 4, 17, 0, 0, 0, time.UTC)
	list, w, clk := defaultJobs(t, start, "SINGLE_STORE_ID", strconv.FormatInt(sst.DefaultStoreID, 10))
	byName := map[string]Job{}
	for _, j := range list {
		byName[j.Name] = j
		shipStationCalls(t, w, j) // every cursor is set: the runs from now on are incremental
	}

	appeared := start.Add(5 * time.Second)
	clk.Set(appeared)
	order := addShipStationOrder(w, "NEW-1", appeared)
	qo := w.Q.AddFulfillmentOrder(quipttest.Order{OrderNumber: "Q-NEW-1", Status: quipt.StatusOpen,
		Channel:  quipttest.Channel{ID: "c1", Name: "Web Store"},
		Customer: quipttest.Customer{Name: "Dana Ruiz"},
		ShipTo:   quipttest.Address{Name: "Dana Ruiz", Address1: "12 Elm St", City: "Austin", State: "TX", PostalCode: "78701", Country: "US"},
		Lines:    []quipttest.Line{{SKU: "CASE-IP15-BLK", Name: "Case", Quantity: 1, UnitPrice: 19.99}},
		Shipping: quipttest.Shipping{RequestedMethod: "Ground"}})
	runAt(t, w, clk, byName[jobs.NameGetOrders], appeared)
	imported := false
	for _, po := range w.Q.PurchaseOrders() {
		imported = imported || jobs.Value(po.PartnerReference) == jobs.PartnerRefPrefix+strconv.FormatInt(order.OrderID, 10)
	}
	if !imported {
		t.Fatalf("order %d not imported by the next get-orders run", order.OrderID)
	}

	runAt(t, w, clk, byName[jobs.NamePushOrders], appeared)
	copyInSS, ok := w.SS.OrderByKey(jobs.PushedKeyPrefix + qo.ID)
	if !ok {
		t.Fatalf("Quipt order %s not pushed by the next push-orders run", qo.ID)
	}
	labelled := clk.Now().Add(5 * time.Second)
	clk.Set(labelled)
	label := w.SS.CreateLabel(copyInSS.OrderID, nil, "ups", "ups_ground")
	runAt(t, w, clk, byName[jobs.NameSyncTracking], labelled)
	got, _ := w.Q.FulfillmentOrder(qo.ID)
	if len(got.Shipments) != 1 || got.Shipments[0].TrackingNumber != label.TrackingNumber {
		t.Errorf("Quipt shipments after the next sync-tracking run = %+v, want the label %s", got.Shipments, label.TrackingNumber)
	}
}
