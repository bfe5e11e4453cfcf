package jobs_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/getorders"
	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/jobs/linklistings"
	"github.com/shipsync/shipsync/jobs/pushorders"
	"github.com/shipsync/shipsync/jobs/synccancels"
	"github.com/shipsync/shipsync/jobs/synctracking"
	"github.com/shipsync/shipsync/metrics"
	"github.com/shipsync/shipsync/scheduler"
)

// now is the tests' fixed clock.
var now = time.Date(2026, 6, 10, 18, 0, 0, 0, time.UTC)

// execute runs body as one run of job, under the job's lease, through
// Env.Execute.
func execute(w *jobstest.World, job string, body func(ctx context.Context, run *scheduler.Run, sum *jobs.Summary) error) error {
	return w.Run(context.Background(), job, func(ctx context.Context, run *scheduler.Run) error {
		return w.Env.Execute(ctx, run, func(ctx context.Context, r *jobs.Run) error {
			return body(ctx, run, r.Sum)
		})
	})
}

// cursorPass runs one pass of job over the cursor name: it opens the window
// (24 h lookback), sees the given timestamps and advances the cursor.
func cursorPass(t *testing.T, w *jobstest.World, job, name string, seen ...time.Time) *jobs.Window {
	t.Helper()
	var win *jobs.Window
	if err := execute(w, job, func(ctx context.Context, run *scheduler.Run, _ *jobs.Summary) error {
		var err error
		if win, err = w.Env.OpenWindow(ctx, run, name, 24*time.Hour); err != nil {
			return err
		}
		for _, s := range seen {
			win.See(s)
		}
		return w.Env.AdvanceCursor(ctx, run, win)
	}); err != nil {
		t.Fatal(err)
	}
	return win
}

// storedCursor returns the stored cursor name of job, failing when unset.
func storedCursor(t *testing.T, w *jobstest.World, job, name string) time.Time {
	t.Helper()
	c, ok, err := w.Store.Cursor(context.Background(), job, name)
	if err != nil || !ok {
		t.Fatalf("cursor: set %v, %v", ok, err)
	}
	return c
}

