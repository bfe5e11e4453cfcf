package reconcile_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/shipsync/shipsync/config"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/daemon"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/jobs/reconcile"
)

// environ is a configuration that resolves against w's sandboxes, with
// extra NAME, value pairs. The preflight of every command reads the account:
// the rate limit is the highest, so tests do not wait for the budget.
func environ(w *jobstest.World, extra ...string) map[string]string {
	env := w.Environ()
	kv := append([]string{
		"ASSIGN_USER_ID", sst.DefaultUserID, "SHIPPING_MAPPINGS", "Ground=fedex:fedex_ground",
		"PREFERRED_CARRIER", "ups", "DEFAULT_SERVICE", "ups_ground",
		"CHANNEL_STORES", "Web Store=88231,Amazon=88232", "WAREHOUSES", "AUS1=301456",
		"HTTP_ADDR", "127.0.0.1:0", "LOG_LEVEL", "debug", "SHIPSTATION_RATE_LIMIT", "1000",
	}, extra...)
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	return env
}

// newApp builds a fresh App on w, as one command of the CLI would.
func newApp(t *testing.T, w *jobstest.World, extra ...string) *daemon.App {
	t.Helper()
	cfg, err := config.Load(environ(w, extra...))
	if err != nil {
		t.Fatal(err)
	}
	app, err := daemon.New(cfg, zerolog.New(w.Log).Level(zerolog.DebugLevel), daemon.Options{Retry: &jobstest.FastRetry})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Close() })
	return app
}

// once runs each job once, in order, as `shipsync once JOB` does.
func once(t *testing.T, w *jobstest.World, names ...string) {
	t.Helper()
	for _, name := range names {
		if err := newApp(t, w).Once(context.Background(), name); err != nil {
			t.Fatalf("once %s: %v", name, err)
		}
	}
}

// runReconcile runs `shipsync reconcile` with o and returns its report and
// the drift gauge of each kind afterwards.
func runReconcile(t *testing.T, w *jobstest.World, o daemon.ReconcileOptions, extra ...string) (*reconcile.Report, map[string]float64) {
	t.Helper()
	app := newApp(t, w, extra...)
	rep, err := app.Reconcile(context.Background(), o)
	if err != nil || rep == nil {
		t.Fatalf("reconcile: %v (report %v)", err, rep)
	}
	gauges := map[string]float64{}
	mfs, err := app.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "shipsync_drift_items" {
			continue
		}
		for _, m := range mf.GetMetric() {
			gauges[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
		}
	}
	return rep, gauges
}

// addQuiptOrder adds an Open Quipt order of one line that push-orders can
// route (warehouse "AUS1"), or not (any other code).
func addQuiptOrder(w *jobstest.World, number, warehouse string) quipttest.Order {
	o := quipttest.Order{OrderNumber: number, Status: 4, WarehouseCode: warehouse}
	o.Channel.Name, o.Shipping.RequestedMethod = "Web Store", "Ground"
	o.ShipTo = quipttest.Address{Name: "Dana Ruiz", Address1: "12 Elm St", City: "Austin", State: "TX", PostalCode: "78701", Country: "US"}
	o.Lines = []quipttest.Line{{SKU: "MUG-12", Name: "Mug", Quantity: 1, UnitPrice: 12}}
	return w.Q.AddFulfillmentOrder(o)
}

// addSSOrder adds an awaiting-shipment ShipStation order created (and last
// modified) age ago.
func addSSOrder(w *jobstest.World, number string, age time.Duration) sst.Order {
	return w.SS.AddOrder(sst.Order{
		OrderNumber: number, OrderDate: time.Now().Add(-age), CreateDate: time.Now().Add(-age),
		BillTo:                   &sst.Address{Name: "Dana"},
		ShipTo:                   &sst.Address{Name: "Dana", Street1: new("1 Main St"), City: new("Austin"), State: new("TX"), PostalCode: new("78701"), Country: new("US")},
		Items:                    []sst.OrderItem{{SKU: "SKU-1", Name: "Thing", Quantity: 1, UnitPrice: 10}},
		RequestedShippingService: new("Ground"),
	})
}

// pushedOrder is the ShipStation order push-orders made of q.
func pushedOrder(t *testing.T, w *jobstest.World, q quipttest.Order) sst.Order {
	t.Helper()
	o, ok := w.SS.OrderByKey(jobs.PushedKeyPrefix + q.ID)
	if !ok {
		t.Fatalf("order %s was not pushed", q.OrderNumber)
	}
	return o
}

// record returns the record of id in ns.
func record(t *testing.T, w *jobstest.World, ns, id string) string {
	t.Helper()
	recs, err := w.Store.Records(context.Background(), ns, []string{id})
	if err != nil {
		t.Fatal(err)
	}
	return recs[id]
}

// unack rewrites push-orders' record of q as never acknowledged.
func unack(t *testing.T, w *jobstest.World, q quipttest.Order) {
	t.Helper()
	var rec map[string]any
	if err := json.Unmarshal([]byte(record(t, w, jobs.NSPushed, q.ID)), &rec); err != nil {
		t.Fatal(err)
	}
	rec["acked"] = false
	b, _ := json.Marshal(rec)
	w.PutRecords(t, jobs.NSPushed, map[string]string{q.ID: string(b)})
}

func labelExt(sh sst.Shipment) string { return "shipstation:" + strconv.FormatInt(sh.ShipmentID, 10) }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// ids groups a report's items as kind → ids.
func ids(items reconcile.Items) map[string][]string {
	out := map[string][]string{}
	for _, it := range items {
		out[it.Kind] = append(out[it.Kind], it.ID)
	}
	return out
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
