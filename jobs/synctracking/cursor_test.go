package synctracking

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/metrics"
)

// setClock makes the job's clock show *at; the sandbox keeps its own clock,
// and the tests give the shipments they add explicit dates.
func setClock(w *jobstest.World, at *time.Time) {
	w.Env.Now = func() time.Time { return *at }
}

func addLabel(w *jobstest.World, o sst.Order, created time.Time, tracking string) sst.Shipment {
	return w.SS.AddShipment(sst.Shipment{OrderID: o.OrderID, OrderKey: o.OrderKey, OrderNumber: o.OrderNumber,
		CarrierCode: "ups", ServiceCode: "ups_ground", TrackingNumber: tracking, CreateDate: created, ShipDate: created,
		ShipmentItems: []sst.ShipmentItem{{LineItemKey: new("l1"), SKU: "CASE", Quantity: 1}}})
}

func cursor(t *testing.T, w *jobstest.World, name string) time.Time {
	t.Helper()
	c, ok, err := w.Store.Cursor(context.Background(), jobs.NameSyncTracking, name)
	if err != nil || !ok {
		t.Fatalf("cursor %s: set %v, %v", name, ok, err)
	}
	return c
}

func TestCursorOverlapSeesLateLabelsOnce(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	at := now
	setClock(w, &at)
	job := newJob(w)
	_, a := pushed(t, w, "A", line{"CASE", 1})
	_, b := pushed(t, w, "B", line{"CASE", 1})
	_, old := pushed(t, w, "OLD", line{"CASE", 1})
	first := addLabel(w, a, now.Add(-10*time.Minute), "1ZFIRST")
	addLabel(w, old, now.Add(-31*24*time.Hour), "1ZOLD") // before the first run's 30-day lookback

	run(t, w, job)
	c := cursor(t, w, CursorShipmentsCreated)
	if !c.Equal(first.CreateDate) {
		t.Errorf("cursor = %v, want the newest createDate %v", c, first.CreateDate)
	}
	if v := cursor(t, w, CursorShipmentsVoided); !v.Equal(now.Add(-Overlap)) {
		t.Errorf("void cursor with nothing seen = %v, want the window end minus the overlap %v", v, now.Add(-Overlap))
	}

	// A label stamped 30 minutes before the cursor shows up only now.
	late := addLabel(w, b, c.Add(-30*time.Minute), "1ZLATE")
	at = now.Add(5 * time.Minute)
	run(t, w, job)

	var got []string
	for _, wr := range writes(w, shipEndpoint) {
		got = append(got, wr.Key)
	}
	if diff := cmp.Diff([]string{labelKey(first), labelKey(late)}, got); diff != "" {
		t.Errorf("ship writes (-want +got):\n%s", diff)
	}
}

// TestVoidOfAnOldLabelComesBeforeItsRelabel voids a label that left the
// create window long ago and relabels the order: Quipt must see the void
// before the new shipment, or it refuses the new one for lack of quantity.
func TestVoidOfAnOldLabelComesBeforeItsRelabel(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	at := now.Add(-4 * time.Hour)
	setClock(w, &at)
	job := newJob(w)
	qa, a := pushed(t, w, "A", line{"CASE", 1})
	old := addLabel(w, a, at.Add(-10*time.Minute), "1ZOLD")
	run(t, w, job)
	at = now.Add(-time.Hour)
	run(t, w, job) // quiet: the create window moves past the old label

	w.SS.VoidLabel(old.ShipmentID)
	relabel := w.SS.CreateLabel(a.OrderID, nil, "ups", "ups_ground")
	at = now.Add(time.Minute)
	run(t, w, job)

	if dls := deadLetters(t, w); len(dls) != 0 {
		t.Fatalf("dead letters = %v, want none", dls)
	}
	sh := shipments(t, w, qa.ID)
	if !sh[labelKey(old)].Voided || sh[labelKey(relabel)].Voided || len(sh) != 2 {
		t.Errorf("Quipt shipments = %+v, want %s voided and %s live", sh, labelKey(old), labelKey(relabel))
	}
}

// TestFallBackHour runs across 2026-11-01 01:00–01:59 Pacific, which happens
// twice (08:00–08:59Z as PDT, 09:00–09:59Z as PST). ShipStation filters on
// the wall clock, so a window ending at 01:20 PST excludes a label stamped
// 01:58 PDT, and one starting at the cursor without overlap would miss a label
// stamped 01:10 PST. Each label must be applied, once.
func TestFallBackHour(t *testing.T) {
	at := time.Date(2026, 11, 1, 8, 55, 0, 0, time.UTC) // 01:55 PDT
	w := newWorld(t, jobstest.Options{Start: at})
	setClock(w, &at)
	job := newJob(w)
	job.InitialLookback = 3 * time.Hour
	label := func(name string, created time.Time) sst.Shipment {
		_, o := pushed(t, w, name, line{"CASE", 1})
		return addLabel(w, o, created, "1Z"+name)
	}
	labels := []sst.Shipment{label("A-0150PDT", time.Date(2026, 11, 1, 8, 50, 0, 0, time.UTC))}
	run(t, w, job)

	labels = append(labels,
		label("B-0110PST", time.Date(2026, 11, 1, 9, 10, 0, 0, time.UTC)),
		label("C-0158PDT", time.Date(2026, 11, 1, 8, 58, 0, 0, time.UTC)))
	at = time.Date(2026, 11, 1, 9, 20, 0, 0, time.UTC) // 01:20 PST
	run(t, w, job)
	if n := len(writes(w, shipEndpoint)); n != 2 {
		t.Errorf("after the run at 01:20 PST %d labels are shipped, want 2 (01:50 PDT and 01:10 PST)", n)
	}
	at = time.Date(2026, 11, 1, 10, 10, 0, 0, time.UTC) // 02:10 PST
	run(t, w, job)

	var want, got []string
	for _, l := range labels {
		want = append(want, labelKey(l))
	}
	for _, wr := range writes(w, shipEndpoint) {
		if wr.Duplicate {
			t.Errorf("%s was sent twice", wr.Key)
		}
		got = append(got, wr.Key)
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("shipped packages (-want +got):\n%s", diff)
	}
}

// TestCursorLagIsReported: every pass reports its cursor's lag; a quiet
// source's cursor is the window's end minus the overlap.
func TestCursorLagIsReported(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	at := now
	setClock(w, &at)
	reg := prometheus.NewRegistry()
	w.Env.Metrics = metrics.New(reg)
	_, a := pushed(t, w, "A", line{"CASE", 1})
	addLabel(w, a, now.Add(-10*time.Minute), "1ZA")
	run(t, w, newJob(w))

	want := `
# HELP shipsync_cursor_lag_seconds How far a job's cursor trails now, without the re-read overlap: near zero when the job keeps up.
# TYPE shipsync_cursor_lag_seconds gauge
shipsync_cursor_lag_seconds{cursor="fulfillments-created",job="sync-tracking"} 0
shipsync_cursor_lag_seconds{cursor="shipments-created",job="sync-tracking"} 0
shipsync_cursor_lag_seconds{cursor="shipments-voided",job="sync-tracking"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "shipsync_cursor_lag_seconds"); err != nil {
		t.Error(err)
	}
}