// TestRunIsSkippedWhileABreakerIsOpen opens one upstream's circuit breaker and
// runs every job: none may send a request to either upstream, each must log
// one run_skipped naming the upstream and fail with its ErrBreakerOpen and
// scheduler.ErrSkipped (the scheduler counts no run for it).
func TestRunIsSkippedWhileABreakerIsOpen(t *testing.T) {
	for _, tc := range []struct {
		upstream string
		want     error
		trip     func(t *testing.T, w *jobstest.World)
	}{
		{"shipstation", shipstation.ErrBreakerOpen, func(t *testing.T, w *jobstest.World) {
			w.SS.FailNext("", 6, http.StatusInternalServerError)
			if _, err := w.ShipStation.Orders.Get(context.Background(), 1); err == nil {
				t.Fatal("the failing call succeeded")
			}
		}},
		{"quipt", quipt.ErrBreakerOpen, func(t *testing.T, w *jobstest.World) {
			w.Q.FailNext("/v2/orders/fulfillment/id/{id}", 6, http.StatusServiceUnavailable)
			if _, err := w.Quipt.FulfillmentOrders.Get(context.Background(), "q-1"); err == nil {
				t.Fatal("the failing call succeeded")
			}
		}},
	} {
		t.Run(tc.upstream, func(t *testing.T) {
			var quiptRequests atomic.Int64
			w := jobstest.New(t, jobstest.Options{
				Start:              now,
				ShipStationOptions: []shipstation.Option{shipstation.WithBreaker(1, time.Hour)},
				QuiptOptions:       []quipt.Option{quipt.WithBreaker(1, time.Hour)},
				QuiptTransport: func(next http.RoundTripper) http.RoundTripper {
					return roundTripFunc(func(r *http.Request) (*http.Response, error) {
						quiptRequests.Add(1)
						return next.RoundTrip(r)
					})
				},
			})
			tc.trip(t, w)
			if s := map[string]string{"shipstation": w.ShipStation.BreakerState(), "quipt": w.Quipt.BreakerState()}[tc.upstream]; s != "open" {
				t.Fatalf("%s breaker is %s after the failures, want open", tc.upstream, s)
			}
			ssBefore, qBefore := len(w.SS.Requests()), quiptRequests.Load()

			runs := map[string]scheduler.RunFunc{
				jobs.NameGetOrders:    (&getorders.GetOrders{Env: w.Env, Status: "awaiting_shipment", Days: 7}).Run,
				jobs.NamePushOrders:   (&pushorders.PushOrders{Env: w.Env}).Run,
				jobs.NameSyncTracking: (&synctracking.SyncTracking{Env: w.Env}).Run,
				jobs.NameSyncCancels:  (&synccancels.SyncCancels{Env: w.Env}).Run,
				jobs.NameLinkListings: (&linklistings.LinkListings{Env: w.Env}).Run,
			}
			for name, fn := range runs {
				err := w.Run(context.Background(), name, fn)
				if !errors.Is(err, tc.want) || !errors.Is(err, scheduler.ErrSkipped) {
					t.Errorf("%s: run error = %v, want it to wrap %v and scheduler.ErrSkipped", name, err, tc.want)
				}
			}
			if n := len(w.SS.Requests()) - ssBefore; n != 0 {
				t.Errorf("%d ShipStation requests sent while the %s breaker was open", n, tc.upstream)
			}
			if n := quiptRequests.Load() - qBefore; n != 0 {
				t.Errorf("%d Quipt requests sent while the %s breaker was open", n, tc.upstream)
			}
			skipped := w.Log.Events("run_skipped")
			if len(skipped) != len(runs) {
				t.Fatalf("%d run_skipped events, want one per run (%d)", len(skipped), len(runs))
			}
			seen := map[string]bool{}
			for _, ev := range skipped {
				if ev["upstream"] != tc.upstream || ev["level"] != "warn" {
					t.Errorf("run_skipped event = %v, want a warning naming %s", ev, tc.upstream)
				}
				seen[ev["job"].(string)] = true
			}
			if len(seen) != len(runs) {
				t.Errorf("run_skipped jobs = %v, want all five", seen)
			}
			if s := w.Log.Events("run_summary"); len(s) != 0 {
				t.Errorf("skipped runs logged %d run summaries, want none", len(s))
			}
		})
	}
}

// TestHalfOpenBreakerLetsTheRunThrough: only an open breaker skips runs; once
// its open period has passed, the run goes ahead and probes the upstream.
func TestHalfOpenBreakerLetsTheRunThrough(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{Start: now, ShipStationOptions: []shipstation.Option{shipstation.WithBreaker(1, 50*time.Millisecond)}})
	w.SS.FailNext("", 6, http.StatusInternalServerError)
	_, _ = w.ShipStation.Orders.Get(context.Background(), 1)
	time.Sleep(60 * time.Millisecond)
	if s := w.ShipStation.BreakerState(); s != "half-open" {
		t.Fatalf("breaker is %s, want half-open", s)
	}
	ran := false
	if err := execute(w, jobs.NameSyncCancels, func(context.Context, *scheduler.Run, *jobs.Summary) error {
		ran = true
		return nil
	}); err != nil || !ran {
		t.Errorf("run with a half-open breaker: ran %v, error %v; want it run", ran, err)
	}
}

