package state_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/shipsync/shipsync/state"
)

func TestDeadLetterLifecycle(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	push := mustLease(t, s, "push-orders", "me")
	get := mustLease(t, s, "get-orders", "me")
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

	puts := []struct {
		l *state.Lease
		d state.DeadLetter
	}{
		{push, state.DeadLetter{ID: "q1", Reason: "no carrier", At: t0.Add(2 * time.Minute)}},
		{push, state.DeadLetter{ID: "q2", Reason: "unknown warehouse", At: t0, Detail: `{"warehouse":"X"}`}},
		{get, state.DeadLetter{Job: "get-orders", ID: "s9", Reason: "400: bad sku", At: t0.Add(time.Minute)}},
		// Upsert: a second failure of q1 replaces reason and time, counts the attempt.
		{push, state.DeadLetter{ID: "q1", Reason: "no carrier (again)", At: t0.Add(3 * time.Minute)}},
	}
	for _, p := range puts {
		if err := s.PutDeadLetter(ctx, p.l, p.d); err != nil {
			t.Fatalf("PutDeadLetter(%+v): %v", p.d, err)
		}
	}

	all, err := s.DeadLetters(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []state.DeadLetter{
		{Job: "push-orders", ID: "q2", Reason: "unknown warehouse", At: t0, Attempts: 1, Detail: `{"warehouse":"X"}`},
		{Job: "get-orders", ID: "s9", Reason: "400: bad sku", At: t0.Add(time.Minute), Attempts: 1},
		{Job: "push-orders", ID: "q1", Reason: "no carrier (again)", At: t0.Add(3 * time.Minute), Attempts: 2},
	}
	if d := cmp.Diff(want, all); d != "" {
		t.Fatalf("DeadLetters(all) (-want +got):\n%s", d)
	}
	pushOnly, err := s.DeadLetters(ctx, "push-orders")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]state.DeadLetter{want[0], want[2]}, pushOnly); d != "" {
		t.Fatalf("DeadLetters(push-orders) (-want +got):\n%s", d)
	}
	counts, err := s.CountDeadLetters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]int{"push-orders": 2, "get-orders": 1}, counts); d != "" {
		t.Fatalf("CountDeadLetters (-want +got):\n%s", d)
	}

	assertParked := func(want map[string]bool) {
		t.Helper()
		got, err := s.Parked(ctx, "push-orders", []string{"q1", "q2", "q3"})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("Parked (-want +got):\n%s", d)
		}
	}
	assertParked(map[string]bool{"q1": true, "q2": true})

	// Drop q2: gone from the list, still parked.
	if ok, err := s.DropDeadLetter(ctx, "push-orders", "q2"); err != nil || !ok {
		t.Fatalf("DropDeadLetter(q2) = %v, %v", ok, err)
	}
	if ok, err := s.DropDeadLetter(ctx, "push-orders", "q2"); err != nil || ok {
		t.Fatalf("second DropDeadLetter(q2) = %v, %v; want false", ok, err)
	}
	assertParked(map[string]bool{"q1": true, "q2": true})

	// Retry q1: no longer parked.
	if ok, err := s.RetryDeadLetter(ctx, "push-orders", "q1"); err != nil || !ok {
		t.Fatalf("RetryDeadLetter(q1) = %v, %v", ok, err)
	}
	if ok, err := s.RetryDeadLetter(ctx, "push-orders", "q1"); err != nil || ok {
		t.Fatalf("second RetryDeadLetter(q1) = %v, %v; want false", ok, err)
	}
	assertParked(map[string]bool{"q2": true})
	pushOnly, err = s.DeadLetters(ctx, "push-orders")
	if err != nil || len(pushOnly) != 0 {
		t.Fatalf("DeadLetters(push-orders) after retry and drop = %v, %v; want none", pushOnly, err)
	}
	counts, err = s.CountDeadLetters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]int{"push-orders": 0, "get-orders": 1}, counts); d != "" {
		t.Fatalf("CountDeadLetters after retry and drop (-want +got):\n%s", d)
	}

	// A retried item that fails again starts counting afresh.
	if err := s.PutDeadLetter(ctx, push, state.DeadLetter{ID: "q1", Reason: "no carrier"}); err != nil {
		t.Fatal(err)
	}
	again, err := s.DeadLetters(ctx, "push-orders")
	if err != nil || len(again) != 1 || again[0].Attempts != 1 || again[0].At.IsZero() {
		t.Fatalf("DeadLetters after re-failure = %+v, %v; want q1 with 1 attempt and a time", again, err)
	}

	// Retrying a dropped item lifts the drop.
	if ok, err := s.RetryDeadLetter(ctx, "push-orders", "q2"); err != nil || !ok {
		t.Fatalf("RetryDeadLetter(dropped q2) = %v, %v", ok, err)
	}
	assertParked(map[string]bool{"q1": true})
}

func TestDeadLettersEmpty(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	if dls, err := s.DeadLetters(ctx, ""); err != nil || len(dls) != 0 {
		t.Fatalf("DeadLetters = %v, %v", dls, err)
	}
	if c, err := s.CountDeadLetters(ctx); err != nil || len(c) != 0 {
		t.Fatalf("CountDeadLetters = %v, %v", c, err)
	}
	if p, err := s.Parked(ctx, "job", nil); err != nil || len(p) != 0 {
		t.Fatalf("Parked(no ids) = %v, %v", p, err)
	}
}

func TestParkedOneRoundTrip(t *testing.T) {
	s, r := newStore(t)
	ctx := testCtx(t)
	// Warm up: a new connection's handshake would count too.
	if _, err := s.Parked(ctx, "job", []string{"a"}); err != nil {
		t.Fatal(err)
	}
	rt := countRoundTrips(r.Client)
	if _, err := s.Parked(ctx, "job", []string{"a", "b", "c"}); err != nil {
		t.Fatal(err)
	}
	if n := rt.n.Load(); n != 1 {
		t.Fatalf("Parked took %d round trips, want 1", n)
	}
}
