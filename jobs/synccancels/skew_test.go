package synccancels

import (
	"net/http"
	"testing"
	"time"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// TestOrderStampedInTheFutureDoesNotHideLaterCancels: a ShipStation that
// ignores modifyDateEnd lists an order stamped seven hours ahead (naive UTC
// read as Pacific). The cursor stops at the window's end instead of following
// it, so a cancel stamped in between is still read by the next run.
func TestOrderStampedInTheFutureDoesNotHideLaterCancels(t *testing.T) {
	ignoreEnd := func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			q := r.URL.Query()
			q.Del("modifyDateEnd")
			r.URL.RawQuery = q.Encode()
			return next.RoundTrip(r)
		})
	}
	w := newWorld(t, jobstest.Options{ShipStationOptions: []shipstation.Option{
		shipstation.WithHTTPClient(&http.Client{Timeout: 30 * time.Second, Transport: ignoreEnd(http.DefaultTransport)}),
	}})
	at := now
	w.Env.Now = func() time.Time { return at }
	ahead := w.Q.AddFulfillmentOrder(quipttest.Order{OrderNumber: "K-ahead", Lines: []quipttest.Line{{SKU: "SKU-0", Quantity: 1}}})
	cancelledPushed(t, w, ahead.ID, "K-ahead", now.Add(7*time.Hour))
	job := newJob(w, ModeSoft)
	run(t, w, job)
	if o := quiptOrder(t, w, ahead.ID); o.SubStatus != quipt.SubStatusSoftCancel {
		t.Fatalf("the order stamped ahead was not cancelled: SubStatus %d", o.SubStatus)
	}
	if c, ok := cursor(t, w); !ok || !c.Equal(now) {
		t.Errorf("cursor = %v (set %v), want the window's end %v", c, ok, now)
	}

	// An hour later, a cancel stamped half an hour from the first run.
	at = now.Add(time.Hour)
	later := w.Q.AddFulfillmentOrder(quipttest.Order{OrderNumber: "K-later", Lines: []quipttest.Line{{SKU: "SKU-0", Quantity: 1}}})
	cancelledPushed(t, w, later.ID, "K-later", now.Add(30*time.Minute))
	run(t, w, job)
	if o := quiptOrder(t, w, later.ID); o.SubStatus != quipt.SubStatusSoftCancel {
		t.Errorf("the cancel stamped between now and the item ahead was skipped: SubStatus %d", o.SubStatus)
	}
	if c, _ := cursor(t, w); c.After(at) {
		t.Errorf("cursor = %v, after the window's end %v", c, at)
	}
}