// TestDeadLetterLeavesParkedItemsAlone dead-letters the same item in three
// runs: it is written once (attempts 1), later runs count it skipped, and
// once an operator dropped it, it is not dead-lettered again either.
func TestDeadLetterLeavesParkedItemsAlone(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{Start: now})
	const job = jobs.NameSyncCancels
	deadLetter := func() {
		t.Helper()
		if err := execute(w, job, func(ctx context.Context, run *scheduler.Run, sum *jobs.Summary) error {
			return w.Env.DeadLetter(ctx, run, sum, "item-1", "refused", nil)
		}); err != nil {
			t.Fatal(err)
		}
	}
	deadLetter()
	deadLetter()
	dls := w.DeadLetters(t, job)
	if d, ok := dls["item-1"]; !ok || d.Attempts != 1 || len(dls) != 1 {
		t.Fatalf("dead letters = %+v, want item-1 once with attempts 1", dls)
	}
	if s := w.Log.LastSummary(); s["dead_lettered"] != 0.0 || s["skipped"] != 1.0 || s["skipped_parked"] != 1.0 {
		t.Errorf("second summary = %v, want dead_lettered 0, skipped 1, skipped_parked 1", s)
	}

	if ok, err := w.Store.DropDeadLetter(context.Background(), job, "item-1"); !ok || err != nil {
		t.Fatalf("drop: %v %v", ok, err)
	}
	deadLetter()
	if dls := w.DeadLetters(t, job); len(dls) != 0 {
		t.Errorf("a dropped item was dead-lettered again: %+v", dls)
	}
	if s := w.Log.LastSummary(); s["dead_lettered"] != 0.0 || s["skipped_parked"] != 1.0 {
		t.Errorf("summary after the drop = %v, want dead_lettered 0, skipped_parked 1", s)
	}
}

// TestDeadLetterInvalidOncePerItem: a page's malformed items are counted
// seen, dead-lettered once (an item listed twice in the page included), and
// skipped by later runs.
func TestDeadLetterInvalidOncePerItem(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{Start: now})
	bad := []shipstation.InvalidItem{
		{Index: 0, ID: 7, Err: errors.New("bad date"), Raw: []byte(`{"orderId":7}`)},
		{Index: 3, Err: errors.New("bad id"), Raw: []byte(`{"orderId":"x"}`)},
		{Index: 4, ID: 7, Err: errors.New("bad date"), Raw: []byte(`{"orderId":7}`)},
	}
	for range 2 {
		if err := execute(w, jobs.NameGetOrders, func(ctx context.Context, run *scheduler.Run, sum *jobs.Summary) error {
			return w.Env.DeadLetterInvalid(ctx, run, sum, jobs.InvalidShipStation(jobs.KindShipStationOrder, 2, bad))
		}); err != nil {
			t.Fatal(err)
		}
	}
	dls := w.DeadLetters(t, jobs.NameGetOrders)
	hashID := jobs.InvalidItemID(jobs.KindShipStationOrder, "", bad[1].Raw, 2, 3)
	for _, id := range []string{"shipstation-order:7", hashID} {
		if d, ok := dls[id]; !ok || d.Attempts != 1 || !strings.HasPrefix(d.Reason, "malformed shipstation order: ") {
			t.Errorf("dead letter %s = %+v (present %v), want attempts 1 and a malformed reason", id, d, ok)
		}
	}
	if len(dls) != 2 {
		t.Errorf("dead letters = %v, want 2", dls)
	}
	s := w.Log.LastSummary()
	if s["seen"] != 3.0 || s["dead_lettered"] != 0.0 || s["skipped_parked"] != 3.0 {
		t.Errorf("second summary = %v, want seen 3, dead_lettered 0, skipped_parked 3", s)
	}
}

func TestInvalidItemID(t *testing.T) {
	raw := []byte(`{"Id": 12, "broken": true}`)
	for _, tc := range []struct {
		kind, id   string
		raw        []byte
		page, idx  int
		want, desc string
	}{
		{jobs.KindShipStationOrder, "999001", raw, 1, 2, "shipstation-order:999001", "by id"},
		{jobs.KindQuiptOrder, "raw-broken", raw, 1, 2, "quipt-order:raw-broken", "by Quipt id"},
		{jobs.KindShipStationShipment, "", nil, 3, 7, "shipstation-shipment:page3-item7", "by position when nothing was received"},
	} {
		if got := jobs.InvalidItemID(tc.kind, tc.id, tc.raw, tc.page, tc.idx); got != tc.want {
			t.Errorf("%s: InvalidItemID = %q, want %q", tc.desc, got, tc.want)
		}
	}
	// Without an id, the name follows the bytes, not the position.
	a := jobs.InvalidItemID(jobs.KindQuiptPurchaseOrder, "", raw, 1, 2)
	if b := jobs.InvalidItemID(jobs.KindQuiptPurchaseOrder, "", raw, 4, 9); a != b || !strings.HasPrefix(a, "quipt-purchase-order:sha256-") {
		t.Errorf("id-less item named %q and %q at two positions, want one sha256 name", a, b)
	}
	if c := jobs.InvalidItemID(jobs.KindQuiptPurchaseOrder, "", []byte(`{}`), 1, 2); c == a {
		t.Errorf("two different items share the name %q", c)
	}
}

