package synccancels

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/shipsync/shipsync/connector/quipt"
	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// lookups records, per Redis pipeline, which record hashes it read with HMGET.
type lookups struct {
	mu    sync.Mutex
	pipes [][]string
}

func (l *lookups) DialHook(next redis.DialHook) redis.DialHook { return next }

func (l *lookups) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		l.note([]redis.Cmder{cmd})
		return next(ctx, cmd)
	}
}

func (l *lookups) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		l.note(cmds)
		return next(ctx, cmds)
	}
}

func (l *lookups) note(cmds []redis.Cmder) {
	var read []string
	for _, c := range cmds {
		if strings.ToLower(c.Name()) != "hmget" || len(c.Args()) < 2 {
			continue
		}
		key, _ := c.Args()[1].(string)
		for _, ns := range []string{jobs.NSPushed, jobs.NSCancelled} {
			if strings.HasSuffix(key, ":rec:"+ns) {
				read = append(read, ns)
			}
		}
	}
	if len(read) > 0 {
		l.mu.Lock()
		l.pipes = append(l.pipes, read)
		l.mu.Unlock()
	}
}

// TestOrdersWithoutAPushRecordAreLeftAlone: an order keyed quipt:<Id> whose
// Quipt order exists but that push-orders never sent (no record in
// jobs.NSPushed) is not cancelled in Quipt, not read there, not
// dead-lettered; the push records are read in the same round trip as the
// cancel records.
func TestOrdersWithoutAPushRecordAreLeftAlone(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	reads := &lookups{}
	w.Redis.Client.AddHook(reads)
	ours, so := pushed(t, w, "P-ours", 1)
	w.SS.CancelOrder(so.OrderID)
	// Another integration (or a person) keyed an order like ours.
	foreign := w.Q.AddFulfillmentOrder(quipttest.Order{OrderNumber: "P-foreign", Lines: []quipttest.Line{{SKU: "SKU-0", Quantity: 1}}})
	cancelledAt(w, jobs.PushedKeyPrefix+foreign.ID, "P-foreign", w.Now())
	// Nor is a key with an Id Quipt does not know dead-lettered without a record.
	cancelledAt(w, jobs.PushedKeyPrefix+"not-in-quipt", "P-unknown", w.Now())

	run(t, w, newJob(w, ModeHard))
	reads.mu.Lock()
	pipes := reads.pipes
	reads.mu.Unlock()

	if o := quiptOrder(t, w, foreign.ID); o.Status != quipt.StatusOpen || len(o.Cancellations) != 0 {
		t.Errorf("the order shipsync never pushed was cancelled: Status %d, %+v", o.Status, o.Cancellations)
	}
	if o := quiptOrder(t, w, ours.ID); o.Status != quipt.StatusCanceled {
		t.Errorf("the pushed order was not cancelled: Status %d", o.Status)
	}
	if d := cmp.Diff(map[string]int{ours.ID + "/Hard": 1}, appliedCancels(w)); d != "" {
		t.Errorf("applied cancels (-want +got):\n%s", d)
	}
	if dls := w.DeadLetters(t, jobs.NameSyncCancels); len(dls) != 0 {
		t.Errorf("dead letters = %v, want none", dls)
	}
	s := w.Log.LastSummary()
	if s["seen"] != 3.0 || s["skipped_not_ours"] != 2.0 || s["cancelled"] != 1.0 || s["quipt_calls"] != 2.0 {
		t.Errorf("summary = %v, want seen 3, skipped_not_ours 2, cancelled 1 and 2 Quipt calls (our order's read and cancel)", s)
	}
	if recs, _ := w.Store.Records(context.Background(), jobs.NSCancelled, []string{foreign.ID}); len(recs) != 0 {
		t.Errorf("cancel records of the foreign order: %v", recs)
	}
	if d := cmp.Diff([][]string{{jobs.NSCancelled, jobs.NSPushed}}, pipes); d != "" {
		t.Errorf("record reads by round trip (-want +got):\n%s", d)
	}
	wantNotPushedWarnings(t, w, foreign.ID, "not-in-quipt")
}

// wantNotPushedWarnings checks that each cancelled order without a push
// record was logged once, at warn, with its Quipt order id.
func wantNotPushedWarnings(t *testing.T, w *jobstest.World, ids ...string) {
	t.Helper()
	got := map[string]int{}
	for _, e := range w.Log.Events("not_pushed") {
		if e["level"] != "warn" || e["ss_order_id"] == nil {
			t.Errorf("not_pushed event %v: want level warn with the ShipStation order id", e)
		}
		got[fmt.Sprint(e["quipt_order_id"])]++
	}
	want := map[string]int{}
	for _, id := range ids {
		want[id] = 1
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("not_pushed warnings by Quipt order (-want +got):\n%s", d)
	}
}

