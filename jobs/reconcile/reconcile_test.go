package reconcile_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/daemon"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/jobs/reconcile"
)

// planted is a world in which every kind of divergence was made on purpose,
// with the id reconcile must report for each.
type planted struct {
	want map[string]string // kind → id
	// parked is the id of an order push-orders dead-lettered.
	parked string
}

// plant syncs a small world with the real jobs, then makes one divergence
// of every kind behind the jobs' backs, as an outage, an operator or a
// late request would.
func plant(t *testing.T, w *jobstest.World) planted {
	t.Helper()
	qStale, qAck, qLabel, qVoid, qCancel := addQuiptOrder(w, "Q-STALE", "AUS1"), addQuiptOrder(w, "Q-ACK", "AUS1"),
		addQuiptOrder(w, "Q-LABEL", "AUS1"), addQuiptOrder(w, "Q-VOID", "AUS1"), addQuiptOrder(w, "Q-CANCEL", "AUS1")
	bad := addQuiptOrder(w, "Q-BAD", "ZZZ9")
	imported := addSSOrder(w, "SS-IMPORTED", time.Hour)
	once(t, w, jobs.NameGetOrders, jobs.NamePushOrders, jobs.NameSyncTracking, jobs.NameSyncCancels)

	voided := w.SS.CreateLabel(pushedOrder(t, w, qVoid).OrderID, nil, "fedex", "fedex_ground")
	once(t, w, jobs.NameSyncTracking)
	if rep, _ := runReconcile(t, w, daemon.ReconcileOptions{ReportOnly: true}); len(rep.Left) != 0 {
		t.Fatalf("a synced world reports drift: %+v", rep.Left)
	}

	// A label voided while its void was lost: Quipt keeps the package.
	w.SS.VoidLabel(voided.ShipmentID)
	w.PutRecords(t, jobs.NSPackages, map[string]string{labelExt(voided): "voided"})
	// A label whose package never reached Quipt.
	label := w.SS.CreateLabel(pushedOrder(t, w, qLabel).OrderID, nil, "fedex", "fedex_ground")
	w.PutRecords(t, jobs.NSPackages, map[string]string{labelExt(label): "shipped"})
	// A cancel in ShipStation that never reached Quipt.
	cancelled := pushedOrder(t, w, qCancel)
	w.SS.CancelOrder(cancelled.OrderID)
	w.PutRecords(t, jobs.NSCancelled, map[string]string{qCancel.ID: "soft"})
	// An imported order Quipt shipped whose mark-as-shipped was lost.
	var po quipttest.Order
	for _, o := range w.Q.PurchaseOrders() {
		if *o.PartnerReference == jobs.PartnerRefPrefix+id(imported.OrderID) {
			po = o
		}
	}
	if err := w.Q.ShipPurchaseOrder(po.ID, quipttest.Shipment{ExternalShipmentID: "wh-1", TrackingNumber: "1Z999", CarrierCode: "fedex", CarrierMethod: "fedex_ground", ShipDate: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
	w.PutRecords(t, jobs.NSMarkedShipped, map[string]string{id(imported.OrderID): "1Z999"})
	// An older version applied late in ShipStation, after staff weighed it.
	w.SS.UpdateOrder(pushedOrder(t, w, qStale).OrderID, func(o *sst.Order) {
		o.ShipTo.Street1 = new("9 Old Rd")
		o.Weight = &sst.Weight{Value: 21, Units: "ounces"}
	})
	// An acknowledgement lost.
	unack(t, w, qAck)
	// An order created in ShipStation while get-orders was off, and one in
	// Quipt while push-orders was. Modified three hours ago, the order is
	// behind get-orders' modify cursor: only its next sweep would see it.
	missed := addSSOrder(w, "SS-MISSED", 3*time.Hour)
	qNew := addQuiptOrder(w, "Q-NEW", "AUS1")

	return planted{
		want: map[string]string{
			reconcile.KindMissingImport:  id(missed.OrderID),
			reconcile.KindMissingPush:    qNew.ID,
			reconcile.KindStalePush:      qStale.ID,
			reconcile.KindMissingPackage: labelExt(label),
			reconcile.KindStalePackage:   labelExt(voided),
			reconcile.KindMissingCancel:  qCancel.ID,
			reconcile.KindMissingShipped: id(imported.OrderID),
			reconcile.KindMissingAck:     qAck.ID,
		},
		parked: bad.ID,
	}
}

// checkFound fails unless items are exactly the planted divergences, each
// with its id, and the dead-lettered order as parked.
func checkFound(t *testing.T, p planted, rep *reconcile.Report) {
	t.Helper()
	got := ids(rep.Found.Drift())
	for _, kind := range reconcile.Kinds {
		if want := p.want[kind]; !slices.Equal(got[kind], []string{want}) {
			t.Errorf("%s: found %v, want [%s]", kind, got[kind], want)
		}
		if rep.FoundByKind[kind] != 1 {
			t.Errorf("%s: counted %d, want 1", kind, rep.FoundByKind[kind])
		}
	}
	if len(rep.Parked) != 1 || rep.Parked[0].ID != p.parked || rep.Parked[0].Parked != reconcile.ParkedDeadLettered || rep.Parked[0].Kind != reconcile.KindMissingPush {
		t.Errorf("parked = %+v, want the dead-lettered order %s as missing_push", rep.Parked, p.parked)
	}
}

func TestReportOnlyFindsEveryKindAndChangesNothing(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	p := plant(t, w)
	writes, creates, marks := len(w.Q.Writes()), len(w.SS.CreateOrdersCalls()), len(w.SS.MarkAsShippedCalls())
	pkgRecord := record(t, w, jobs.NSPackages, p.want[reconcile.KindMissingPackage])

	rep, gauges := runReconcile(t, w, daemon.ReconcileOptions{ReportOnly: true})
	checkFound(t, p, rep)
	if len(rep.Repaired) != 0 || len(rep.Left) != len(p.want) {
		t.Errorf("report only: %d repaired, %d left; want 0 and %d", len(rep.Repaired), len(rep.Left), len(p.want))
	}
	for _, kind := range reconcile.Kinds {
		if gauges[kind] != 1 {
			t.Errorf("shipsync_drift_items{kind=%q} = %v, want 1", kind, gauges[kind])
		}
	}
	if len(w.Q.Writes()) != writes || len(w.SS.CreateOrdersCalls()) != creates || len(w.SS.MarkAsShippedCalls()) != marks {
		t.Error("a report-only reconcile wrote to Quipt or ShipStation")
	}
	if got := record(t, w, jobs.NSPackages, p.want[reconcile.KindMissingPackage]); got != pkgRecord {
		t.Errorf("a report-only reconcile changed a record: %q, was %q", got, pkgRecord)
	}
	if again, _ := runReconcile(t, w, daemon.ReconcileOptions{ReportOnly: true}); len(again.Left) != len(p.want) {
		t.Errorf("second report-only run: %d left, want %d", len(again.Left), len(p.want))
	}
}

func TestReconcileRepairsEveryKindThroughTheOwningJobs(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	p := plant(t, w)

	rep, gauges := runReconcile(t, w, daemon.ReconcileOptions{})
	checkFound(t, p, rep)
	if len(rep.Left) != 0 || len(rep.RepairErrors) != 0 {
		t.Fatalf("left %+v, repair errors %v", rep.Left, rep.RepairErrors)
	}
	repaired := ids(rep.Repaired)
	for kind, want := range p.want {
		if !slices.Equal(repaired[kind], []string{want}) {
			t.Errorf("%s: repaired %v, want [%s]", kind, repaired[kind], want)
		}
		if gauges[kind] != 0 {
			t.Errorf("shipsync_drift_items{kind=%q} = %v after the repair, want 0", kind, gauges[kind])
		}
	}

	// The repairs are the owners' own effects, seen from the sandboxes.
	q, _ := w.Q.FulfillmentOrder(p.want[reconcile.KindMissingCancel])
	if q.SubStatus != 95 {
		t.Errorf("cancelled order: Quipt SubStatus %d, want 95 (soft cancel)", q.SubStatus)
	}
	if got := w.SS.MarkAsShippedCount(mustInt(t, p.want[reconcile.KindMissingShipped])); got != 1 {
		t.Errorf("mark-as-shipped sent %d times, want 1", got)
	}
	if len(w.Q.Acknowledgements(p.want[reconcile.KindMissingAck])) != 1 {
		t.Error("the lost acknowledgement is not in Quipt once")
	}
	stale := pushedOrder(t, w, quipttest.Order{ID: p.want[reconcile.KindStalePush]})
	if jobs.Value(stale.ShipTo.Street1) == "9 Old Rd" || stale.Weight == nil || stale.Weight.Value != 21 {
		t.Errorf("stale order after the repair: street %q weight %+v, want Quipt's street and the staff's 21 oz", jobs.Value(stale.ShipTo.Street1), stale.Weight)
	}

	again, _ := runReconcile(t, w, daemon.ReconcileOptions{})
	if len(again.Found.Drift()) != 0 || len(again.Repaired) != 0 {
		t.Errorf("second reconcile: found %+v", again.Found.Drift())
	}
	if len(again.Parked) != 1 {
		t.Errorf("second reconcile: parked %+v, want the dead-lettered order", again.Parked)
	}
}

// An owner that cannot run now (another replica holds its lease) repairs
// nothing: its items are reported as left, with the reason, and counted in
// the drift gauge.
func TestDriftAnOwnerCannotRepairIsLeft(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	missed := addSSOrder(w, "SS-MISSED", time.Hour)
	if _, err := w.Store.AcquireLease(t.Context(), jobs.NameGetOrders, "another-replica", time.Minute); err != nil {
		t.Fatal(err)
	}
	rep, gauges := runReconcile(t, w, daemon.ReconcileOptions{})
	if got := ids(rep.Left)[reconcile.KindMissingImport]; !slices.Equal(got, []string{id(missed.OrderID)}) {
		t.Errorf("left %v, want the missed import %d", got, missed.OrderID)
	}
	if len(rep.Repaired) != 0 || len(rep.RepairErrors) != 1 || !strings.Contains(rep.RepairErrors[0], jobs.NameGetOrders) {
		t.Errorf("repaired %v, repair errors %v; want none repaired and get-orders named", rep.Repaired, rep.RepairErrors)
	}
	if gauges[reconcile.KindMissingImport] != 1 {
		t.Errorf("shipsync_drift_items{kind=missing_import} = %v, want 1", gauges[reconcile.KindMissingImport])
	}
	if len(w.Q.PurchaseOrders()) != 0 {
		t.Error("a purchase order was created without get-orders")
	}
}

// DRY_RUN makes every reconcile a report.
func TestDryRunOnlyReports(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	addSSOrder(w, "SS-MISSED", time.Hour)
	rep, _ := runReconcile(t, w, daemon.ReconcileOptions{}, "DRY_RUN", "true")
	if !rep.ReportOnly || len(rep.Left) != 1 || len(rep.Repaired) != 0 {
		t.Errorf("report only %v, left %d, repaired %d; want true, 1, 0", rep.ReportOnly, len(rep.Left), len(rep.Repaired))
	}
	if len(w.Q.PurchaseOrders()) != 0 || len(w.Q.Writes()) != 0 {
		t.Error("a dry-run reconcile wrote to Quipt")
	}
}

// Reconcile does not run a job the operator switched off, nor one whose
// configuration does not resolve (DESIGN.md §2): the divergences such a job
// owns are reported as parked with the reason, not drift, and nothing of
// them is written; the other owners still repair theirs in the same run.
func TestIdleOwnersAreNotRunToRepair(t *testing.T) {
	cases := map[string]struct {
		env    []string
		parked string
		// plant makes one divergence of the owner that must not run and one
		// of the owner that must, and returns their ids.
		plant func(*jobstest.World) (idle, runs string)
	}{
		"get-orders off": {
			env: []string{"GET_ORDERS_SCHEDULE", "off"}, parked: reconcile.ParkedOwnerOff,
			plant: func(w *jobstest.World) (string, string) {
				return id(addSSOrder(w, "SS-MISSED", time.Hour).OrderID), addQuiptOrder(w, "Q-MISSED", "AUS1").ID
			},
		},
		"push-orders disabled by the preflight": {
			env: []string{"WAREHOUSES", "AUS1=999999"}, parked: reconcile.ParkedOwnerDisabled,
			plant: func(w *jobstest.World) (string, string) {
				return addQuiptOrder(w, "Q-MISSED", "AUS1").ID, id(addSSOrder(w, "SS-MISSED", time.Hour).OrderID)
			},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			w := jobstest.New(t, jobstest.Options{})
			idleID, runsID := c.plant(w)
			rep, gauges := runReconcile(t, w, daemon.ReconcileOptions{}, c.env...)

			if len(rep.Parked) != 1 || rep.Parked[0].ID != idleID || rep.Parked[0].Parked != c.parked {
				t.Errorf("parked %+v, want %s as %s", rep.Parked, idleID, c.parked)
			}
			if len(rep.Repaired) != 1 || rep.Repaired[0].ID != runsID {
				t.Errorf("repaired %+v, want only %s, which the other owner repairs", rep.Repaired, runsID)
			}
			if len(rep.Left) != 0 || len(rep.RepairErrors) != 0 {
				t.Errorf("left %+v, repair errors %v; want none", rep.Left, rep.RepairErrors)
			}
			for kind, n := range gauges {
				if n != 0 {
					t.Errorf("shipsync_drift_items{kind=%q} = %v, want 0", kind, n)
				}
			}
			imported := len(w.Q.PurchaseOrders()) == 1
			pushed := len(w.SS.Orders()) == 2
			if c.parked == reconcile.ParkedOwnerOff && (imported || !pushed) {
				t.Errorf("imported %v, pushed %v: want the switched-off get-orders not run, push-orders run", imported, pushed)
			}
			if c.parked == reconcile.ParkedOwnerDisabled && (!imported || pushed) {
				t.Errorf("imported %v, pushed %v: want get-orders run, the disabled push-orders not", imported, pushed)
			}
		})
	}
}
