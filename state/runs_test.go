package state_test

import (
	"testing"
	"time"

	"github.com/shipsync/shipsync/state"
)

func TestRecordRunAndLastSuccess(t *testing.T) {
	s, _ := newStore(t)
	ctx := testCtx(t)
	if _, ok, err := s.LastSuccess(ctx, "get-orders"); err != nil || ok {
		t.Fatalf("LastSuccess before any run: ok=%v err=%v", ok, err)
	}
	ok1 := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	if err := s.RecordRun(ctx, "get-orders", true, ok1); err != nil {
		t.Fatal(err)
	}
	// A later failure does not move the last success.
	if err := s.RecordRun(ctx, "get-orders", false, ok1.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.LastSuccess(ctx, "get-orders")
	if err != nil || !ok || !got.Equal(ok1) {
		t.Fatalf("LastSuccess = %v, %v, %v; want %v", got, ok, err, ok1)
	}
	ok2 := ok1.Add(2 * time.Minute)
	if err := s.RecordRun(ctx, "get-orders", true, ok2); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.LastSuccess(ctx, "get-orders"); !got.Equal(ok2) {
		t.Fatalf("LastSuccess = %v, want %v", got, ok2)
	}
	if _, ok, _ := s.LastSuccess(ctx, "push-orders"); ok {
		t.Fatal("LastSuccess of another job is set")
	}
}

func TestPing(t *testing.T) {
	s, _ := newStore(t)
	if err := s.Ping(testCtx(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	down := state.New(unreachableRedis(t), "p")
	if err := down.Ping(testCtx(t)); err == nil {
		t.Fatal("Ping of an unreachable server: nil error")
	}
}
