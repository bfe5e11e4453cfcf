package reconcile_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shipsync/shipsync/jobs/jobstest"
	"github.com/shipsync/shipsync/jobs/reconcile"
)

// Reconcile's own ShipStation reads stay within RECONCILE_BUDGET_SHARE of
// the limit in every window, counted where ShipStation counts them, and it
// logs a progress line per page.
func TestReadsStayWithinTheBudgetShare(t *testing.T) {
	w := jobstest.New(t, jobstest.Options{})
	for i := range 11 {
		addSSOrder(w, fmt.Sprintf("SS-%02d", i), time.Hour)
	}
	const window = 300 * time.Millisecond
	rc := &reconcile.Reconcile{
		Env: w.Env, Days: 30, ReportOnly: true, GetOrdersStatus: "awaiting_shipment",
		RateLimit: 4, RateWindow: window, Share: 0.5, PageSize: 2,
	}
	var rep *reconcile.Report
	rc.OnReport = func(r *reconcile.Report) { rep = r }
	if err := w.Run(context.Background(), reconcile.Name, rc.Run); err != nil {
		t.Fatal(err)
	}
	if rep == nil || rep.FoundByKind[reconcile.KindMissingImport] != 11 {
		t.Fatalf("report %+v: want the 11 orders as missing imports", rep)
	}
	reads := 0
	for _, r := range w.SS.Requests() {
		if r.Method == http.MethodGet {
			reads++
		}
	}
	if reads < 8 { // 6 pages of orders, one of shipments, one of fulfillments
		t.Fatalf("%d ShipStation reads, want at least 8", reads)
	}
	if got := w.SS.MaxInWindow(window); got > 2 {
		t.Errorf("%d ShipStation requests within %v, want at most 2 (half of 4)", got, window)
	}
	if got := strings.Count(w.Log.String(), `"list":"shipstation orders"`); got != 6 {
		t.Errorf("%d progress lines for the 6 pages of orders", got)
	}
}