// conflictOnRepeat wraps the Quipt transport as a stricter Quipt than the
// sandbox would: a cancel of an order that already shows it (SubStatus 95
// for Soft, Status 16 for Hard) is refused with 409 instead of answered as a
// duplicate. It counts the cancels sent.
type conflictOnRepeat struct {
	w    *jobstest.World
	sent atomic.Int32
}

func (c *conflictOnRepeat) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, cancelPath) {
			return next.RoundTrip(r)
		}
		c.sent.Add(1)
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		var req quipt.CancelRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		if o, ok := c.w.Q.FulfillmentOrder(req.OrderID); ok &&
			((req.Type == quipt.CancelSoft && o.SubStatus == quipt.SubStatusSoftCancel) || o.Status == quipt.StatusCanceled) {
			return conflict(r, "order is already cancelled"), nil
		}
		return next.RoundTrip(r)
	})
}

// conflict is Quipt's 409 answer with message description.
func conflict(r *http.Request, description string) *http.Response {
	body := `{"Success": false, "Result": null, "TransactionId": "t-409", "TransactionTime": "2026-11-05T18:00:00Z",
		"Messages": [{"Severity": "Error", "Code": "Conflict", "Description": "` + description + `"}]}`
	return &http.Response{
		StatusCode: http.StatusConflict, Status: "409 Conflict", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": []string{"application/json"}},
		Body:    io.NopCloser(strings.NewReader(body)),
		Request: r, ContentLength: int64(len(body)),
	}
}

// TestCancelAppliedButNotRecordedIsNotSentAgain: an earlier run cancelled
// the order in Quipt and crashed before recording it. The next run sees the
// cancel on the order it reads, records it and sends nothing, so a Quipt
// that refuses a repeated cancel (409) cannot get it dead-lettered.
func TestCancelAppliedButNotRecordedIsNotSentAgain(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mode   string
		change func(*quipttest.Order)
	}{
		{"soft: sub-status 95 and its cancellation", ModeSoft, func(o *quipttest.Order) {
			o.SubStatus = quipt.SubStatusSoftCancel
			o.Cancellations = []quipttest.Cancellation{{Type: quipt.CancelSoft, Reason: "Cancelled in ShipStation"}}
		}},
		{"soft: sub-status 95 alone", ModeSoft, func(o *quipttest.Order) { o.SubStatus = quipt.SubStatusSoftCancel }},
		{"soft: a Soft cancellation alone", ModeSoft, func(o *quipttest.Order) {
			o.Cancellations = []quipttest.Cancellation{{Type: quipt.CancelSoft}}
		}},
		{"hard: a Hard cancellation, status not yet 16", ModeHard, func(o *quipttest.Order) {
			o.Cancellations = []quipttest.Cancellation{{Type: quipt.CancelHard}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			guard := &conflictOnRepeat{}
			w := newWorld(t, jobstest.Options{QuiptTransport: guard.wrap})
			guard.w = w
			qo, so := pushed(t, w, "R-1", 2)
			if err := w.Q.UpdateFulfillmentOrder(qo.ID, tc.change); err != nil {
				t.Fatal(err)
			}
			w.SS.CancelOrder(so.OrderID)
			run(t, w, newJob(w, tc.mode))
			if n := guard.sent.Load(); n != 0 {
				t.Errorf("%d cancels sent for an order that shows the cancel already", n)
			}
			if dls := w.DeadLetters(t, jobs.NameSyncCancels); len(dls) != 0 {
				t.Errorf("dead letters = %v, want none", dls)
			}
			if rec, _ := w.Store.Records(context.Background(), jobs.NSCancelled, []string{qo.ID}); rec[qo.ID] != tc.mode {
				t.Errorf("cancel record = %q, want %q", rec[qo.ID], tc.mode)
			}
			if s := w.Log.LastSummary(); s["already_cancelled_in_quipt"] != 1.0 || s["dead_lettered"] != 0.0 {
				t.Errorf("summary = %v, want already_cancelled_in_quipt 1", s)
			}
		})
	}
}