// TestAdvanceCursor checks the rule both cursor jobs share: after a complete
// window the cursor moves to the newest timestamp seen or to the window's
// end minus the overlap, whichever is later; never back; never in a dry run;
// and its lag is reported.
func TestAdvanceCursor(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{Start: now})
	at := now
	w.Env.Now = func() time.Time { return at }
	reg := prometheus.NewRegistry()
	w.Env.Metrics = metrics.New(reg)
	const job, name = jobs.NameSyncCancels, "test-cursor"
	pass := func(seen ...time.Time) *jobs.Window { return cursorPass(t, w, job, name, seen...) }
	cursor := func() time.Time { return storedCursor(t, w, job, name) }
	lag := func(want float64) {
		t.Helper()
		exp := `
# HELP shipsync_cursor_lag_seconds How far a job's cursor trails now, without the re-read overlap: near zero when the job keeps up.
# TYPE shipsync_cursor_lag_seconds gauge
shipsync_cursor_lag_seconds{cursor="test-cursor",job="sync-cancels"} ` + strconv.FormatFloat(want, 'f', -1, 64) + "\n"
		if err := testutil.GatherAndCompare(reg, strings.NewReader(exp), "shipsync_cursor_lag_seconds"); err != nil {
			t.Error(err)
		}
	}

	// First window, nothing seen: [now − lookback, now], cursor to now − overlap.
	win := pass()
	if !win.Start.Equal(now.Add(-24*time.Hour)) || !win.End.Equal(now) {
		t.Errorf("first window = [%v, %v], want the lookback", win.Start, win.End)
	}
	if c := cursor(); !c.Equal(now.Add(-jobs.CursorOverlap)) {
		t.Errorf("quiet cursor = %v, want now − overlap", c)
	}
	lag(0) // the cursor trails by the overlap only: no lag

	// Something newer than end − overlap was seen: the cursor moves to it.
	at = now.Add(10 * time.Minute)
	win = pass(now.Add(-5 * time.Minute))
	if !win.Start.Equal(now.Add(-2 * jobs.CursorOverlap)) {
		t.Errorf("second window starts %v, want the cursor − overlap", win.Start)
	}
	if c := cursor(); !c.Equal(now.Add(-5 * time.Minute)) {
		t.Errorf("cursor = %v, want the newest timestamp seen", c)
	}
	lag(0) // 15 min behind, within the overlap

	// An earlier end − overlap and older items never move it back.
	at = now
	pass(now.Add(-3 * time.Hour))
	if c := cursor(); !c.Equal(now.Add(-5 * time.Minute)) {
		t.Errorf("cursor moved back to %v", c)
	}
	lag(0)

	// A dry run reads but never moves it; its lag is still reported.
	w.Env.DryRun = true
	at = now.Add(3 * time.Hour)
	pass(now.Add(2 * time.Hour))
	if c := cursor(); !c.Equal(now.Add(-5 * time.Minute)) {
		t.Errorf("dry run moved the cursor to %v", c)
	}
	lag((3*time.Hour + 5*time.Minute - jobs.CursorOverlap).Seconds())
}

