package synctracking

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	sst "github.com/shipsync/shipsync/connector/shipstation/shipstationtest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// loseShipAnswers wraps a transport so that every nth ship reaches Quipt and
// is applied, but its answer is lost on the way back.
func loseShipAnswers(n int32) func(http.RoundTripper) http.RoundTripper {
	var ships atomic.Int32
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, shipEndpoint) || ships.Add(1)%n != 0 {
				return next.RoundTrip(r)
			}
			resp, err := next.RoundTrip(r)
			if err == nil {
				resp.Body.Close()
			}
			return nil, errors.New("connection reset by peer (test: answer lost after apply)")
		})
	}
}

// TestFaultsLoseAndDuplicateNothing injects the upstreams' known failures
// into one run: 500s and a dropped connection on the shipment lists, 5xx,
// drops, a 429 and lost answers from Quipt: one package at a time, and
// QUIPT_CONCURRENCY (8) at a time.
func TestFaultsLoseAndDuplicateNothing(t *testing.T) {
	t.Run("sequential", func(t *testing.T) { faultsLoseAndDuplicateNothing(t) })
	t.Run("concurrency 8", func(t *testing.T) { faultsLoseAndDuplicateNothing(t, quipt.WithConcurrency(8)) })
}

func faultsLoseAndDuplicateNothing(t *testing.T, opts ...quipt.Option) {
	const n = 30
	w := newWorld(t, jobstest.Options{QuiptTransport: loseShipAnswers(7), QuiptOptions: opts})
	orders := map[string]sst.Shipment{}
	for i := range n {
		qo, so := pushed(t, w, fmt.Sprintf("F-%02d", i), line{"CASE", 1})
		orders[qo.ID] = w.SS.CreateLabel(so.OrderID, nil, "ups", "ups_ground")
	}
	w.SS.FailNext("/shipments", 2, 500)
	w.SS.DropNext("/shipments", 1)
	w.SS.FailNext("/fulfillments", 1, 502)
	w.Q.FailNext(shipEndpoint, 1, 503)
	w.Q.DropNext(shipEndpoint, 1)
	w.Q.RateLimitNext(1, time.Second)
	w.Q.DropAfterApply(shipEndpoint, 1)

	job := newJob(w)
	run(t, w, job)
	for qid, l := range orders {
		sh := shipments(t, w, qid)
		if _, ok := sh[labelKey(l)]; !ok || len(sh) != 1 {
			t.Errorf("Quipt order %s shipments = %v, want exactly %s", qid, keys(sh), labelKey(l))
		}
	}
	applied, dups := 0, 0
	for _, wr := range writes(w, shipEndpoint) {
		if wr.Duplicate {
			dups++
		} else {
			applied++
		}
	}
	if applied != n {
		t.Errorf("applied ship writes = %d, want %d", applied, n)
	}
	if want := 1 + n/7; dups < want {
		t.Errorf("duplicate ship writes = %d, want at least %d (one per lost answer)", dups, want)
	}

	before := len(w.Q.Writes())
	run(t, w, job)
	if got := len(w.Q.Writes()) - before; got != 0 {
		t.Errorf("second run made %d Quipt writes, want 0", got)
	}
}

// TestInterruptedRunIsFinishedByTheNext stops a run half-way (Quipt becomes
// unreachable): what was applied is recorded, the cursor stays, and the next
// run applies the rest without repeating anything.
func TestInterruptedRunIsFinishedByTheNext(t *testing.T) {
	var ships atomic.Int32
	var healed atomic.Bool
	w := newWorld(t, jobstest.Options{QuiptTransport: func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, shipEndpoint) && !healed.Load() && ships.Add(1) > 10 {
				return nil, errors.New("connection refused (test)")
			}
			return next.RoundTrip(r)
		})
	}})
	for i := range 25 {
		_, so := pushed(t, w, fmt.Sprintf("I-%02d", i), line{"CASE", 1})
		w.SS.CreateLabel(so.OrderID, nil, "ups", "ups_ground")
	}
	job := newJob(w)
	ctx := context.Background()
	if err := w.Run(ctx, jobs.NameSyncTracking, job.Run); err == nil {
		t.Fatal("run with Quipt unreachable succeeded, want an error")
	}
	if n := len(writes(w, shipEndpoint)); n != 10 {
		t.Fatalf("interrupted run applied %d packages, want 10", n)
	}
	if _, ok, err := w.Store.Cursor(ctx, jobs.NameSyncTracking, CursorShipmentsCreated); ok || err != nil {
		t.Errorf("interrupted pass moved its cursor (set %v, %v)", ok, err)
	}
	healed.Store(true)
	run(t, w, job)
	for _, wr := range writes(w, shipEndpoint) {
		if wr.Duplicate {
			t.Errorf("%s was sent again after it was recorded", wr.Key)
		}
	}
	if n := len(writes(w, shipEndpoint)); n != 25 {
		t.Errorf("Quipt applied %d packages, want 25", n)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	qa, a := pushed(t, w, "A", line{"CASE", 1})
	la := w.SS.CreateLabel(a.OrderID, nil, "ups", "ups_ground")
	x, _ := importedOrder(t, w, "X", quipttest.Shipment{TrackingNumber: "1ZX", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	job := newJob(w)
	ctx := context.Background()

	dry := func() {
		t.Helper()
		w.Env.DryRun = true
		defer func() { w.Env.DryRun = false }()
		writesBefore, marksBefore := len(w.Q.Writes()), w.SS.Count("POST", "/orders/markasshipped")
		run(t, w, job)
		if n := len(w.Q.Writes()) - writesBefore; n != 0 {
			t.Errorf("dry run made %d Quipt writes", n)
		}
		if n := w.SS.Count("POST", "/orders/markasshipped") - marksBefore; n != 0 {
			t.Errorf("dry run sent markasshipped %d times", n)
		}
	}

	dry()
	for _, c := range []string{CursorShipmentsCreated, CursorShipmentsVoided, CursorFulfillmentsCreate} {
		if _, ok, err := w.Store.Cursor(ctx, jobs.NameSyncTracking, c); ok || err != nil {
			t.Errorf("dry run set cursor %s (%v)", c, err)
		}
	}
	if rec, err := w.Store.Records(ctx, jobs.NSPackages, []string{labelKey(la)}); err != nil || len(rec) != 0 {
		t.Errorf("dry run recorded packages: %v %v", rec, err)
	}
	if len(w.Log.Events("would_ship")) != 1 || len(w.Log.Events("would_mark_shipped")) != 1 {
		t.Errorf("dry run did not log the writes it would make:\n%s", w.Log.String())
	}

	run(t, w, job)
	if _, ok := shipments(t, w, qa.ID)[labelKey(la)]; !ok || w.SS.MarkAsShippedCount(x.OrderID) != 1 {
		t.Fatal("the real run after a dry run did not ship and mark")
	}

	w.SS.VoidLabel(la.ShipmentID)
	dry()
	if len(w.Log.Events("would_void")) != 1 {
		t.Errorf("dry run did not log the void it would make")
	}
	run(t, w, job)
	if !shipments(t, w, qa.ID)[labelKey(la)].Voided {
		t.Error("the real run after a dry run did not void")
	}
}