// TestOtherTypeIsStillSent: a hard run over an order soft-cancelled by
// someone else (no record of ours) still sends its hard cancel: only a
// cancellation of the job's own type, or Status 16, counts as done.
func TestOtherTypeIsStillSent(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	qo, so := pushed(t, w, "R-2", 1)
	if err := w.Q.UpdateFulfillmentOrder(qo.ID, func(o *quipttest.Order) {
		o.SubStatus = quipt.SubStatusSoftCancel
		o.Cancellations = []quipttest.Cancellation{{Type: quipt.CancelSoft}}
	}); err != nil {
		t.Fatal(err)
	}
	w.SS.CancelOrder(so.OrderID)
	run(t, w, newJob(w, ModeHard))
	if o := quiptOrder(t, w, qo.ID); o.Status != quipt.StatusCanceled {
		t.Errorf("Status %d, want the hard cancel applied", o.Status)
	}
}

// TestRefusedCancelThatShowsAppliedIsRecorded: Quipt applies the cancel but
// answers 409 (a concurrent or earlier identical cancel, as a stricter Quipt
// than the sandbox reports it). The job reads the order again, finds the
// cancellation and records it as done instead of dead-lettering it. When
// that read fails transiently, the run stops without a dead letter and the
// next run records it.
func TestRefusedCancelThatShowsAppliedIsRecorded(t *testing.T) {
	var failReads atomic.Int32
	var armReadFailure atomic.Bool
	w := newWorld(t, jobstest.Options{QuiptTransport: func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/v2/orders/fulfillment/id/") && failReads.Add(-1) >= 0 {
				return nil, io.ErrUnexpectedEOF
			}
			if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, cancelPath) {
				return next.RoundTrip(r)
			}
			resp, err := next.RoundTrip(r)
			if err != nil {
				return nil, err
			}
			resp.Body.Close()
			if armReadFailure.CompareAndSwap(true, false) {
				failReads.Store(int32(jobstest.FastRetry.Attempts))
			}
			return conflict(r, "order is already cancelled"), nil
		})
	}})
	qa, sa := pushed(t, w, "R-a", 1)
	w.SS.CancelOrder(sa.OrderID)
	job := newJob(w, ModeSoft)
	run(t, w, job)
	if dls := w.DeadLetters(t, jobs.NameSyncCancels); len(dls) != 0 {
		t.Errorf("dead letters = %v, want none: the cancel took effect", dls)
	}
	if rec, _ := w.Store.Records(context.Background(), jobs.NSCancelled, []string{qa.ID}); rec[qa.ID] != ModeSoft {
		t.Errorf("cancel record = %q, want %q", rec[qa.ID], ModeSoft)
	}
	if o := quiptOrder(t, w, qa.ID); len(o.Cancellations) != 1 {
		t.Errorf("order holds %d cancellations, want 1", len(o.Cancellations))
	}
	if ev := w.Log.Events("already_cancelled"); len(ev) != 1 || !strings.Contains(ev[0]["refusal"].(string), "already cancelled") {
		t.Errorf("already_cancelled events = %v, want one naming the refusal", ev)
	}

	// The read after the refusal fails, every attempt: the run fails with
	// no dead letter and no record; the next run finds the cancel on the
	// order and records it without sending it again.
	qb, sb := pushed(t, w, "R-b", 1)
	w.SS.CancelOrder(sb.OrderID)
	armReadFailure.Store(true)
	if err := w.Run(context.Background(), jobs.NameSyncCancels, job.Run); err == nil {
		t.Fatal("run whose read after a refused cancel failed succeeded, want an error")
	}
	if dls := w.DeadLetters(t, jobs.NameSyncCancels); len(dls) != 0 {
		t.Errorf("dead letters = %v, want none", dls)
	}
	if rec, _ := w.Store.Records(context.Background(), jobs.NSCancelled, []string{qb.ID}); len(rec) != 0 {
		t.Errorf("cancel record %v written though the outcome was unknown", rec)
	}
	posts := len(w.Q.Writes())
	run(t, w, job)
	if n := len(w.Q.Writes()); n != posts {
		t.Errorf("the next run sent %d cancels, want 0", n-posts)
	}
	if rec, _ := w.Store.Records(context.Background(), jobs.NSCancelled, []string{qb.ID}); rec[qb.ID] != ModeSoft {
		t.Errorf("cancel record = %q, want %q", rec[qb.ID], ModeSoft)
	}
	if dls := w.DeadLetters(t, jobs.NameSyncCancels); len(dls) != 0 {
		t.Errorf("dead letters = %v, want none", dls)
	}
}