// TestAdvanceCursorStopsAtTheWindowEnd: an item stamped after the window's
// end (an upstream clock ahead of ours, or naive UTC read as Pacific) moves
// the cursor to the window's end, not into the future, so that the next
// window still reads what is stamped between now and that item.
func TestAdvanceCursorStopsAtTheWindowEnd(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{Start: now})
	at := now
	w.Env.Now = func() time.Time { return at }
	const job, name = jobs.NameSyncCancels, "skewed-cursor"
	pass := func(seen ...time.Time) *jobs.Window { return cursorPass(t, w, job, name, seen...) }
	cursor := func() time.Time { return storedCursor(t, w, job, name) }

	// Seven hours ahead, as a naive UTC stamp reads in Pacific time.
	pass(now.Add(-time.Hour), now.Add(7*time.Hour))
	if c := cursor(); !c.Equal(now) {
		t.Errorf("cursor = %v, want the window's end %v", c, now)
	}
	if ev := w.Log.Events("cursor_capped"); len(ev) != 1 || ev[0]["cursor"] != name {
		t.Errorf("cursor_capped warnings = %v, want one", ev)
	}
	// The next window starts the overlap before the window's end, so it
	// covers what is stamped after now, and the cursor follows the items
	// again once our clock has caught up.
	at = now.Add(30 * time.Minute)
	win := pass(now.Add(20 * time.Minute))
	if !win.Start.Equal(now.Add(-jobs.CursorOverlap)) {
		t.Errorf("next window starts %v, want %v", win.Start, now.Add(-jobs.CursorOverlap))
	}
	if c := cursor(); !c.Equal(now.Add(20 * time.Minute)) {
		t.Errorf("cursor = %v, want the newest timestamp seen", c)
	}
	// Exactly at the end is not capped.
	at = now.Add(time.Hour)
	pass(now.Add(time.Hour))
	if c := cursor(); !c.Equal(now.Add(time.Hour)) {
		t.Errorf("cursor = %v, want %v", c, now.Add(time.Hour))
	}
	if n := len(w.Log.Events("cursor_capped")); n != 1 {
		t.Errorf("%d cursor_capped warnings, want still 1", n)
	}
}

// TestSummaryLists: lists are logged on the summary line as JSON arrays,
// capped, with the number left off under <name>_more, and feed no metric.
func TestSummaryLists(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{Start: now})
	reg := prometheus.NewRegistry()
	w.Env.Metrics = metrics.New(reg)
	names := []string{"A", "B", "C"}
	if err := execute(w, jobs.NameLinkListings, func(_ context.Context, _ *scheduler.Run, sum *jobs.Summary) error {
		sum.List("capped", names, 2)
		sum.List("whole", names, 0)
		sum.List("empty", nil, 5)
		names[0] = "changed after"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s := w.Log.LastSummary()
	got := map[string]any{"capped": s["capped"], "capped_more": s["capped_more"], "whole": s["whole"], "empty": s["empty"]}
	want := map[string]any{"capped": []any{"A", "B"}, "capped_more": 1.0, "whole": []any{"A", "B", "C"}, "empty": []any{}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("summary lists (-want +got):\n%s", d)
	}
	for _, k := range []string{"whole_more", "empty_more"} {
		if _, ok := s[k]; ok {
			t.Errorf("summary has %s, want it only when names were left off", k)
		}
	}
	if n, err := testutil.GatherAndCount(reg, "shipsync_items_total"); err != nil || n != 0 {
		t.Errorf("lists fed %d item metrics (%v), want none", n, err)
	}
}

func TestUnshipped(t *testing.T) {
	o := &quipt.Order{
		Lines: []quipt.Line{{ID: "a", Quantity: 3}, {ID: "b", Quantity: 1}, {ID: "c", Quantity: 2}},
		Shipments: []quipt.Shipment{
			{Lines: []quipt.LineQuantity{{LineID: "a", Quantity: 1}, {LineID: "b", Quantity: 1}}},
			{Voided: true, Lines: []quipt.LineQuantity{{LineID: "c", Quantity: 2}}},
		},
	}
	want := []quipt.LineQuantity{{LineID: "a", Quantity: 2}, {LineID: "c", Quantity: 2}}
	if d := cmp.Diff(want, jobs.Unshipped(o)); d != "" {
		t.Errorf("Unshipped (-want +got):\n%s", d)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
