package synctracking

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/shipsync/shipsync/connector/quipt/quipttest"
	"github.com/shipsync/shipsync/connector/shipstation"
	"github.com/shipsync/shipsync/jobs"
	"github.com/shipsync/shipsync/jobs/jobstest"
)

// scriptHook watches the Lua scripts (the fenced writes) a Redis client runs:
// it calls onScript with the string arguments of each, and fails, once, the
// first that carries the argument fail: the process "crashes" before that
// write reaches Redis.
type scriptHook struct {
	mu       sync.Mutex
	fail     string
	onScript func(args []string)
}

func (h *scriptHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *scriptHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func (h *scriptHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if name := cmd.Name(); name != "evalsha" && name != "eval" {
			return next(ctx, cmd)
		}
		args := make([]string, 0, len(cmd.Args()))
		for _, a := range cmd.Args() {
			args = append(args, fmt.Sprint(a))
		}
		h.mu.Lock()
		fail := h.fail != "" && slices.Contains(args, h.fail)
		if fail {
			h.fail = ""
		}
		onScript := h.onScript
		h.mu.Unlock()
		if onScript != nil {
			onScript(args)
		}
		if fail {
			err := errors.New("test: process killed before this write reached Redis")
			cmd.SetErr(err)
			return err
		}
		return next(ctx, cmd)
	}
}

func markRecord(t *testing.T, w *jobstest.World, ssOrderID int64) string {
	t.Helper()
	id := strconv.FormatInt(ssOrderID, 10)
	rec, err := w.Store.Records(context.Background(), jobs.NSMarkedShipped, []string{id})
	if err != nil {
		t.Fatal(err)
	}
	return rec[id]
}

// TestMarkAsShippedIsSentOnceAcrossACrash stops a run after its markasshipped
// took effect but before the outcome was recorded. The next run must not
// send it again, whatever ShipStation would answer a second one: the test
// counts the requests sent, not the ones ShipStation applied.
func TestMarkAsShippedIsSentOnceAcrossACrash(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	x, _ := importedOrder(t, w, "X", quipttest.Shipment{TrackingNumber: "1ZX", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	var (
		mu     sync.Mutex
		writes []string // the NSMarkedShipped value each write carries, with the markasshipped requests sent by then
	)
	hook := &scriptHook{fail: "1ZX", onScript: func(args []string) {
		for _, a := range args {
			if strings.HasPrefix(a, jobs.IntentPrefix+"1ZX|at=") {
				a = jobs.IntentPrefix + "1ZX|at" // the attempt's stamp, right before the send
			}
			if a == "1ZX" || a == jobs.IntentPrefix+"1ZX" || a == jobs.IntentPrefix+"1ZX|at" {
				mu.Lock()
				writes = append(writes, fmt.Sprintf("%s after %d sent", a, w.SS.Count("POST", "/orders/markasshipped")))
				mu.Unlock()
			}
		}
	}}
	w.Redis.Client.AddHook(hook)
	job := newJob(w)
	if err := w.Run(context.Background(), jobs.NameSyncTracking, job.Run); err == nil {
		t.Fatal("the run whose record was lost reported success")
	}
	if n := w.SS.MarkAsShippedCount(x.OrderID); n != 1 {
		t.Fatalf("order marked shipped %d times by the crashed run, want 1", n)
	}
	rec, _ := strings.CutPrefix(markRecord(t, w, x.OrderID), jobs.IntentPrefix)
	if intent := jobs.ParseIntent(rec); intent.Value != "1ZX" || intent.Attempt.IsZero() {
		t.Errorf("record after the crash = %q, want the intent for 1ZX with its attempt's time", markRecord(t, w, x.OrderID))
	}

	run(t, w, job)
	wantMarkedOnce(t, w, x.OrderID, "1ZX")
	if s := w.Log.LastSummary(); s["already_shipped"] != 1.0 || s["pending_resolved"] != 1.0 || s["created"] != 0.0 {
		t.Errorf("summary = %v, want already_shipped 1 and pending_resolved 1", s)
	}
	mu.Lock()
	defer mu.Unlock()
	// EVALSHA and, the first time, its EVAL fallback are one write.
	want := []string{"pending:1ZX after 0 sent", "pending:1ZX|at after 0 sent", "1ZX after 1 sent"}
	if got := slices.Compact(writes); !slices.Equal(got, want) {
		t.Errorf("record writes = %q, want %q: the intent, its attempt's stamp before the call, then the outcome", got, want)
	}
}

// TestPendingIntentOfAShippedOrderIsNotSentAgain writes the intent of an
// order that is already marked shipped, as a run that crashed right after
// its call would leave it: the next run reads the order and sends nothing.
// A pending order cancelled meanwhile is dead-lettered, not sent.
func TestPendingIntentOfAShippedOrderIsNotSentAgain(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	x, _ := importedOrder(t, w, "X", quipttest.Shipment{TrackingNumber: "1ZX", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	z, _ := importedOrder(t, w, "Z", quipttest.Shipment{TrackingNumber: "1ZZ", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	if _, err := w.ShipStation.Orders.MarkAsShipped(context.Background(), shipstation.MarkAsShippedRequest{
		OrderID: x.OrderID, CarrierCode: "ups", ShipDate: "2026-06-09", TrackingNumber: "1ZX",
	}); err != nil {
		t.Fatal(err)
	}
	w.SS.CancelOrder(z.OrderID)
	xid, zid := strconv.FormatInt(x.OrderID, 10), strconv.FormatInt(z.OrderID, 10)
	w.PutRecords(t, jobs.NSMarkedShipped, map[string]string{xid: jobs.IntentPrefix + "1ZX", zid: jobs.IntentPrefix + "1ZZ"})

	run(t, w, newJob(w))
	if n := w.SS.MarkAsShippedCount(x.OrderID); n != 1 {
		t.Errorf("order marked shipped %d times, want 1", n)
	}
	if n := w.SS.Count("POST", "/orders/markasshipped"); n != 1 {
		t.Errorf("markasshipped sent %d times, want 1 (the test's own)", n)
	}
	if rec := markRecord(t, w, x.OrderID); rec != "1ZX" {
		t.Errorf("record = %q, want done with 1ZX", rec)
	}
	if reason := deadLetters(t, w)[MarkKeyPrefix+zid]; !strings.Contains(reason, "cancelled") {
		t.Errorf("dead letter of the cancelled pending order = %q", reason)
	}
}

// TestPendingIntentOfAnOpenOrderIsSent: a run wrote the intent and stopped
// before its call; the order is still open, so the next run marks it, once.
func TestPendingIntentOfAnOpenOrderIsSent(t *testing.T) {
	w := newWorld(t, jobstest.Options{})
	x, _ := importedOrder(t, w, "X", quipttest.Shipment{TrackingNumber: "1ZX", CarrierCode: "UPS", ShipDate: "2026-06-09"})
	w.PutRecords(t, jobs.NSMarkedShipped, map[string]string{strconv.FormatInt(x.OrderID, 10): jobs.IntentPrefix + "1ZX"})

	job := newJob(w)
	run(t, w, job)
	run(t, w, job)
	if n := w.SS.MarkAsShippedCount(x.OrderID); n != 1 {
		t.Errorf("order marked shipped %d times, want 1", n)
	}
	if n := w.SS.Count("POST", "/orders/markasshipped"); n != 1 {
		t.Errorf("markasshipped sent %d times, want 1", n)
	}
	if rec := markRecord(t, w, x.OrderID); rec != "1ZX" {
		t.Errorf("record = %q, want done with 1ZX", rec)
	}
}
